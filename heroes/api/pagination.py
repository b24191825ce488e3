from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from heroes.api import conditional, cursors
from heroes.api.filters.ordering import ordering_term
from heroes.api.ids import wants_json
from heroes.api.serializers import INTEGER_TEXT

MAX_LIMIT = 100
# The Link header repeats the query three times; a long query would outgrow a proxy's
# header buffer (nginx answers 502 for the whole page), so past this size it is left out
# and clients follow the body's `next` and `previous`.
LINK_HEADER_MAX = 2048


class HeroPagination(LimitOffsetPagination):
    """Limit/offset pages of at most 100 heroes, linked in the body and the Link header."""

    default_limit = MAX_LIMIT
    max_limit = MAX_LIMIT

    def paginate_queryset(self, queryset, request, view=None):
        self.check_parameters(request)
        return super().paginate_queryset(queryset, request, view)

    def check_parameters(self, request) -> None:
        """400 for a limit or offset given twice or not a number, naming each."""
        errors = {}
        for name in (self.limit_query_param, self.offset_query_param):
            if len(request.query_params.getlist(name)) > 1:
                # Else the last value would win silently.
                errors[name] = ["Give this parameter once."]
                continue
            try:
                getattr(self, f"get_{name}")(request)
            except ValidationError as exc:
                errors.update(exc.detail)
        if errors:
            raise ValidationError(errors)

    def get_paginated_response(self, data) -> Response:
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        # RFC 8288, for clients that follow links without reading the body.
        links = [
            (next_link, "next"),
            (previous_link, "prev"),
            (self.first_link(next_link), "first"),
        ]
        link = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links if url)
        return Response(
            {"count": self.count, "next": next_link, "previous": previous_link, "results": data},
            headers={"Link": link} if len(link) <= LINK_HEADER_MAX else None,
        )

    def first_link(self, next_link: str | None) -> str:
        """The first page, with the limit as applied, as DRF spells the other links."""
        if next_link is None:
            next_link = replace_query_param(
                self.request.build_absolute_uri(), self.limit_query_param, self.limit
            )
        return remove_query_param(next_link, self.offset_query_param)

    def get_limit(self, request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        value = _parse_non_negative(self.limit_query_param, raw)
        if value == 0:
            raise ValidationError({self.limit_query_param: ["Ensure this value is at least 1."]})
        return min(value, self.max_limit)

    def get_offset(self, request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        return _parse_non_negative(self.offset_query_param, raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                # Any positive limit is accepted, and a page never holds more than MAX_LIMIT.
                parameter["description"] = (
                    f"Number of heroes to return (default {MAX_LIMIT}). At most {MAX_LIMIT} "
                    f"heroes are returned; larger values are capped at {MAX_LIMIT}."
                )
                parameter["schema"] = {"type": "integer", "minimum": 1, "default": MAX_LIMIT}
            elif parameter["name"] == self.offset_query_param:
                parameter["description"] = "Number of heroes to skip (default 0)."
                parameter["schema"] = {"type": "integer", "minimum": 0, "default": 0}
        return parameters


class HeroListPagination(HeroPagination):
    """The hero list's pages: keyset links, a capped offset, a weak ETag and 304s.

    `next` and `previous` carry a cursor (heroes.api.cursors) at the page's last or first
    hero, so a client walking the list pays the same for every page. An explicit `offset`
    still reads the same heroes as before, up to HEROES_MAX_OFFSET in orders other than
    id. Settings name the class (HEROES_LIST_PAGINATION_CLASS): this one, or one that
    reaches the same pages more cheaply (heroproject.speed_switches).
    """

    cursor_query_param = cursors.CURSOR_PARAM
    position: cursors.Position | None = None

    def paginate_queryset(self, queryset, request, view=None):
        self.ordering = ordering_term(request)
        self.position = self._position(request)
        pageable = self.pageable(queryset, request)
        if self.position is None:
            page = self.page = super().paginate_queryset(pageable, request, view)
            self.more_after = self.offset + self.limit < self.count
            self.more_before = self.offset > 0
            return page
        self.check_parameters(request)
        # No offset: a cursor's page is found by its key, its place in the list uncounted.
        self.request, self.limit, self.offset = request, self.get_limit(request), None
        self.count = self.get_count(pageable)
        rows = self.rows_past(queryset, pageable, self.position, self.limit + 1)
        # Read one row past the page: whether there is a page beyond it.
        more, before = len(rows) > self.limit, self.position.before
        self.more_after, self.more_before = (True, more) if before else (more, True)
        self.display_page_controls = self.template is not None
        self.page = rows[1:] if before and more else rows[: self.limit]
        return self.page

    def _position(self, request) -> cursors.Position | None:
        raw = request.query_params.getlist(self.cursor_query_param)
        offset = request.query_params.get(self.offset_query_param)
        if len(raw) > 1:
            raise ValidationError({self.cursor_query_param: ["Give this parameter once."]})
        if raw and offset is not None:
            raise ValidationError(
                {self.offset_query_param: ["A cursor link says where the page starts: no offset."]}
            )
        if raw:
            return cursors.decode(raw[0], self.ordering)
        if offset is not None and self.ordering.lstrip("-") != "id":
            cap = settings.HEROES_MAX_OFFSET
            if INTEGER_TEXT.fullmatch(offset) and len(offset) < 20 and int(offset) > cap:
                raise ValidationError(
                    {
                        self.offset_query_param: [
                            f"At most {cap} in this ordering: to read further, follow the "
                            "page's `next` link, which costs the same at any depth."
                        ]
                    }
                )
        return None

    def pageable(self, queryset, request):
        """What the page is counted from, and sliced from for an offset."""
        return queryset

    def heroes(self, queryset):
        """What a cursor's page is read from: the filtered, ordered queryset."""
        return queryset

    def rows_past(self, queryset, pageable, position: cursors.Position, count: int) -> list:
        """Up to `count` heroes past the cursor's position, in the list's order."""
        return cursors.rows_past(self.heroes(queryset), position, count)

    def sort_key(self, row, field: str):
        return getattr(row, field)

    def _cursor_link(self, row, before: bool) -> str:
        key, pk = self.sort_key(row, self.ordering.lstrip("-")), self.sort_key(row, "id")
        position = cursors.Position(self.ordering, key, pk, before)
        url = remove_query_param(self.request.build_absolute_uri(), self.offset_query_param)
        # With the limit as applied, as DRF spells its offset links.
        url = replace_query_param(url, self.limit_query_param, self.limit)
        return replace_query_param(url, self.cursor_query_param, position.encode())

    def get_next_link(self) -> str | None:
        if not self.more_after or not self.page:
            return None if self.position or not self.more_after else super().get_next_link()
        return self._cursor_link(self.page[-1], before=False)

    def get_previous_link(self) -> str | None:
        if not self.more_before or not self.page:
            return None if self.position or not self.more_before else super().get_previous_link()
        return self._cursor_link(self.page[0], before=True)

    def first_link(self, next_link: str | None) -> str:
        return remove_query_param(super().first_link(next_link), self.cursor_query_param)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.offset_query_param:
                parameter["description"] = (
                    "Number of heroes to skip (default 0); at most "
                    f"{settings.HEROES_MAX_OFFSET} unless ordered by id. To read further, "
                    "follow `next`, whose page costs the same at any depth."
                )
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": (
                "Where the page starts: the opaque value of a `next` or `previous` link. "
                "Follow the links as given; a cursor changed or made up answers 400, as "
                "does one with an offset or another ordering."
            ),
            "schema": {"type": "string", "maxLength": cursors.MAX_LENGTH},
        }
        return [*parameters, cursor]

    def get_html_context(self):
        if self.position is None:
            return super().get_html_context()
        return {
            "previous_url": self.get_previous_link(),
            "next_url": self.get_next_link(),
            "page_links": [],
        }

    def page_data(self, page: list, view) -> list:
        """The page as the list shows it, through the view's serializer."""
        data = view.get_serializer(page, many=True).data
        # What the ETag digests: each hero's public values and its version.
        self.tagged_rows = [
            (*item.values(), hero.version) for item, hero in zip(data, page, strict=True)
        ]
        return data

    def get_paginated_response(self, data) -> Response:
        if not wants_json(self.request):
            return super().get_paginated_response(data)  # HTML pages carry no ETag
        url = self.request.build_absolute_uri()
        etag = conditional.list_etag(url, self.count, self.tagged_rows)
        not_modified = conditional.not_modified(self.request, etag)
        if not_modified is not None:
            return not_modified
        response = super().get_paginated_response(data)
        response["ETag"] = etag
        return response


def _parse_non_negative(name: str, raw: str) -> int:
    # Digits only: no sign, no spaces, no decimals. Very long numbers are legal here;
    # DRF's paginator never sends an offset past the count to the database.
    if not INTEGER_TEXT.fullmatch(raw) or raw.startswith("-") or len(raw) > 4000:
        raise ValidationError({name: ["A non-negative integer is required."]})
    return int(raw)
