"""What /proc says about a server: the CPU its processes spent, and its workers' memory."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(entry: os.DirEntry) -> tuple[str, list[str]]:
    """A process's command name and the fields of its stat line after it."""
    stat = Path(entry.path, "stat").read_text()
    # The command name may hold spaces and parentheses: split after its last one.
    return stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()


@dataclass
class Meter:
    """Where a server spends its CPU: its process group, and on PostgreSQL the backends
    serving its own database (they run outside the group, under the database server).

    With `apart` (a command name, "nginx"), the CPU of the group's processes of that name is
    counted on its own, so that a proxy's share is never folded into the app server's.
    """

    pgid: int
    database: str | None = None
    apart: str | None = None

    def snapshot(self) -> dict[tuple[int, bool], int]:
        """CPU ticks (user + system, and of reaped children) of every process in the group
        and of every backend connected to the database, by process id and whether it is
        one of the processes counted apart."""
        title = f" {self.database} ".encode() if self.database else None
        ticks = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                command, fields = _stat(entry)
                ours = int(fields[2]) == self.pgid
                if not ours and title:
                    # A backend's title: "postgres: USER DATABASE HOST(PORT) STATE".
                    cmdline = Path(entry.path, "cmdline").read_bytes()
                    ours = cmdline.startswith(b"postgres: ") and title in cmdline
            except OSError:  # the process ended meanwhile
                continue
            if ours:
                # utime stime cutime cstime
                key = (int(entry.name), command == self.apart)
                ticks[key] = sum(int(value) for value in fields[11:15])
            elif title and command == "postgres" and _is_postmaster(entry):
                # A backend that ends (a pool's overflow connection closed after its request)
                # takes its CPU with it; the postmaster reaps it and counts that CPU among its
                # children's. Servers are loaded one at a time, so the children's CPU spent
                # during a sample is the loaded server's.
                ticks[(int(entry.name), False)] = int(fields[13]) + int(fields[14])
        return ticks

    def since(self, before: dict[tuple[int, bool], int]) -> tuple[float, float]:
        """CPU seconds spent since the snapshot `before` by the processes alive now: the
        server's, and those counted apart. A process that ended meanwhile counts through
        its parent (a backend through the postmaster), never by taking its whole past off
        the sum."""
        spent = {False: 0, True: 0}
        for key, ticks in self.snapshot().items():
            spent[key[1]] += max(ticks - before.get(key, 0), 0)
        return spent[False] / _TICKS, spent[True] / _TICKS


def _is_postmaster(entry: os.DirEntry) -> bool:
    """PostgreSQL's server process: `postgres -D DATADIR`, where backends have a title."""
    try:
        return Path(entry.path, "cmdline").read_bytes().split(b"\0")[1:2] == [b"-D"]
    except OSError:
        return False


def worker_memory_kib(pgid: int) -> list[int]:
    """Resident memory of each worker in the group: every Python process without a Python
    child (so not gunicorn's or uvicorn's master, nor nginx or a shell)."""
    processes = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            _command, fields = _stat(entry)
            exe = os.readlink(Path(entry.path, "exe"))
            cmdline = Path(entry.path, "cmdline").read_bytes()
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        if int(fields[2]) != pgid or "python" not in Path(exe).name:
            continue
        if b"resource_tracker" in cmdline:  # multiprocessing's helper, not a worker
            continue
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        processes[int(entry.name)] = (int(fields[1]), int(rss[1]) if rss else 0)
    parents = {parent for parent, _ in processes.values()}
    return sorted(rss for pid, (_, rss) in processes.items() if pid not in parents)
