"""Which database a query runs on: the replica only for reads a request may make there.

The middleware (heroes.replicas.middleware) opens a read policy per request; the router
reads it. Outside a request (management commands, migrations, the shell) there is none, so
everything runs on the primary.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

from heroes.replicas import lag
from heroes.replicas.lag import REPLICA


@dataclass
class ReadPolicy:
    """What one request may read from, and whether a read of it went to the replica."""

    replica_allowed: bool
    replica_used: bool = False


_policy: ContextVar[ReadPolicy | None] = ContextVar("replica_read_policy", default=None)


@contextmanager
def reads(replica_allowed: bool) -> Iterator[ReadPolicy]:
    """The read policy of the block (a request)."""
    policy = ReadPolicy(replica_allowed)
    token = _policy.set(policy)
    try:
        yield policy
    finally:
        _policy.reset(token)


def read_alias() -> str:
    """The database the next read runs on."""
    policy = _policy.get()
    if policy is None or not policy.replica_allowed:
        return DEFAULT_DB_ALIAS
    # A read inside a transaction on the primary belongs to it: it must see the
    # transaction's own writes and locks.
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if not lag.replica_fresh():
        return DEFAULT_DB_ALIAS
    policy.replica_used = True
    return REPLICA


class ReplicaRouter:
    """Reads by the request's policy; writes, relations and migrations on the primary."""

    def db_for_read(self, model, **hints) -> str:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # One database, replicated: an object read from the replica is the primary's too.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # A standby takes its schema from the primary's WAL, and refuses DDL.
        return db == DEFAULT_DB_ALIAS
