"""The hero resource over HTTP: open this package first.

- `serializers`: what a valid hero is, and what clients see of one.
- `views`: the hero viewset (list, create, read, replace, patch, delete).
- `filters`: name and age filters, search and ordering of the list.
- `pagination`: limit/offset pages of at most 100 heroes.
- `permissions`: anyone reads; writing needs Django model permissions.
- `schema`: what the OpenAPI document says beyond what DRF infers.
- `tokens`: trading a username and password for an API token.
- `docs`: the OpenAPI document, Swagger UI and ReDoc.
- `health`: /livez and /readyz, for supervisors and load balancers.
- `errors`: the errors Django answers itself (400, 404, 500, and 503 for a database
  that cannot serve): JSON for API clients, HTML for browsers.
- `trailing_slash`: `/heroes` served like `/heroes/`.
- `urls`: the routes of all of the above.
"""
