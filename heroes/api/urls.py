from django.conf import settings
from django.urls import path
from django.utils.module_loading import import_string
from rest_framework.routers import DefaultRouter

from heroes.api.docs import OpenAPIJSONView, RedocView, SwaggerUIView
from heroes.api.health import livez, readyz
from heroes.api.root import ServiceRootView, favicon
from heroes.api.tokens import LogoutAllView, LogoutView, ObtainTokenView

# /heroes (no slash) is served too, by heroes.api.trailing_slash.
router = DefaultRouter()
router.APIRootView = ServiceRootView  # the service's front page, not DRF's list of routes
# HeroViewSet (heroes.api.views), or a subclass with the same answers (speed_switches).
router.register("heroes", import_string(settings.HEROES_VIEWSET_CLASS), basename="hero")

urlpatterns = [
    *router.urls,
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("auth/logoutall/", LogoutAllView.as_view(), name="api-logout-all"),
    path("openapi.json", OpenAPIJSONView.as_view(), name="schema"),
    path("docs/", SwaggerUIView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("livez/", livez, name="livez"),
    path("readyz/", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
]
