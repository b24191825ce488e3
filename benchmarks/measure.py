"""Load from wrk, the server's CPU time and its workers' memory, read from /proc."""

import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("request.lua")
_TICKS = os.sysconf("SC_CLK_TCK")
_RESULT = re.compile(r"^WRK_RESULT (.*)$", re.MULTILINE)


@dataclass
class Ids:
    """The ids a request walks down, one per request: each delete deletes its own hero."""

    next: int
    last: int

    def take(self) -> int:
        if self.next < self.last:
            raise RuntimeError("The benchmark ran out of heroes to delete.")
        self.next -= 1
        return self.next + 1


@dataclass
class Request:
    """One benchmark request: method, path ("{id}" from `ids`), JSON body and headers."""

    method: str
    path: str
    body: str = ""
    authorization: str = ""
    cookie: str = ""
    if_none_match: str = ""
    status: int = 200  # what every answer must be (2xx for 200)
    ids: Ids | None = None

    def next_path(self) -> str:
        return self.path.format(id=self.ids.take()) if self.ids else self.path


@dataclass
class Sample:
    """What one timed run cost the server, how many requests it served, and how fast."""

    cpu_seconds: float
    requests: int
    seconds: float
    errors: int = 0
    latency_us: dict[str, list[int]] = field(default_factory=dict)  # "p50"/"p99": per run

    def add(self, other: "Sample") -> None:
        self.cpu_seconds += other.cpu_seconds
        self.requests += other.requests
        self.seconds += other.seconds
        self.errors += other.errors
        for key, values in other.latency_us.items():
            self.latency_us.setdefault(key, []).extend(values)


@dataclass
class Meter:
    """Where a server spends its CPU: its process group, and on PostgreSQL the backends
    serving its own database (they run outside the group, under the database server)."""

    pgid: int
    database: str | None = None

    def snapshot(self) -> dict[int, int]:
        """CPU ticks (user + system, and of reaped children) of every process in the group
        and of every backend connected to the database, by process id."""
        title = f" {self.database} ".encode() if self.database else None
        ticks = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
                # The command name may hold spaces and parentheses: split after its last one.
                fields = stat[stat.rindex(")") + 2 :].split()
                ours = int(fields[2]) == self.pgid
                if not ours and title:
                    # A backend's title: "postgres: USER DATABASE HOST(PORT) STATE".
                    command = Path(entry.path, "cmdline").read_bytes()
                    ours = command.startswith(b"postgres: ") and title in command
            except OSError:  # the process ended meanwhile
                continue
            if ours:
                # utime stime cutime cstime
                ticks[int(entry.name)] = sum(int(value) for value in fields[11:15])
        return ticks

    def since(self, before: dict[int, int]) -> float:
        """CPU seconds spent since the snapshot `before`, by the processes alive now: a
        backend that ended meanwhile (a connection closed at its maximum age) takes its
        CPU with it, rather than taking its whole past off the sum."""
        after = self.snapshot()
        return sum(max(ticks - before.get(pid, 0), 0) for pid, ticks in after.items()) / _TICKS


def worker_memory_kib(pgid: int) -> list[int]:
    """Resident memory of each worker in the group: every Python process without a Python
    child (so not gunicorn's or uvicorn's master, nor nginx or a shell)."""
    processes = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            exe = os.readlink(Path(entry.path, "exe"))
            cmdline = Path(entry.path, "cmdline").read_bytes()
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) != pgid or "python" not in Path(exe).name:
            continue
        if b"resource_tracker" in cmdline:  # multiprocessing's helper, not a worker
            continue
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        processes[int(entry.name)] = (int(fields[1]), int(rss[1]) if rss else 0)
    parents = {parent for parent, _ in processes.values()}
    return sorted(rss for pid, (_, rss) in processes.items() if pid not in parents)


def _settle() -> None:
    # Lets the server finish the request wrk cut off, so its CPU lands in this sample.
    time.sleep(0.05)


def run_wrk(url: str, request: Request, meter: Meter, seconds: int, connections: int = 1) -> Sample:
    """Runs wrk with one thread and `connections` connections for `seconds`, and reads the
    server's CPU."""
    env = {
        **os.environ,
        "WRK_METHOD": request.method,
        "WRK_BODY": request.body,
        "WRK_AUTHORIZATION": request.authorization,
        "WRK_COOKIE": request.cookie,
        "WRK_IF_NONE_MATCH": request.if_none_match,
        "WRK_PATH": request.path,
    }
    target = url + request.path
    if request.ids:
        env.update(WRK_ID_FIRST=str(request.ids.next), WRK_ID_LAST=str(request.ids.last))
        target = url + "/"
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(LUA_SCRIPT),
        target,
    ]
    before = meter.snapshot()
    output = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, timeout=seconds + 120
    ).stdout
    _settle()
    cpu_seconds = meter.since(before)
    match = _RESULT.search(output)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    values = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match[1])}
    errors = sum(values[key] for key in ("connect", "read", "write", "status", "timeout"))
    if request.ids:
        # The requests still on their way when wrk stopped may have deleted their heroes too.
        request.ids.next -= values["requests"] + connections
    return Sample(
        cpu_seconds=cpu_seconds,
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        errors=errors,
        latency_us={"p50": [values["latency_p50_us"]], "p99": [values["latency_p99_us"]]},
    )


def send(url: str, request: Request, accept: str = "application/json") -> tuple[int, str]:
    """One request with urllib; returns the status and the final URL (after redirects)."""
    headers = {"Accept": accept}
    if request.body:
        headers["Content-Type"] = "application/json"
    if request.authorization:
        headers["Authorization"] = request.authorization
    if request.cookie:
        headers["Cookie"] = request.cookie
    if request.if_none_match:
        headers["If-None-Match"] = request.if_none_match
    prepared = urllib.request.Request(
        url + request.next_path(),
        data=request.body.encode() if request.body else None,
        headers=headers,
        method=request.method,
    )
    try:
        with urllib.request.urlopen(prepared, timeout=120) as response:
            response.read()
            return response.status, response.geturl()
    except urllib.error.HTTPError as error:  # 304 and every 4xx and 5xx
        error.read()
        return error.code, error.geturl()


def answered_as_expected(request: Request, status: int) -> bool:
    return status == request.status or (request.status == 200 and 200 <= status < 300)


def run_sequential(url: str, request: Request, meter: Meter, count: int, accept: str) -> Sample:
    """Sends `count` requests one after another: warm-ups, and pages too slow for wrk."""
    errors = 0
    before = meter.snapshot()
    started = time.monotonic()
    for _ in range(count):
        try:
            status, final_url = send(url, request, accept)
        except OSError:
            errors += 1
            continue
        # A lost session redirects to the login page: count that as an error too.
        redirected = not request.ids and final_url != url + request.path
        errors += not answered_as_expected(request, status) or redirected
    seconds = time.monotonic() - started
    _settle()
    return Sample(meter.since(before), count, seconds, errors)
