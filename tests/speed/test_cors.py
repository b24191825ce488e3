import pytest
from corsheaders.middleware import CorsMiddleware as PackageCorsMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from heroes.speed.cors import CorsMiddleware

ORIGIN = "https://app.example.com"
PREFLIGHT = {"HTTP_ORIGIN": ORIGIN, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}


def _answer(request):
    response = HttpResponse(b"{}", content_type="application/json")
    response["Vary"] = "Accept"
    return response


@pytest.fixture(autouse=True)
def _allowed_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


@pytest.mark.parametrize(
    ("method", "path", "meta"),
    [
        ("get", "/heroes/", {}),
        ("get", "/heroes/", {"HTTP_ORIGIN": ORIGIN}),
        ("get", "/heroes/", {"HTTP_ORIGIN": "https://elsewhere.example.com"}),
        ("post", "/heroes/", {}),
        ("options", "/heroes/", PREFLIGHT),
        ("options", "/heroes/", {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}),
        ("get", "/admin/", {}),
        ("get", "/admin/", {"HTTP_ORIGIN": ORIGIN}),
    ],
)
def test_cors_answers_as_django_cors_headers(method, path, meta):
    answers = []
    for middleware in (CorsMiddleware, PackageCorsMiddleware):
        request = getattr(RequestFactory(), method)(path, **meta)
        response = middleware(_answer)(request)
        answers.append((response.status_code, dict(response.headers), response.content))

    assert answers[0] == answers[1]


def test_cors_request_without_origin_copies_no_headers():
    request = RequestFactory().get("/heroes/")

    response = CorsMiddleware(_answer)(request)

    assert response["Vary"] == "Accept, origin"
    assert "headers" not in request.__dict__  # request.headers, a cached_property, never built
