from django.conf import settings
from django.http import JsonResponse


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
