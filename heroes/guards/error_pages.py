"""Django's error pages (heroes.api.errors), with the headers their middleware would have set.

A bad Host header is answered above the policy middleware; these handlers set
Content-Security-Policy and Permissions-Policy on those pages themselves.
"""

from csp.constants import HEADER
from csp.utils import build_policy
from django.conf import settings
from django_permissions_policy import PermissionsPolicyMiddleware

from heroes.api import errors


def with_policies(response):
    """Sets both policy headers, unless the middleware below has set them already."""
    response.setdefault(HEADER, build_policy())
    response.setdefault(
        "Permissions-Policy",
        PermissionsPolicyMiddleware.compute_header_value(
            settings.PERMISSIONS_POLICY, name="PERMISSIONS_POLICY"
        ),
    )
    return response


def bad_request(request, exception):
    return with_policies(errors.bad_request(request, exception))


def permission_denied(request, exception):
    return with_policies(errors.permission_denied(request, exception))


def server_error(request):
    return with_policies(errors.server_error(request))
