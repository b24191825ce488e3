import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONE, SELF
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.middleware import CSPMiddleware as PackageCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from heroes.speed.policies import CSPMiddleware

REPORT_ONLY = {"DIRECTIVES": {"default-src": [NONE], "report-uri": "/csp-reports/"}}


def _plain(request):
    return HttpResponse(b"{}", content_type="application/json")


def _with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>".encode())


def _with_header(request):
    response = _plain(request)
    response[HEADER] = "default-src 'none'"
    return response


VIEWS = {
    "plain": _plain,
    "nonce": _with_nonce,
    "header set": _with_header,
    "update": csp_update({"img-src": ["https://cdn.example.com"]})(_plain),
    "replace": csp_replace({"script-src": [SELF, "https://cdn.example.com"]})(_plain),
    "exempt": csp_exempt()(_plain),
    "report-only update": csp_update({"img-src": [SELF]}, REPORT_ONLY=True)(_plain),
}
SETTINGS = {
    "project": {},
    "report-only too": {"CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY},
    "excluded prefix": {
        "CONTENT_SECURITY_POLICY": {
            "EXCLUDE_URL_PREFIXES": ["/heroes/"],
            "DIRECTIVES": {"default-src": [SELF]},
        }
    },
    "no policy": {"CONTENT_SECURITY_POLICY": None},
}


def _answer(middleware, view) -> tuple:
    request = RequestFactory().get("/heroes/1/")
    response = middleware(view)(request)
    headers = {name: response.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}
    return response.status_code, headers, response.content


def _without_nonce(status: int, headers: dict, content: bytes) -> tuple:
    nonce = content.split(b"'")[1].decode()
    return status, {
        name: value and value.replace(nonce, "NONCE") for name, value in headers.items()
    }


@pytest.mark.parametrize("configured", SETTINGS)
@pytest.mark.parametrize("view", VIEWS)
def test_csp_answers_as_django_csp(settings, configured, view):
    for name, value in SETTINGS[configured].items():
        setattr(settings, name, value)

    ours = _answer(CSPMiddleware, VIEWS[view])
    package = _answer(PackageCSPMiddleware, VIEWS[view])

    # Nonces are random: the same policy, with each answer's own nonce in it.
    if view == "nonce":
        ours, package = (_without_nonce(*answer) for answer in (ours, package))
    assert ours == package


def test_csp_follows_settings_changed_after_first_answer(settings):
    before = _answer(CSPMiddleware, _plain)[1][HEADER]

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [NONE]}}
    after = _answer(CSPMiddleware, _plain)[1][HEADER]

    assert "frame-ancestors 'none'" in before
    assert after == "default-src 'none'"


def test_csp_nonce_asked_after_answer_is_refused():
    request = RequestFactory().get("/heroes/1/")
    CSPMiddleware(_plain)(request)

    with pytest.raises(Exception, match="csp_nonce"):
        str(request.csp_nonce)
