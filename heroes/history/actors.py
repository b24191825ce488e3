"""Which manage.py command is running, for the history entries it writes.

A request's changes record its user instead (simple-history's middleware). This module
imports nothing of Django's, so manage.py can use it before Django is set up.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_command: ContextVar[str] = ContextVar("heroes_history_command", default="")


@contextmanager
def running_command(name: str) -> Iterator[None]:
    """Marks the changes made inside, outside any request, as made by command `name`."""
    token = _command.set(name)
    try:
        yield
    finally:
        _command.reset(token)


def current_command() -> str:
    """The command running, or "" (a request, a test, a script of its own)."""
    return _command.get()
