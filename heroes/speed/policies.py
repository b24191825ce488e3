"""django-csp's middleware, with the settings' policy built once instead of per answer.

The package builds the Content-Security-Policy header from the settings on every answer,
twice (the policy and the report-only one), through dataclasses and a copy of each
directive. An answer that uses no nonce and no per-view policy (every API answer, and most
pages) gets the same header each time, so it is built once, and again when the settings
change. Anything else goes to the package as it is.
"""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as PackageCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

POLICY_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
# What a view sets on its response to change or drop the policy (django-csp's decorators).
PER_VIEW = tuple(
    f"_csp_{part}{suffix}"
    for part in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


@cache
def settings_headers() -> tuple[tuple[str, str], ...] | None:
    """The headers the settings' policies give, or None when they exclude some paths."""
    if any(
        (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
        for name in POLICY_SETTINGS
    ):
        return None
    built = ((HEADER, build_policy()), (HEADER_REPORT_ONLY, build_policy(report_only=True)))
    return tuple((header, value) for header, value in built if value)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting in POLICY_SETTINGS:
        settings_headers.cache_clear()


class CSPMiddleware(PackageCSPMiddleware):
    """django-csp's headers; answers with the settings' policy as is get it built once."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        headers = settings_headers()
        if (
            headers is None
            or settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in PER_VIEW)
        ):
            return super().process_response(request, response)
        for header, value in headers:
            if header not in response:
                response[header] = value
        # As the package does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
