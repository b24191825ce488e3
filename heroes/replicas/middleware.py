"""Which requests may read from the replica, and a second try on the primary when it fails.

Decided from the headers alone, before authentication, so that the lookup of a client's
token or session runs on the primary too: a client that shows who it is reads everything
from the primary, and sees its own writes whatever the replica's lag and whichever app
server answers. Only anonymous safe requests read from the replica.
"""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest

from heroes.replicas import lag, routing

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def may_read_replica(request: HttpRequest) -> bool:
    """Safe, and from a client that sends no credentials: no token, no session."""
    return (
        request.method in SAFE_METHODS
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaReadsMiddleware:
    """Sets each request's read policy; a safe request the replica failed is answered again
    from the primary, as if the replica were down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        with routing.reads(may_read_replica(request)) as policy:
            response = self.get_response(request)
            # The replica stopped or refused between its last check and this read (the
            # handler made the error a 503). A safe request may run twice.
            if policy.replica_used and response.status_code == HTTPStatus.SERVICE_UNAVAILABLE:
                lag.mark_down()
                policy.replica_allowed = policy.replica_used = False
                response = self.get_response(request)
            return response
