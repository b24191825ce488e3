"""Safe retries of POST /heroes/ with an `Idempotency-Key` header (IETF httpapi draft).

The first request with a key is processed as usual; its 2xx answer is stored with the key,
per user, in the same transaction as the hero, so a crash leaves neither. A retry with the
same key and body answers the stored status, body, Location and ETag, plus
`Idempotent-Replayed: true`, and creates nothing; with another body it answers 422.

Only 2xx answers are stored: a first attempt refused with a 4xx stores nothing, so the
client may correct the body and retry with the same key.

Concurrent requests with one key: the second INSERT of the unique (user, key) waits for
the first transaction (on PostgreSQL the row's unique index entry, on SQLite the write lock
taken at BEGIN IMMEDIATE). If the first commits, the insert fails and the stored answer is
replayed; if it rolls back, the insert succeeds and the second request is processed.
"""

import json
import re
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework import exceptions, status
from rest_framework.response import Response

from heroes.api.ids import wants_json
from heroes.models import IDEMPOTENCY_KEY_MAX_LENGTH, IdempotencyKey

HEADER = "Idempotency-Key"
META_KEY = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
# The response headers a replay repeats, when the first answer had them.
STORED_HEADERS = ("Location", "ETag")
# The key, also as the schema documents it (heroes.api.schema): printable ASCII, bare (no
# leading '"', no space at either end), or a Structured Field String (RFC 8941 3.3.3) with
# `"` and `\` escaped. Either way at most IDEMPOTENCY_KEY_MAX_LENGTH characters.
BARE_KEY = rf"[!#-~](?:[ -~]{{0,{IDEMPOTENCY_KEY_MAX_LENGTH - 2}}}[!-~])?"
QUOTED_KEY = rf'"(?:[ !#-\[\]-~]|\\["\\]){{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}"'
KEY = re.compile(rf"(?P<bare>{BARE_KEY})|(?P<quoted>{QUOTED_KEY})")
SF_ESCAPE = re.compile(r"\\([\"\\])")
INVALID_KEY = (
    f"{HEADER} must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters, "
    'bare or as a quoted string ("...").'
)
# Tries before giving up on a key whose row vanished or got replaced while being read.
ATTEMPTS = 3


class KeyReused(exceptions.APIException):
    """The key was already used for a request with another body."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        f"This {HEADER} was already used with a different request; use a new key for a new hero."
    )
    default_code = "idempotency_key_reused"


class KeyInUse(exceptions.APIException):
    """Another request with the key is being processed: retry later."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = f"A request with this {HEADER} is still being processed; retry later."
    default_code = "idempotency_key_in_use"


def parse_key(value: str) -> str:
    """The key in a header value: a Structured Field String or a bare token."""
    match = KEY.fullmatch(value.strip(" \t"))
    if match is None:
        raise exceptions.ValidationError({HEADER: [INVALID_KEY]})
    if match["quoted"] is None:
        return match["bare"]
    return SF_ESCAPE.sub(r"\1", match["quoted"][1:-1])


def fingerprint(request) -> str:
    """A keyed hash of the method, path and parsed body, in a canonical form.

    Keyed with SECRET_KEY: a plain hash of a body would let whoever reads the table test
    guesses of the secret name in it.
    """
    data = request.data
    if hasattr(data, "lists"):  # a form's QueryDict: every value of every field
        data = dict(data.lists())
    canonical = json.dumps(
        [request.method, request.path, data],
        sort_keys=True,
        separators=(",", ":"),
        default=str,  # uploaded files, which no hero field reads, by name
    )
    return salted_hmac("heroes.idempotency", canonical, algorithm="sha256").hexdigest()


def _expired_before():
    return timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL)


def _claim(user, key: str, digest: str) -> IdempotencyKey | None:
    """Claims the key for this request (None), or returns the answer stored with it.

    Runs inside the request's transaction: a claimed row commits or rolls back with it.
    """
    for _ in range(ATTEMPTS):
        now = timezone.now()
        try:
            # A savepoint: a failed insert leaves the request's transaction usable.
            with transaction.atomic():
                IdempotencyKey.objects.create(user=user, key=key, fingerprint=digest, created=now)
            return None
        except IntegrityError:
            pass  # committed by an earlier request: read it
        stored = IdempotencyKey.objects.filter(user=user, key=key).first()
        if stored is None:
            continue  # purged or replaced since the insert failed
        if stored.created >= _expired_before():
            return stored
        # Expired: it counts as new. The condition makes one of several concurrent
        # requests the winner; on PostgreSQL the others wait for it, then match nothing.
        replaced = IdempotencyKey.objects.filter(pk=stored.pk, created=stored.created).update(
            fingerprint=digest, status=None, body="", headers={}, created=now
        )
        if replaced:
            return None
    raise KeyInUse()


class IdempotentCreateMixin:
    """Makes create() replay its stored answer to a retry with the same Idempotency-Key."""

    def create(self, request, *args, **kwargs):
        header = request.META.get(META_KEY)
        # Without a key, or without a user to scope it to, nothing changes (and costs nothing).
        if header is None or not request.user.is_authenticated:
            return super().create(request, *args, **kwargs)
        key = parse_key(header)
        digest = fingerprint(request)
        with transaction.atomic():
            stored = _claim(request.user, key, digest)
            if stored is not None:
                if stored.fingerprint != digest:
                    raise KeyReused()
                if stored.status is None:
                    raise KeyInUse()  # never committed so by this module; kept safe anyway
                return _replay(stored, wants_json(request))
            response = super().create(request, *args, **kwargs)
            if status.is_success(response.status_code):
                IdempotencyKey.objects.filter(user=request.user, key=key).update(
                    status=response.status_code,
                    body=json.dumps(response.data, cls=DjangoJSONEncoder),
                    headers={
                        name: response[name] for name in STORED_HEADERS if response.has_header(name)
                    },
                )
            else:
                # Only successes are kept: the client may retry the key with a fixed body.
                transaction.set_rollback(True)
        return response


def _replay(stored: IdempotencyKey, json_answer: bool) -> Response:
    headers = {**stored.headers, REPLAYED_HEADER: "true"}
    if not json_answer:
        headers.pop("ETag", None)  # ETags tag JSON answers only (heroes.api.conditional)
    return Response(json.loads(stored.body), status=stored.status, headers=headers)
