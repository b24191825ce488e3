"""One seeded SQLite file per row count, copied byte for byte for each server."""

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from benchmarks.servers import BASE_DIR, create_user, manage, server_env, sqlite_url

SEED = 0
BENCH_USER = "bench-writer"
ADMIN_USER = "bench-admin"
# Only the benchmark's throwaway database knows it, and it serves 127.0.0.1 alone.
ADMIN_PASSWORD = "bench-admin-password-not-secret"


@dataclass
class Dataset:
    """A seeded database file and the facts the requests need."""

    rows: int
    path: Path
    token: str
    hero_id: int
    hero_name: str

    def copy_for(self, label: str) -> Path:
        target = self.path.with_name(f"{label}-{self.rows}.sqlite3")
        shutil.copyfile(self.path, target)
        return target


def seed(rows: int, directory: Path, *, quiet: bool = False) -> Dataset:
    """Migrates a new SQLite file, seeds `rows` heroes and the benchmark's users."""
    path = directory / f"heroes-{rows}.sqlite3"
    for stale in directory.glob(f"{path.name}*"):
        stale.unlink()
    url = sqlite_url(path)
    manage(url, "migrate", "--noinput", "-v0")
    command = [sys.executable, "manage.py", "seed_heroes", f"--count={rows}", f"--seed={SEED}"]
    subprocess.run(
        command + (["-v0"] if quiet else []), cwd=BASE_DIR, env=server_env(url), check=True
    )
    token = create_user(url, BENCH_USER, "unused", permissions=("add_hero", "change_hero"))
    create_user(url, ADMIN_USER, ADMIN_PASSWORD, superuser=True)
    hero_id = max(rows // 2, 1)
    with closing(sqlite3.connect(path)) as connection:
        (hero_name,) = connection.execute(
            "SELECT name FROM heroes_hero WHERE id = ?", [hero_id]
        ).fetchone()
        # Everything into the main file, so a plain copy carries all of it.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Dataset(rows, path, token, hero_id, hero_name)


def count_rows(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT COUNT(*) FROM heroes_hero").fetchone()[0]
