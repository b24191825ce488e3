from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, Lag

from heroes.models import Hero

NO_AGE = -1  # ages are never negative


def public_versions(hero_id: int) -> QuerySet:
    """The history entries of one hero that a reader may see, newest first.

    An update that changed neither the name nor the age is left out: listing it would tell
    that the secret name changed. So is an update with no entry before it (of a hero loaded
    in bulk, or whose earlier entries were purged): what it changed cannot be told. Creations,
    deletions and restores are always listed.
    """
    in_order = {"partition_by": [F("id")], "order_by": F("history_id").asc()}
    return (
        Hero.history.filter(id=hero_id)
        .annotate(
            previous_name=Window(Lag("name"), **in_order),
            previous_age=Window(Lag(Coalesce("age", NO_AGE)), **in_order),
        )
        .annotate(
            visible=Case(
                When(~Q(history_type="~"), then=Value(True)),
                When(previous_name__isnull=True, then=Value(False)),
                When(~Q(previous_name=F("name")), then=Value(True)),
                When(~Q(previous_age=Coalesce("age", NO_AGE)), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .filter(visible=True)
        .select_related("history_user")
        .only(
            "name",
            "age",
            "history_type",
            "history_date",
            "history_command",
            "history_user__username",
        )
        .order_by("-history_id")
    )
