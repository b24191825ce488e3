"""Django's SQLite backend, for a database file that must exist: requests never create one.

Django opens SQLite files in the mode that creates a missing file, so a deleted database
comes back empty on the next connection, and a connection that outlives a deletion keeps
writing into the deleted file. Here a missing file cannot be opened (the request answers
503), `migrate` creates it (`prepare_database`), and a persistent connection whose file was
deleted, replaced or made read-only since it opened fails Django's health check, so the
next request reconnects to what is on disk now (as after any database error).
"""

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property

# Less free space than this on the file's filesystem and writes are about to fail.
MIN_FREE_BYTES = 1024 * 1024


class DatabaseFeatures(features.DatabaseFeatures):
    """Django's SQLite features, answered without opening the database file."""

    @cached_property
    def supports_json_field(self) -> bool:
        # System checks ask before `migrate` has created the file: the answer depends on
        # the SQLite library, not on the file.
        with closing(sqlite3.connect(":memory:")) as connection:
            try:
                connection.execute("""SELECT JSON('{"a": "b"}')""")
            except sqlite3.OperationalError:
                return False
        return True


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite connections that open existing files only and notice a file changed under them."""

    features_class = DatabaseFeatures
    opened_file = None  # (path, device, inode, writable) of the file when the connection opened

    def database_path(self) -> str | None:
        """The file's path, or None for an in-memory database or a name given as a URI."""
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or name.startswith("file:"):
            return None
        return os.path.abspath(name)

    def get_connection_params(self):
        params = super().get_connection_params()
        path = self.database_path()
        if path is not None:
            # mode=rw: open the file if it exists, never create it.
            params["database"] = f"{Path(path).as_uri()}?mode=rw"
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.opened_file = self._file_identity(self.database_path())
        return connection

    def rollback(self) -> None:
        # Django takes a rollback that succeeds for a working connection, and forgets the
        # error; this one still holds the pages it read, maybe damaged ones (is_usable).
        errors_occurred = self.errors_occurred
        super().rollback()
        self.errors_occurred = errors_occurred

    def is_usable(self) -> bool:
        # After an error, reconnect: pages read from a damaged file stay in the
        # connection's cache, and would fail every request after a repair.
        if self.errors_occurred:
            return False
        opened = self.opened_file
        return opened is None or self._file_identity(opened[0]) == opened

    def prepare_database(self):
        # migrate calls this first: the one place that creates a database file.
        super().prepare_database()
        path = self.database_path()
        if path is not None and not os.path.exists(path):
            sqlite3.connect(path).close()

    def storage_problem(self) -> str | None:
        """Why writes to the file would fail now (missing, read-only, disk full), or None."""
        path = self.database_path()
        if path is None:
            return None
        identity = self._file_identity(path)
        if identity is None:
            return "The database file is missing."
        if not identity[3]:
            return "The database file is read-only."
        stats = os.statvfs(os.path.dirname(path))
        if stats.f_bavail * stats.f_frsize < MIN_FREE_BYTES:
            return "The disk that holds the database is full."
        return None

    @staticmethod
    def _file_identity(path: str | None) -> tuple[str, int, int, bool] | None:
        if path is None:
            return None
        try:
            status = os.stat(path)
        except FileNotFoundError:
            return None
        return path, status.st_dev, status.st_ino, os.access(path, os.W_OK)
