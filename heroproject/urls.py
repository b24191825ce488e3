from django.contrib import admin
from django.urls import include, path

from heroes.api import urls as api_urls
from heroes.observability.views import metrics

urlpatterns = [
    # Spliced in rather than include()d: every API request resolves through these routes,
    # and a nested resolver costs a second match per request.
    *api_urls.urlpatterns,
    path("metrics/", metrics, name="metrics"),
    path("api-auth/", include("rest_framework.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "heroes.guards.error_pages.bad_request"
handler403 = "heroes.guards.error_pages.permission_denied"
handler404 = "heroes.api.errors.page_not_found"
handler500 = "heroes.guards.error_pages.server_error"
