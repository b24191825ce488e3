"""Production settings behind a TLS-terminating proxy: Django's deployment checks and HTTPS."""

import http.client
import os
import re
import secrets
import subprocess
import sys
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from benchmarks.servers import gunicorn, sqlite_url

PUBLIC_HOST = "heroes.example.com"


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": PUBLIC_HOST,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check_deploy()

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_behind_a_proxy():
    result = _check_deploy(
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{PUBLIC_HOST}",
    )

    assert result.returncode == 0, result.stderr


def test_check_deploy_fails_without_https():
    result = _check_deploy(DJANGO_HTTPS="0")

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_check_deploy_fails_with_a_weak_secret_key():
    result = _check_deploy(DJANGO_SECRET_KEY="short")

    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.fixture(scope="module")
def proxied_server(tmp_path_factory):
    """gunicorn with production HTTPS settings, as it runs behind a TLS-terminating proxy."""
    tmp = tmp_path_factory.mktemp("proxied")
    with gunicorn(
        sqlite_url(tmp / "db.sqlite3"),
        tmp / "gunicorn.log",
        workers=1,
        DJANGO_HTTPS="1",
        DJANGO_SECURE_PROXY_SSL_HEADER="1",
        DJANGO_ALLOWED_HOSTS=f"{PUBLIC_HOST},admin.example.com,127.0.0.1",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://admin.example.com",
    ) as server:
        yield server


@pytest.fixture(scope="module")
def direct_server(tmp_path_factory):
    """The same production settings without DJANGO_SECURE_PROXY_SSL_HEADER: no proxy trusted."""
    tmp = tmp_path_factory.mktemp("direct")
    with gunicorn(
        sqlite_url(tmp / "db.sqlite3"),
        tmp / "gunicorn.log",
        workers=1,
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS=f"{PUBLIC_HOST},127.0.0.1",
    ) as server:
        yield server


def _request(server, method: str, path: str, headers: dict[str, str], body: str | None = None):
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"Host": PUBLIC_HOST, **headers})
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


def test_plain_http_request_is_redirected_to_https(proxied_server):
    response, _ = _request(proxied_server, "GET", "/heroes/", {})

    assert response.status == HTTPStatus.MOVED_PERMANENTLY
    assert response.getheader("Location") == f"https://{PUBLIC_HOST}/heroes/"


def test_request_forwarded_as_https_is_served_with_hsts(proxied_server):
    response, body = _request(proxied_server, "GET", "/heroes/", {"X-Forwarded-Proto": "https"})

    assert response.status == HTTPStatus.OK
    assert '"results":[]' in body
    assert response.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_forwarded_proto_is_ignored_unless_the_proxy_is_trusted(direct_server):
    response, _ = _request(direct_server, "GET", "/heroes/", {"X-Forwarded-Proto": "https"})

    assert response.status == HTTPStatus.MOVED_PERMANENTLY
    assert response.getheader("Location") == f"https://{PUBLIC_HOST}/heroes/"


@pytest.mark.parametrize("path", ["/livez", "/readyz"])
def test_health_check_over_plain_http_is_not_redirected(proxied_server, path):
    response, _ = _request(proxied_server, "GET", path, {})

    assert response.status == HTTPStatus.OK


def _login_form(server) -> tuple[str, str]:
    """The CSRF cookie and form token of the login page, fetched over (proxied) HTTPS."""
    response, body = _request(server, "GET", "/admin/login/", {"X-Forwarded-Proto": "https"})
    cookie = response.getheader("Set-Cookie")
    assert response.status == HTTPStatus.OK
    assert "; Secure" in cookie
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    return cookie.split(";", 1)[0], token


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        # A wrong password re-renders the form (200): the CSRF check passed.
        ("https://admin.example.com", HTTPStatus.OK),
        ("https://evil.example.com", HTTPStatus.FORBIDDEN),
    ],
)
def test_login_post_from_another_origin_needs_a_trusted_origin(proxied_server, origin, expected):
    cookie, token = _login_form(proxied_server)

    response, body = _request(
        proxied_server,
        "POST",
        "/admin/login/",
        {
            "X-Forwarded-Proto": "https",
            "Origin": origin,
            "Referer": f"{origin}/",
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=f"csrfmiddlewaretoken={token}&username=nobody&password=wrong&next=/admin/",
    )

    assert response.status == expected
    if expected == HTTPStatus.FORBIDDEN:
        assert "CSRF" in body
