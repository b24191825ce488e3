"""A JSON read of one hero without the rest of DRF's dispatch.

For `GET /heroes/{id}/`, DRF's dispatch negotiates a renderer, runs throttles, builds a
Response, finalizes its headers and renders it through a template response: more work
than reading the hero. Here the viewset's own authenticators and permission classes run
through DRF's public methods, the object is read by a compiled query, and the viewset's
first renderer writes it, with the ETag and headers the view would add (or a 304 for a
matching If-None-Match). A request this cannot answer
exactly as DRF would (a query string, a format suffix, an Accept header that is not
plain JSON, throttles or versioning on the view, any error) goes to DRF's dispatch.
With heroes.speed.reads off, the object and its JSON come from the view's get_object() and
serializer instead. Settings plug it in as the hero routes' viewset (HEROES_VIEWSET_CLASS).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.viewsets import GenericViewSet

from heroes import speed
from heroes.api import conditional, views
from heroes.speed import reads

# Accept headers for which DRF picks the first (JSON) renderer with no parameters.
JSON_ACCEPTS = frozenset({"application/json", "*/*"})


def _plain_json_get(request: HttpRequest) -> bool:
    meta = request.META
    return (
        request.method == "GET"
        and not meta.get("QUERY_STRING")
        and meta.get("HTTP_ACCEPT", "*/*") in JSON_ACCEPTS
    )


def read_one(view: GenericViewSet, request: HttpRequest, **kwargs) -> HttpResponse | None:
    """The viewset's answer to a plain JSON read of one object, or None to let DRF answer."""
    lookup = view.lookup_url_kwarg or view.lookup_field
    if (
        not speed.on("shortcut")
        or not _plain_json_get(request)
        or kwargs.keys() != {lookup}
        or view.versioning_class is not None
    ):
        return None
    drf_request = view.initialize_request(request, **kwargs)
    view.request = drf_request
    if view.action != "retrieve" or view.get_throttles():
        return None
    renderer = view.get_renderers()[0]
    if not isinstance(renderer, JSONRenderer):
        return None
    read = _from_row if speed.on("reads") else _through_serializer
    try:
        view.perform_authentication(drf_request)
        view.check_permissions(drf_request)
        found = read(view, kwargs[lookup])
        if found is None:
            return None  # DRF answers
        instance, data = found
        etag = conditional.hero_etag(instance)
        response = conditional.not_modified(drf_request, etag)
    except (APIException, Http404, PermissionDenied):
        return None  # DRF's dispatch answers the error its own way
    if response is None:
        response = HttpResponse(renderer.render(data, renderer.media_type), renderer.media_type)
        response["ETag"] = etag
    for name, value in view.default_response_headers.items():
        response[name] = value
    return response


def _from_row(view: GenericViewSet, raw_pk: str) -> tuple[Model, dict] | None:
    """The object and its JSON from its row (heroes.speed.reads), or None: DRF answers."""
    serializer_class = view.get_serializer_class()
    fields = reads.public_fields(serializer_class)
    if fields is None:
        return None
    instance = reads.instance_by_id(serializer_class.Meta.model, raw_pk)
    if instance is None:
        return None  # DRF answers the 404
    view.check_object_permissions(view.request, instance)
    return instance, {name: getattr(instance, name) for name in fields}


def _through_serializer(view: GenericViewSet, raw_pk: str) -> tuple[Model, dict]:
    """The object and its JSON by the view's get_object() and serializer (reads off)."""
    instance = view.get_object()  # its 404, and the object's permissions
    view.format_kwarg = None  # as DRF's initial() sets it: read_one takes no format suffix
    return instance, view.get_serializer(instance).data


class HeroViewSet(views.HeroViewSet):
    """The API's HeroViewSet, answering plain JSON reads of one hero by read_one()."""

    def dispatch(self, request, *args, **kwargs):
        response = read_one(self, request, **kwargs)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)


# The schema describes the operations by the viewset's docstring: the API's, not this one.
HeroViewSet.__doc__ = views.HeroViewSet.__doc__
