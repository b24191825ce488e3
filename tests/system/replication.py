"""A PostgreSQL primary and a streaming standby of it (`pg_basebackup -R`), on 127.0.0.1.

The standby replays each transaction `delay` after its commit (recovery_min_apply_delay),
so that it really lags. Both stop when the block ends, whatever state a test left them in.
"""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from benchmarks.servers import free_port
from tests.system.postgres import DedicatedServer, _as_postgres, dedicated_server


@dataclass
class Replicated:
    """A primary and its standby; the app's URLs list both, in each role's order."""

    primary: DedicatedServer
    standby: DedicatedServer

    @property
    def database_url(self) -> str:
        """The primary first: the app writes to whichever of the two is the primary."""
        return self._url(self.primary, self.standby)

    @property
    def replica_url(self) -> str:
        """The standby first: the app reads from whichever of the two is a standby."""
        return self._url(self.standby, self.primary)

    @staticmethod
    def _url(first: DedicatedServer, second: DedicatedServer) -> str:
        # Both have the primary's role `heroes`, copied by pg_basebackup.
        prefix = first.url.rsplit("@", 1)[0]
        return f"{prefix}@127.0.0.1:{first.port},127.0.0.1:{second.port}/heroes"

    def wait_replayed(self, timeout: float = 30) -> None:
        """Waits until the standby has replayed all the primary has written."""
        with psycopg.connect(self.primary.admin_url, autocommit=True) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.standby.admin_url, autocommit=True) as standby:
            while time.monotonic() < deadline:
                behind = standby.execute(
                    "SELECT pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn()) > 0", [target]
                ).fetchone()[0]
                if not behind:
                    return
                time.sleep(0.1)
        raise TimeoutError("The standby did not catch up with the primary.")

    def promote(self) -> None:
        _as_postgres(self.primary.bindir / "pg_ctl", "-D", self.standby.directory / "data",
                     "-w", "promote")  # fmt: skip


def table_scans(server: DedicatedServer, table: str = "heroes_hero") -> int:
    """How many scans of `table` the server itself has run (its own statistics)."""
    with psycopg.connect(server.admin_url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0) FROM pg_stat_user_tables "
            "WHERE relname = %s",
            [table],
        ).fetchone()
    return row[0]


@contextmanager
def primary_and_standby(delay: str = "500ms") -> Iterator[Replicated]:
    """A primary and a standby that replays each commit `delay` late."""
    with dedicated_server() as primary:
        directory = Path(tempfile.mkdtemp(prefix="heroes-standby-", dir="/tmp"))
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres")
        standby = DedicatedServer(
            primary.bindir,
            directory,
            free_port(),
            ("-c fsync=off", f"-c recovery_min_apply_delay={delay}"),
        )
        try:
            _as_postgres(
                primary.bindir / "pg_basebackup",
                "-D",
                directory / "data",
                "-h",
                primary.directory,
                "-p",
                primary.port,
                "-U",
                "postgres",
                "-R",  # standby.signal, and primary_conninfo for streaming
                "-X",
                "stream",
                "--no-sync",
            )
            standby.start()
            yield Replicated(primary, standby)
        finally:
            stop = [primary.bindir / "pg_ctl", "-D", directory / "data", "-m", "immediate", "stop"]
            _as_postgres(*stop, check=False)
            shutil.rmtree(directory, ignore_errors=True)
