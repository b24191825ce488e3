"""The commonest JSON requests to the hero endpoints, answered without DRF's per-request work.

For every request DRF builds a Request, negotiates the renderer, runs the authenticators,
permissions and throttles, a serializer and a renderer: most of the cost of reading one
hero, creating one or patching one. Requests of the commonest shape are answered here,
with the status, body and headers DRF would give them:

- GET of one hero, anonymous (no Authorization header, no cookie), asking for JSON;
- POST of a hero and PATCH of a hero, with `Authorization: Token <key>` and a JSON body
  whose every value the serializer would store exactly as sent (a string already
  trimmed, not blank and not too long; an integer in range, or null where allowed).

Everything else goes to DRF, and so does every request that would be answered with an
error: an unknown hero, a bad token, a missing permission, an unparsable body, a value
the serializer would change or refuse. The viewset's own configuration is checked once;
a renderer, parser, authenticator, throttle, permission or serializer these paths do not
know turns them off. tests/test_fastpaths.py sends the same requests both ways and
compares status, body, headers and stored rows.

A patch is one `UPDATE ... RETURNING` of the fields sent, so concurrent patches of
different fields cannot undo each other, as under DRF's row lock.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import orjson
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db.models import Model, signals
from django.db.models.sql import InsertQuery, UpdateQuery
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions, mixins, serializers
from rest_framework.fields import ProhibitSurrogateCharactersValidator
from rest_framework.permissions import BasePermission

from heroes import reads
from heroes.authentication import CookieSessionAuthentication, PreparedTokenAuthentication
from heroes.parsers import JSONParser
from heroes.prepared import Prepared
from heroes.renderers import FastJSONRenderer
from heroes.serializers import NullableIntegerField, StrictCharField

JSON = "application/json"
# Accept headers for which DRF picks the JSON renderer with no parameters (none means */*).
JSON_ACCEPTS = frozenset({JSON, "*/*"})
_TEXT_VALIDATORS = (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
)
_INTEGER_VALIDATORS = (MinValueValidator, MaxValueValidator)


@dataclass(frozen=True)
class Text:
    """A string the serializer stores as sent: trimmed, not blank, at most max_length.

    Lone surrogates, which the serializer refuses, never get here: orjson rejects them.
    """

    max_length: int

    def takes(self, value: object) -> bool:
        return (
            type(value) is str
            and 0 < len(value) <= self.max_length
            and value.strip() == value
            and "\x00" not in value
        )


@dataclass(frozen=True)
class Integer:
    """An integer in [low, high], or null when allowed."""

    low: int
    high: int
    allow_null: bool

    def takes(self, value: object) -> bool:
        if value is None:
            return self.allow_null
        return type(value) is int and self.low <= value <= self.high


def _rule(field: serializers.Field) -> Text | Integer | None:
    # Only field kinds whose every check Text or Integer repeats.
    if type(field) is StrictCharField:
        if (
            field.allow_null
            or field.allow_blank
            or not field.trim_whitespace
            or field.min_length is not None
            or field.max_length is None
            or not all(isinstance(v, _TEXT_VALIDATORS) for v in field.validators)
        ):
            return None
        return Text(field.max_length)
    if type(field) is NullableIntegerField:
        if (
            field.min_value is None
            or field.max_value is None
            or not all(isinstance(v, _INTEGER_VALIDATORS) for v in field.validators)
        ):
            return None
        return Integer(field.min_value, field.max_value, field.allow_null)
    return None


class _Caller:
    """What a DRF permission reads from a request before the action: the user and method."""

    def __init__(self, user, method: str):
        self.user = user
        self.method = method


class Lane:
    """What the fast paths of one hero view need, worked out once from its viewset."""

    def __init__(self, view: Callable):
        self.viewset = view.cls
        self.actions = dict(view.actions)
        self.initkwargs = view.initkwargs

    @cached_property
    def lookup(self) -> str:
        return self.viewset.lookup_url_kwarg or self.viewset.lookup_field

    @cached_property
    def model(self) -> type[Model]:
        return self.viewset.queryset.model

    @cached_property
    def public(self) -> tuple[str, ...] | None:
        return reads.public_fields(self.viewset.serializer_class)

    @cached_property
    def reads(self) -> bool:
        """The viewset answers an anonymous JSON GET as these paths do."""
        viewset = self.viewset
        return (
            self.public is not None
            and viewset.renderer_classes[0] is FastJSONRenderer
            and list(viewset.authentication_classes)
            == [PreparedTokenAuthentication, CookieSessionAuthentication]
            and not viewset.throttle_classes
            and viewset.versioning_class is None
            and all(
                permission.has_object_permission is BasePermission.has_object_permission
                for permission in viewset.permission_classes
            )
        )

    @cached_property
    def rules(self) -> dict[str, Text | Integer] | None:
        """The rule for each writable field, or None when a write needs DRF."""
        serializer_class = self.viewset.serializer_class
        viewset = self.viewset
        if not (
            self.reads
            and viewset.parser_classes[0] is JSONParser
            and viewset.perform_create is mixins.CreateModelMixin.perform_create
            and viewset.perform_update is mixins.UpdateModelMixin.perform_update
            and serializer_class.create is serializers.ModelSerializer.create
            and serializer_class.update is serializers.ModelSerializer.update
            and serializer_class.validate is serializers.Serializer.validate
        ):
            return None
        serializer = serializer_class()
        if serializer.validators:
            return None
        rules = {}
        for name, field in serializer.fields.items():
            if field.read_only:
                continue
            rule = _rule(field)
            # An optional field must default to null: a create stores null when it is left out.
            nullable = isinstance(rule, Integer) and rule.allow_null and field.default is None
            if rule is None or field.source != name or not (field.required or nullable):
                return None
            rules[name] = rule
        return rules

    @cached_property
    def required(self) -> frozenset[str]:
        fields = self.viewset.serializer_class().fields
        return frozenset(name for name in self.rules or () if fields[name].required)

    @cached_property
    def headers(self) -> dict[str, str]:
        """The headers DRF's finalize_response adds: Allow, and Vary when it negotiates."""
        viewset = self.viewset(**self.initkwargs)
        actions = dict(self.actions)
        if "get" in actions:
            actions.setdefault("head", actions["get"])
        for method, action in actions.items():
            setattr(viewset, method, getattr(viewset, action))
        return viewset.default_response_headers

    @cached_property
    def anonymous_reads(self) -> bool:
        return self.reads and self.allows(AnonymousUser(), "GET")

    def allows(self, user, method: str) -> bool:
        """The viewset's permission classes, asked as DRF asks them before any action."""
        caller = _Caller(user, method)
        return all(
            permission().has_permission(caller, self.viewset)
            for permission in self.viewset.permission_classes
        )

    def respond(self, row: tuple, status: int) -> HttpResponse:
        """The public fields of a row as DRF would render them, with DRF's headers."""
        body = FastJSONRenderer().render(dict(zip(self.public, row, strict=True)))
        response = HttpResponse(body, content_type=JSON, status=status)
        for name, value in self.headers.items():
            response[name] = value
        return response

    def saves_plainly(self) -> bool:
        # Model.save() would send these signals; with receivers, saving goes through it.
        return not (
            signals.pre_save.has_listeners(self.model)
            or signals.post_save.has_listeners(self.model)
        )

    def writer(self, request: HttpRequest) -> object | None:
        """The token's user when it may make this write; None sends the request to DRF."""
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _, key = header.partition(" ")
        if keyword.lower() != "token" or not key or " " in key or key != key.strip():
            return None
        try:
            user, _token = PreparedTokenAuthentication().authenticate_credentials(key)
        except exceptions.AuthenticationFailed:
            return None
        return user if self.allows(user, request.method) else None

    def body(self, request: HttpRequest, partial: bool) -> dict | None:
        """The JSON body when the serializer would store every value as sent, else None."""
        if request.META.get("CONTENT_TYPE") != JSON:
            return None
        try:
            data = orjson.loads(request.body)
        except orjson.JSONDecodeError:
            return None
        rules = self.rules
        if type(data) is not dict or not data or not data.keys() <= rules.keys():
            return None
        if not partial and not self.required <= data.keys():
            return None
        if not all(rules[name].takes(value) for name, value in data.items()):
            return None
        return data


def _json_only(request: HttpRequest) -> bool:
    meta = request.META
    return not meta.get("QUERY_STRING") and meta.get("HTTP_ACCEPT", "*/*") in JSON_ACCEPTS


def retrieve(lane: Lane, request: HttpRequest, pk: str) -> HttpResponse | None:
    meta = request.META
    if "HTTP_AUTHORIZATION" in meta or meta.get("HTTP_COOKIE") or not _json_only(request):
        return None
    if not lane.anonymous_reads:
        return None
    row = reads.row_by_id(lane.model, lane.public, pk)
    if row is None:
        return None  # DRF answers the 404
    return lane.respond(row, 200)


def _write(lane: Lane, request: HttpRequest, partial: bool) -> dict | None:
    """The body of a write these paths may make, in DRF's order: credentials, then body."""
    if not _json_only(request) or lane.rules is None or not lane.saves_plainly():
        return None
    if lane.writer(request) is None:
        return None
    return lane.body(request, partial)


def create(lane: Lane, request: HttpRequest, pk: None) -> HttpResponse | None:
    data = _write(lane, request, partial=False)
    if data is None:
        return None
    names = tuple(lane.rules)
    values = [data.get(name) for name in names]
    (row,) = _insert(lane.model, names, lane.public).rows(*values)
    return lane.respond(row, 201)


def partial_update(lane: Lane, request: HttpRequest, pk: str) -> HttpResponse | None:
    data = _write(lane, request, partial=True)
    pk = reads.parse_pk(lane.model, pk)
    if data is None or pk is None:
        return None
    names = tuple(sorted(data))
    rows = _update(lane.model, names, lane.public).rows(*(data[name] for name in names), pk)
    if not rows:
        return None  # DRF answers the 404
    return lane.respond(rows[0], 200)


_PATHS = {"retrieve": retrieve, "create": create, "partial_update": partial_update}
_METHODS = frozenset({"GET", "POST", "PATCH"})
_insert_cache: dict = {}
_update_cache: dict = {}


def _markers(model: type[Model], names: tuple[str, ...]) -> list[object]:
    # A distinct stand-in of the field's own type for each value, so the ORM prepares it.
    markers = []
    for number, name in enumerate(names, start=1):
        kind = model._meta.get_field(name).get_internal_type()
        text = kind in ("CharField", "TextField")
        markers.append(f"\x00marker {number}" if text else 1_234_567_000 + number)
    return markers


def _insert(model: type[Model], names: tuple[str, ...], returning: tuple[str, ...]) -> Prepared:
    key = (model, names, returning)
    if key not in _insert_cache:

        def build(*values):
            query = InsertQuery(model)
            fields = [model._meta.get_field(name) for name in names]
            query.insert_values(fields, [model(**dict(zip(names, values, strict=True)))])
            return query

        _insert_cache[key] = Prepared(build, *_markers(model, names), returning=returning)
    return _insert_cache[key]


def _update(model: type[Model], names: tuple[str, ...], returning: tuple[str, ...]) -> Prepared:
    key = (model, names, returning)
    if key not in _update_cache:

        def build(*values):
            *sets, pk = values
            query = model._default_manager.filter(pk=pk).query.chain(UpdateQuery)
            query.add_update_values(dict(zip(names, sets, strict=True)))
            return query

        markers = [*_markers(model, names), -1]
        _update_cache[key] = Prepared(build, *markers, returning=returning)
    return _update_cache[key]


class FastPath:
    """A view's fast paths: `fast_path(request, *args, **kwargs)` answers, or returns None."""

    def __init__(self, view: Callable):
        actions = view.actions.items()
        self.paths = {
            method.upper(): _PATHS[action] for method, action in actions if action in _PATHS
        }
        self.lane = Lane(view)

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse | None:
        path = self.paths.get(request.method)
        # Only the plain routes: a format suffix (/heroes/1.json) is DRF's to read.
        plain = not args and kwargs.keys() <= {self.lane.lookup}
        if path is None or not plain or not settings.HERO_FAST_PATHS:
            return None
        return path(self.lane, request, kwargs.get(self.lane.lookup))


def with_fast_paths(view: Callable) -> Callable:
    """Gives a viewset's view its fast paths, which FastPathsMiddleware tries first."""
    fast_path = FastPath(view)
    if fast_path.paths:
        view.fast_path = fast_path
    return view


def may_answer(request: HttpRequest) -> bool:
    """Whether a fast path could answer this request: worth resolving its URL early."""
    return request.method in _METHODS and _json_only(request)
