import hmac
import os

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from heroes.guards.client_address import UNIX_SOCKET_PEER, client_ip


def may_scrape(request) -> bool:
    """Whether the client is in DJANGO_METRICS_ALLOWED or sent DJANGO_METRICS_TOKEN."""
    token = settings.METRICS_TOKEN
    if token:
        sent = request.META.get("HTTP_AUTHORIZATION", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    address = client_ip(request)
    if address is None:
        return UNIX_SOCKET_PEER in settings.METRICS_ALLOWED
    return any(
        address in network for network in settings.METRICS_ALLOWED if network != UNIX_SOCKET_PEER
    )


def metrics(request) -> HttpResponse:
    """The service's metrics in Prometheus' text format, summed over every worker."""
    if not may_scrape(request):
        return JsonResponse(
            {"detail": "Metrics are served to DJANGO_METRICS_ALLOWED or with a bearer token."},
            status=403,
        )
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # gunicorn's workers each write their own file there (gunicorn.conf.py).
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
