"""gunicorn settings, read from the environment so every app server is configured alike."""

import itertools
import os
import shutil
import tempfile
from pathlib import Path

wsgi_app = "heroproject.wsgi:application"

# Behind a proxy set GUNICORN_BIND=0.0.0.0:8000; by default only this machine can connect.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"


def default_workers() -> int:
    # The CPUs this process may run on (a container's cpuset), not every CPU of the host.
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) * 2 + 1


workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
# The sync worker, with its own refusals in JSON.
worker_class = "heroproject.gunicorn_workers.JSONErrorsSyncWorker"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# SIGTERM lets in-flight requests finish for this long before workers are killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 1000
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# Django alone decides whether to trust X-Forwarded-Proto (DJANGO_SECURE_PROXY_SSL_HEADER);
# gunicorn would otherwise trust it on its own from any proxy on 127.0.0.1.
secure_scheme_headers: dict[str, str] = {}
errorlog = "-"
# gunicorn's control socket has one default path per user ($HOME/.gunicorn/gunicorn.ctl), so
# instances on one host would take over each other's: it is off unless given its own path.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Limits on the request line and headers, so hostile requests are refused cheaply.
limit_request_line = 8190
limit_request_fields = 100
# The same access lines, built without copying every header per request.
logger_class = "heroproject.gunicorn_logging.AccessLogger"
# gunicorn's own access line, then the request id (heroes.observability.request_ids).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)

# DJANGO_LOG_FORMAT=json: gunicorn's own lines as JSON objects too, at the same level and
# to the same places; the access lines are built as JSON by the logger class above.
if os.environ.get("DJANGO_LOG_FORMAT") == "json":
    access_handler = (
        {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
        if accesslog == "-"
        else {"class": "logging.FileHandler", "filename": accesslog}
    )
    logconfig_dict = {
        "formatters": {
            "json": {"()": "heroes.observability.logs.JsonFormatter"},
            "line": {"format": "%(message)s"},
        },
        "handlers": {
            # "console" is the root logger's, in gunicorn's defaults.
            "console": {"class": "logging.StreamHandler", "formatter": "json"},
            "error": {"class": "logging.StreamHandler", "formatter": "json"},
            "access": {**access_handler, "formatter": "line"},
        },
        "loggers": {
            "gunicorn.error": {
                "handlers": ["error"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            "gunicorn.access": {
                "handlers": ["access"] if accesslog else [],
                "level": "INFO",
                "propagate": False,
            },
        },
    }


# Prometheus metrics summed over the workers (heroes.observability): the workers write
# their files into one directory, emptied when gunicorn starts (not on a reload), so counts
# start at 0.
def on_starting(server) -> None:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="heroes-metrics-")
        os.environ["HEROES_METRICS_DIR_IS_OURS"] = "1"  # removed when gunicorn stops
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def pre_fork(server, worker) -> None:
    # Each worker writes to the files of a slot, the lowest that no live worker holds: a
    # worker recycled after max_requests carries on its predecessor's counts, rather than
    # leaving files behind for every scrape to read (prometheus_client names them by pid).
    taken = {getattr(other, "metrics_slot", None) for other in server.WORKERS.values()}
    worker.metrics_slot = next(slot for slot in itertools.count() if slot not in taken)


def post_fork(server, worker) -> None:
    from prometheus_client import values

    values.ValueClass = values.MultiProcessValue(lambda: worker.metrics_slot)


def on_exit(server) -> None:
    if os.environ.get("HEROES_METRICS_DIR_IS_OURS"):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
