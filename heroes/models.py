from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models, router, transaction
from knox.models import AuthToken
from simple_history.models import HistoricalRecords

from heroes.history.models import HeroChange, HeroHistoryManager
from heroes.indexes import ListOrderIndex
from heroes.portability.fields import CodePointCharField
from heroes.versions import writer

NAME_MAX_LENGTH = 255
SECRET_NAME_MAX_LENGTH = 255
# The largest value a 32-bit signed integer holds: every supported backend stores it,
# and generated clients can use a plain int32.
AGE_MAX = 2_147_483_647
IDEMPOTENCY_KEY_MAX_LENGTH = 255


class Hero(models.Model):
    """A hero: a public name and age, and a secret name only staff may read."""

    # Indexed by the list orders below, whose first column each is.
    name = CodePointCharField(max_length=NAME_MAX_LENGTH)
    age = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(AGE_MAX)]
    )
    secret_name = models.CharField(max_length=SECRET_NAME_MAX_LENGTH)
    # Counts the writes that change what readers see: its ETag, and the If-Match check in the
    # same UPDATE. A write of the secret name alone leaves it, so an ETag cannot tell.
    version = models.PositiveBigIntegerField(default=1, editable=False)
    # What readers see of a hero, besides its id (heroes.versions counts changes to these).
    PUBLIC_FIELDS = ("name", "age")  # as User.REQUIRED_FIELDS: a list the model declares
    # An entry per create, update and delete, written in the same transaction (heroes.history).
    # Entries are read by hero id or by date (purge_hero_history): no name or age index.
    history = HistoricalRecords(
        bases=[HeroChange],
        history_manager=HeroHistoryManager,
        history_id_field=models.BigAutoField(primary_key=True),
        no_db_index=["name", "age"],
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "heroes"  # not Django's default "heros"
        # Every order the list offers, id breaking ties, read from an index rather than a
        # sort of the table; they also serve the name and age filters. id and -id: the key.
        indexes = [
            ListOrderIndex(fields=["name", "id"], name="hero_name_id"),
            ListOrderIndex(fields=["-name", "id"], name="hero_name_desc_id"),
            ListOrderIndex(fields=["age", "id"], name="hero_age_id"),
            ListOrderIndex(fields=["-age", "id"], name="hero_age_desc_id"),
            # age__isnull=true in id order: PostgreSQL takes `age IS NULL` for no constant,
            # so (age, id) is no id order to it, and it would sort every such hero.
            models.Index(
                fields=["id"], condition=models.Q(age__isnull=True), name="hero_no_age_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(
        self,
        *,
        force_insert=False,
        force_update=False,
        using=None,
        update_fields=None,
        if_version: int | None = None,
    ) -> None:
        """Saves; a stored hero by a conditional UPDATE that counts the write in `version`.

        With `if_version`, only a hero still at that version is written, else
        heroes.versions.VersionChanged. The UPDATE never falls back to an INSERT: a hero
        deleted meanwhile stays deleted, and its save writes nothing and raises
        Hero.DoesNotExist. Each save writes its history entry in the same transaction.
        """
        using = using or router.db_for_write(Hero, instance=self)
        if self._state.adding and self.pk is None and not force_update and not update_fields:
            with transaction.atomic(using=using):
                writer().insert(self, using)
            return
        if self._state.adding or force_insert:
            # With an id of its own: a hero restored from its history (heroes.history).
            with transaction.atomic(using=using):
                super().save(force_insert=force_insert, using=using, update_fields=update_fields)
            return
        deferred = self.get_deferred_fields()
        if update_fields is None and deferred:
            # As Model.save(): a hero read with only() or defer() writes only what was read.
            update_fields = {field.attname for field in self._meta.concrete_fields} - deferred
        with transaction.atomic(using=using):
            writer().update(self, update_fields, if_version, using)


class DeletedHero(Hero.history.model):
    """A hero's last history entry, when that entry is its deletion: the admin lists these."""

    class Meta:
        proxy = True
        verbose_name = "deleted hero"
        verbose_name_plural = "deleted heroes"


class LoginAttempts(models.Model):
    """How many times one client address tried to log in during its current window.

    Kept in the database so that every gunicorn worker and every app server sharing
    the database counts against the same limit.
    """

    client = models.CharField(max_length=255, unique=True)
    window_start = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "login attempts"

    def __str__(self) -> str:
        return f"{self.client}: {self.attempts}"


class IdempotencyKey(models.Model):
    """The stored answer to a POST /heroes/ sent with an Idempotency-Key header."""

    # Keys are scoped to their user: two clients may pick the same key.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    # An HMAC of the method, path and parsed body: the body holds a secret name, kept out of here.
    fingerprint = models.CharField(max_length=64)
    # Null only inside the transaction of the first request, which commits it with its answer.
    status = models.PositiveSmallIntegerField(null=True)
    # The answer's JSON as text: PostgreSQL's jsonb would reorder its keys on a replay.
    body = models.TextField(default="")
    headers = models.JSONField(default=dict)
    created = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"


class APIToken(AuthToken):
    """knox's tokens as staff see them: a user's token by when it was made, never its digest.

    knox's own __str__ shows the digest, which the admin would print in titles, messages
    and its log; a proxy changes only that, on the same table.
    """

    class Meta:
        proxy = True
        verbose_name = "API token"
        verbose_name_plural = "API tokens"

    def __str__(self) -> str:
        return f"{self.user}'s token of {self.created:%Y-%m-%d %H:%M:%S} UTC"
