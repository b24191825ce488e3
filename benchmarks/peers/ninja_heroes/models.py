from django.conf import settings
from django.db import models


class Hero(models.Model):
    """A hero, on the table the benchmark seeded (the project's migrations made it)."""

    name = models.CharField(max_length=255, db_index=True)
    age = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    secret_name = models.CharField(max_length=255)

    class Meta:
        managed = False
        db_table = "heroes_hero"

    def __str__(self) -> str:
        return self.name


class Token(models.Model):
    """An API token, on the table of the project's users (rest_framework.authtoken)."""

    key = models.CharField(max_length=40, primary_key=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        managed = False
        db_table = "authtoken_token"

    def __str__(self) -> str:
        return self.key
