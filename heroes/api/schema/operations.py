"""Each hero operation's summary, description, body and parameters."""

from drf_spectacular.utils import extend_schema

from heroes.api.schema.bodies import FORMS_ACCEPTED, HERO_BODY
from heroes.api.schema.parameters import (
    HERO_ETAG,
    IDEMPOTENCY_KEY,
    IF_MATCH,
    IF_NONE_MATCH,
    LINK,
    LIST_ETAG,
    LIST_PARAMETERS,
    LOCATION,
)
from heroes.api.serializers import HeroVersionSerializer

_WRITE = "Needs a token (or a session) whose user has the Django permission `{}`."
_IF_MATCH = " With `If-Match`, it happens only if the hero is unchanged since that ETag (else 412)."


def _change(summary: str, what: str):
    """PUT and PATCH: a hero body, a change permission and If-Match."""
    return extend_schema(
        summary=summary,
        description=what + _WRITE.format("heroes.change_hero") + _IF_MATCH + " " + FORMS_ACCEPTED,
        request=HERO_BODY,
        parameters=[IF_MATCH, HERO_ETAG],
    )


HERO_OPERATIONS = {
    "list": extend_schema(
        summary="List heroes",
        description=(
            "A page of heroes (at most 100), filtered by name and age, searched by name and "
            "sorted by `ordering`; by id unless told otherwise. Anyone may read. The answer's "
            "weak `ETag` serves for `If-None-Match` (304 while the page is unchanged); `Link` "
            "names the next, previous and first pages."
        ),
        parameters=[*LIST_PARAMETERS, IF_NONE_MATCH, LIST_ETAG, LINK],
    ),
    "retrieve": extend_schema(
        summary="Read a hero",
        description=(
            "One hero by id. Anyone may read. The answer's strong `ETag` serves for "
            "`If-None-Match` (304 while the hero is unchanged) and for `If-Match` on writes."
        ),
        parameters=[IF_NONE_MATCH, HERO_ETAG],
    ),
    "create": extend_schema(
        summary="Create a hero",
        description=(
            "Creates a hero and answers it with its `Location` and `ETag`. "
            + _WRITE.format("heroes.add_hero")
            + " With an `Idempotency-Key`, a retry with the same key and body answers the "
            "first answer again and creates nothing. " + FORMS_ACCEPTED
        ),
        request=HERO_BODY,
        parameters=[IDEMPOTENCY_KEY, HERO_ETAG, LOCATION],
    ),
    "update": _change(
        "Replace a hero",
        "Replaces every field of a hero: `name` and `secret_name` are required, and an "
        "`age` left out is cleared. ",
    ),
    "partial_update": _change(
        "Change some fields of a hero",
        "Changes only the fields sent; `age: null` clears the age. ",
    ),
    "destroy": extend_schema(
        summary="Delete a hero",
        description="Deletes a hero. " + _WRITE.format("heroes.delete_hero") + _IF_MATCH,
        parameters=[IF_MATCH],
    ),
    "history": extend_schema(
        summary="List a hero's versions",
        description=(
            "Who created, changed or deleted the hero, and when, with its name and age as they "
            "became: newest first, a page (at most 100) at a time. A deleted hero's history is "
            "still here. Changes to the secret name alone are not listed. Needs a token (or a "
            "session) whose user has the Django permission `heroes.view_hero`."
        ),
        responses=HeroVersionSerializer(many=True),
        parameters=[LINK],
    ),
}
