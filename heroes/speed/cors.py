"""django-cors-headers' middleware, with no work for requests that carry no Origin header.

To find the Origin header, the package reads request.headers, which first copies every
header of the request; for the scripts and servers that send no Origin (most API
clients) that copy is most of the middleware's cost. Their answers differ from the
package's in nothing: CORS paths still get `Vary: origin`, and preflights and requests
with an Origin go to the package as they are.
"""

from corsheaders.middleware import CorsMiddleware as PackageCorsMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers


class CorsMiddleware(PackageCorsMiddleware):
    """CORS headers from django-cors-headers; requests without Origin skip its header copy."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self.async_mode or "HTTP_ORIGIN" in request.META or request.method == "OPTIONS":
            return super().__call__(request)
        response = self.get_response(request)
        if self.is_enabled(request):
            patch_vary_headers(response, ("origin",))
        return response
