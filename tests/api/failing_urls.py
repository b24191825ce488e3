"""The project's routes and error handlers, and views that fail as a bug or a refusal would."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from heroproject.urls import handler400, handler403, handler404, handler500, urlpatterns


def fail(request):
    raise RuntimeError("a bug")


def forbid(request):
    raise PermissionDenied


urlpatterns = [path("fail/", fail), path("forbid/", forbid), *urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
