"""The hero resource over HTTP: open this package first.

- `serializers`: what a valid hero is, and what clients see of one.
- `views`: the hero viewset (list, create, read, replace, patch, delete).
- `filters`: name and age filters, search and ordering of the list.
- `pagination`: limit/offset pages of at most 100 heroes.
- `permissions`: anyone reads; writing needs Django model permissions.
- `schema`: what the OpenAPI document says beyond what DRF infers.
- `tokens`: trading a username and password for an API token.
- `docs`: the OpenAPI document, Swagger UI and ReDoc.
- `health`: the load balancer's health check.
- `errors`: JSON 404s for API clients when no route matches.
- `trailing_slash`: `/heroes` served like `/heroes/`.
- `urls`: the routes of all of the above.
"""
