from rest_framework.routers import DefaultRouter

from heroes.views import HeroViewSet

# /heroes (no slash) is served too, by heroproject.middleware.OptionalTrailingSlashMiddleware.
router = DefaultRouter()
router.register("heroes", HeroViewSet, basename="hero")

urlpatterns = router.urls
