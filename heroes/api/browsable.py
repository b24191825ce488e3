"""The browsable API's pages: named for what they show, the hero list as links.

Only HTML answers pass through here; JSON answers never do, so nothing below costs a JSON
client anything, and nothing changes what a JSON client reads.
"""

from http import HTTPStatus

from django.urls import reverse
from rest_framework.renderers import BrowsableAPIRenderer

SERVICE_NAME = "Heroes API"


class HeroesBrowsableAPIRenderer(BrowsableAPIRenderer):
    """DRF's browsable API, with hero pages named by the hero and the list as links."""

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        view = renderer_context["view"]
        name = hero_page_name(view, data) or context["name"]
        if context["breadcrumblist"]:
            *parents, (_, url) = context["breadcrumblist"]
            context["breadcrumblist"] = [*parents, (name, url)]
        context["name"] = name
        context["title"] = name if name == SERVICE_NAME else f"{name} | {SERVICE_NAME}"
        context["hero_page"] = hero_page(view, data, context["response"])
        context["service_links"] = [
            (link, reverse(link.url_name)) for link in getattr(view, "service_links", ())
        ]
        return context


def hero_page_name(view, data) -> str | None:
    """A hero's page is named for the hero: by its name when the answer holds one."""
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    if lookup not in getattr(view, "kwargs", {}):
        return None
    if isinstance(data, dict) and isinstance(data.get("name"), str) and "id" in data:
        return data["name"]
    return f"Hero {view.kwargs[lookup]}"


def hero_page(view, data, response) -> dict | None:
    """A list page's heroes, each with its page's path, and where they stand in the list;
    None on any other page."""
    if (
        getattr(view, "action", None) != "list"
        or response.status_code != HTTPStatus.OK
        or not isinstance(data, dict)
        or not isinstance(data.get("results"), list)
    ):
        return None
    heroes = [
        {**hero, "url": reverse("hero-detail", args=[hero["id"]])} for hero in data["results"]
    ]
    # A page reached by a cursor has no offset: where it stands is not counted.
    offset = view.paginator.offset
    first = None if offset is None else offset + 1
    return {
        "heroes": heroes,
        "count": data["count"],
        "first": first,
        "last": None if first is None else first + len(heroes) - 1,
    }
