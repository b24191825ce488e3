"""The HTML pages' Content-Security-Policy and Permissions-Policy, for settings.

django-csp sets the first header and django-permissions-policy the second, on every answer
that passes their middleware: JSON answers carry them too, whether or not the request sent
cookies. ReDoc's page adds its own styles to the policy (heroes.guards.policies,
heroes.api.docs).
"""

import base64
import hashlib

from csp.constants import NONE, SELF, UNSAFE_HASHES

# DRF's templates (the browsable API, its forms and filters, its login page) and
# simple-history's (the admin's history pages) lay some elements out with style attributes.
# The policy allows exactly these declarations.
TEMPLATE_STYLE_ATTRIBUTES = (
    "float: right; margin-right: 10px",
    "float: right",
    "width: 350px",
    "border-bottom: 1px solid #e5e5e5",
    "border-bottom: 0",
    "margin-top: 30px",
    "width: 320px; margin-left: auto; margin-right: auto",
    "margin: 0 0 20px;",
    "border: none",
    "border-top: 0",  # simple-history's paginator
)


def source_hash(text: str) -> str:
    """The CSP source expression that allows exactly `text` inline."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# Content-Security-Policy (django-csp) on every page: scripts, styles, images and fonts from
# this origin only; no inline script anywhere. DRF's templates need their few style
# attributes, by hash; ReDoc needs more, and says so (heroes.api.docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_HASHES, *map(source_hash, TEMPLATE_STYLE_ATTRIBUTES)],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses these browser features, so
# none of them may be used, by the page or anything it frames.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}
