from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from heroes.views import ObtainTokenView, OpenAPIJSONView, healthz

urlpatterns = [
    path("", include("heroes.urls")),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api-auth/", include("rest_framework.urls")),
    path("admin/", admin.site.urls),
    path("openapi.json", OpenAPIJSONView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("healthz/", healthz, name="healthz"),
]
