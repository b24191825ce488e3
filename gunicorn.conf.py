"""gunicorn settings, read from the environment so every app server is configured alike."""

import multiprocessing
import os

wsgi_app = "heroproject.wsgi:application"

# Behind a proxy set GUNICORN_BIND=0.0.0.0:8000; by default only this machine can connect.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# SIGTERM lets in-flight requests finish for this long before workers are killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 1000
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Limits on the request line and headers, so hostile requests are refused cheaply.
limit_request_line = 8190
limit_request_fields = 100
# gunicorn 27's control socket has one default path per user: several instances on one
# machine would fight over it, and nothing here uses it.
control_socket_disable = True
