"""Real faults under a running server: a full disk, an immutable file, a corrupted page.

Mounting a tmpfs and `chattr +i` need root, as CI has; elsewhere the tests fail and say so.
"""

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path

import pytest

from tests.system.clients import Reply


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.fail(
            "These fault tests mount a tmpfs and set `chattr +i`, which need root. "
            "Run them as root (CI does), for example with sudo.",
            pytrace=False,
        )


@contextmanager
def small_disk(path: Path, size: str = "8m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `path` for the block, so that it can be filled."""
    require_root()
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def fill(directory: Path) -> Path:
    """Writes a file into `directory` until its filesystem has no byte left; returns it."""
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as file:
        for size in (1 << 20, 4096, 1):
            try:
                while file.write(b"\0" * size):
                    pass
            except OSError:
                pass
    assert os.statvfs(directory).f_bavail == 0
    return filler


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """`chattr +i` on the file for the block: no process, not even root's, may write it."""
    require_root()
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def checkpoint(path: Path) -> None:
    """Moves the write-ahead log into the file and empties it, as a quiet database does."""
    with sqlite3.connect(path) as connection:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    connection.close()
    assert busy == 0


def root_page(path: Path, table: str) -> tuple[int, int]:
    """The byte offset and size of the table's root page in the file."""
    with sqlite3.connect(path) as connection:
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", [table]
        ).fetchone()
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    return (page - 1) * page_size, page_size


def overwrite(path: Path, offset: int, data: bytes) -> bytes:
    """Writes `data` at `offset` of the file, behind SQLite's back; returns what was there."""
    with path.open("r+b") as file:
        file.seek(offset)
        before = file.read(len(data))
        file.seek(offset)
        file.write(data)
    return before


def assert_unavailable(reply: Reply, reason: str) -> None:
    """A JSON 503 with Retry-After that gives `reason`."""
    assert reply.status == HTTPStatus.SERVICE_UNAVAILABLE, reply.text
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["retry-after"] == "5"
    assert reply.json() == {"detail": f"{reason} Try again in 5 seconds."}


def assert_not_ready(reply: Reply, detail: str) -> None:
    """/readyz's 503, with `detail` saying why."""
    assert reply.status == HTTPStatus.SERVICE_UNAVAILABLE, reply.text
    assert reply.headers["retry-after"] == "5"
    assert reply.json() == {"status": "unavailable", "detail": detail}
