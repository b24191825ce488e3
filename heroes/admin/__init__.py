"""The staff admin at /admin/: heroes, deleted heroes, login attempts, users and API tokens.

Django's autodiscovery imports this package; each module registers its model admins.
"""

from django.contrib import admin

from heroes.admin import deleted, hero, logins, tokens, users  # noqa: F401  registers them
from heroes.admin.filters import AGE_RANGES
from heroes.admin.logins import UNTIL_FORMAT

admin.site.site_header = "Heroes administration"
admin.site.site_title = "Heroes administration"
admin.site.index_title = "Heroes site administration"

__all__ = ["AGE_RANGES", "UNTIL_FORMAT"]
