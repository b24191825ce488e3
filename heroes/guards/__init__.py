"""Inputs held to stricter rules than Django's and DRF's defaults.

- `parsers`: hostile JSON, form and multipart bodies answer 400, never 500.
- `body_size`: bodies over the limit answer 413 before they are read.
- `login_limit`: a few login attempts per client per window, across workers and servers.
- `client_address`: the client the limit counts: an IPv4 address or an IPv6 /64, read from
  X-Forwarded-For only on connections from DJANGO_TRUSTED_PROXIES.
- `password_change`: a new password, or none, revokes the user's API tokens.
- `policies`: what ReDoc's page adds to the Content-Security-Policy (the pages' policies are
  settings, heroproject.policies); `error_pages` sets both policies on error pages answered
  above their middleware.
"""
