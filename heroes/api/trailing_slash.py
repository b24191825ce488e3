from django.urls import is_valid_path


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
