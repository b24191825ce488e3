from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import JsonResponse
from django.urls import Resolver404, get_resolver, is_valid_path
from django.utils.functional import SimpleLazyObject, empty

from heroes import fastpaths
from heroes.throttling import client_address, record_attempt, too_many_attempts


class OptionalTrailingSlashMiddleware:
    """Serves `/heroes` exactly like `/heroes/`, for every method, without a redirect.

    A redirect would turn a POST into a GET in many clients and lose its body, so
    the path is rewritten in place when only the slashed form exists.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.endswith("/") and not is_valid_path(path) and is_valid_path(path + "/"):
            request.path_info = path + "/"
            request.path = request.path + "/"
        return self.get_response(request)


class FastPathsMiddleware:
    """Lets a view's fast path answer before the session, CSRF, user and message middleware.

    The fast paths (heroes/fastpaths.py) answer anonymous JSON reads and token-authenticated
    JSON writes, which use no session, CSRF cookie, request.user or message: for them that
    middleware does nothing but cost time. Everything else goes on down the stack.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if fastpaths.may_answer(request):
            # As BaseHandler.resolve_request finds the resolver: resolve() would first look up
            # the thread's urlconf, which costs as much again as the match itself.
            resolver = get_resolver(getattr(request, "urlconf", None))
            try:
                match = resolver.resolve(request.path_info)
            except Resolver404:
                match = None
            fast_path = getattr(match and match.func, "fast_path", None)
            if fast_path is not None:
                response = fast_path(request, *match.args, **match.kwargs)
                if response is not None:
                    return response
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Answers 413 to a body over DATA_UPLOAD_MAX_MEMORY_SIZE, without keeping any of it.

    Django would raise RequestDataTooBig only once a view reads the body, and answer a
    bare 400 page; API clients get a JSON 413 instead. No endpoint takes file uploads,
    so the limit applies to the whole body.
    """

    # Up to this size the refused body is read and thrown away, so that the client,
    # still sending, can read the 413; past it the connection is simply closed.
    DRAIN_LIMIT = 32 * 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is None or length <= limit:
            return self.get_response(request)
        if length <= self.DRAIN_LIMIT:
            while request.read(64 * 1024):
                pass
        return JsonResponse(
            {"detail": f"Request body too large; the limit is {limit} bytes."}, status=413
        )


class LoginThrottleMiddleware:
    """Counts POSTs to the admin and browsable-API login pages against the login limit.

    The API's token endpoint counts against the same limit through LoginRateThrottle,
    so a client gets LOGIN_ATTEMPTS guesses per window across all three.
    """

    GUARDED_VIEWS = frozenset({"admin:login", "rest_framework:login"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and request.resolver_match.view_name in self.GUARDED_VIEWS:
            wait_seconds = record_attempt(client_address(request))
            if wait_seconds is not None:
                return too_many_attempts(wait_seconds)
        return None


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, building the message storage only when something uses it.

    API requests never touch messages; the admin and the login pages do.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
