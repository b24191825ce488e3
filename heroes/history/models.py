import functools

from django.db import models, router
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from heroes.history.actors import current_command
from heroes.versions import writer

COMMAND_MAX_LENGTH = 100
# The kinds of change, by simple-history's history_type.
CHANGES = {"+": "created", "~": "updated", "-": "deleted"}


class HeroHistoryManager(HistoryManager):
    """simple-history's manager, whose class is built once rather than on every access.

    `hero.history` (which simple-history reads on every write, for the entry's model) builds
    a manager class from the queryset class each time, by inspecting all of its methods.
    """

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HeroChange(models.Model):
    """What a history entry holds besides the hero's fields and simple-history's own."""

    # The manage.py command that made the change (`shell`, say); empty for a request, whose
    # user is the entry's history_user.
    history_command = models.CharField(max_length=COMMAND_MAX_LENGTH, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and getattr(HistoricalRecords.context, "request", None) is None:
            self.history_command = current_command()[:COMMAND_MAX_LENGTH]
        # An entry is only ever added, by the writer settings name (heroes.versions): a
        # faster one writes its INSERT's SQL once rather than compiling it on every write.
        if self._state.adding and self.pk is None and not args and set(kwargs) <= {"using"}:
            using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
            writer().insert(self, using)
        else:
            super().save(*args, **kwargs)

    @property
    def change(self) -> str:
        return CHANGES[self.history_type]

    @property
    def command_name(self) -> str | None:
        return self.history_command or None
