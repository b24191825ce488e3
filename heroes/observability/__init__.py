"""What operators see: request ids, Prometheus metrics, and logs as text or JSON.

- request_ids.py: an id per request, in its X-Request-ID response header and its log lines
- metrics.py: request counts and latency by route, method and status; database errors;
  login refusals; summed over gunicorn's workers (prometheus_client's multiprocess mode)
- views.py: GET /metrics/ for the addresses in DJANGO_METRICS_ALLOWED or a bearer token
- logs.py: DJANGO_LOG_FORMAT=json writes one JSON object a line (imports no Django, so
  gunicorn's master can use it)
"""
