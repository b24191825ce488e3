"""Error pages for URLs no view matches: JSON for API clients, HTML for browsers."""

from django.http import JsonResponse
from django.views import defaults


def page_not_found(request, exception):
    # An id that no route accepts (say "1.5", or "a/b" once decoded) must answer like
    # every other API 404, not with an HTML page a JSON client cannot read.
    if "text/html" in request.headers.get("Accept", ""):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found."}, status=404)
