"""What the HTML pages may load and use, for Content-Security-Policy.

django-csp sets the header (policy in settings.CONTENT_SECURITY_POLICY), and
django-permissions-policy the Permissions-Policy header, on every answer that passes
their middleware: JSON answers carry them too, whether or not the request sent cookies.
"""

import base64
import hashlib

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

# The <style> elements of ReDoc's bundle (drf-spectacular-sidecar): its scrollbar's
# stylesheet, and the empty ones that styled-components fills through the CSSOM, which
# the policy does not govern.
REDOC_STYLE_ELEMENTS = (
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
)


def source_hash(text: str) -> str:
    """The CSP source expression that allows exactly `text` inline."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
