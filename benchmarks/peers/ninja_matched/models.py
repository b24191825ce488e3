from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

AGE_MAX = 2_147_483_647


class HeroChange(models.Model):
    """What the project's history entries hold besides simple-history's own fields.

    simple-history's documented way to add a field to a history model: an abstract base.
    """

    # The manage.py command behind a change: none here, the request's user is recorded.
    history_command = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        abstract = True


class Hero(models.Model):
    """A hero, on the table the benchmark seeded (the project's migrations made it)."""

    name = models.CharField(max_length=255, db_index=True)
    age = models.PositiveIntegerField(
        null=True, blank=True, db_index=True, validators=[MaxValueValidator(AGE_MAX)]
    )
    secret_name = models.CharField(max_length=255)
    # Counts the writes to this hero: its ETag.
    version = models.PositiveBigIntegerField(default=1, editable=False)
    # The project's history table, which its migration 0012 made with these columns.
    history = HistoricalRecords(
        table_name="heroes_historicalhero",
        bases=[HeroChange],
        history_id_field=models.BigAutoField(primary_key=True),
    )

    class Meta:
        managed = False
        db_table = "heroes_hero"

    def __str__(self) -> str:
        return self.name


class Token(models.Model):
    """An API token, on the table of the project's users (rest_framework.authtoken)."""

    key = models.CharField(max_length=40, primary_key=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        managed = False
        db_table = "authtoken_token"

    def __str__(self) -> str:
        return self.key
