"""The project's routes and error handlers, and one view that fails as a bug would."""

from django.urls import path

from heroproject.urls import handler400, handler404, handler500, urlpatterns


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), *urlpatterns]
__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
