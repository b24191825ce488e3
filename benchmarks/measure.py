"""Load from wrk (or one request after another), and the server's CPU time it cost."""

import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.proc import Meter

LUA_SCRIPT = Path(__file__).with_name("request.lua")
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
    # The requests sent so far with a body that varies: a write whose body is the one
    # before would let a server skip its UPDATE (SQLAlchemy does when nothing changed).
    sent: int = 0

    def next_path(self) -> str:
        return self.path.format(id=self.ids.take()) if self.ids else self.path

    @property
    def varies(self) -> bool:
        return "{n}" in self.body

    def next_body(self) -> str:
        """The body, "{n}" a number no request had, "{age}" 31 or 32 by its parity (as
        request.lua writes them), so each write changes the row the one before left."""
        if not self.varies:
            return self.body
        number = self.sent
        self.sent += 1
        return self.body.replace("{n}", str(number)).replace("{age}", str(31 + number % 2))


@dataclass
class Sample:
    """What one timed run cost the server, how many requests it served, and how fast."""

    cpu_seconds: float
    requests: int
    seconds: float
    errors: int = 0
    latency_us: dict[str, list[int]] = field(default_factory=dict)  # "p50"/"p99": per run
    apart_cpu_seconds: float = 0.0  # the meter's processes counted apart (nginx)

    def add(self, other: "Sample") -> None:
        self.cpu_seconds += other.cpu_seconds
        self.apart_cpu_seconds += other.apart_cpu_seconds
        self.requests += other.requests
        self.seconds += other.seconds
        self.errors += other.errors
        for key, values in other.latency_us.items():
            self.latency_us.setdefault(key, []).extend(values)


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
    if request.varies:
        env["WRK_SEQUENCE_FIRST"] = str(request.sent)
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
    cpu_seconds, apart_cpu_seconds = meter.since(before)
    match = _RESULT.search(output)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    values = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match[1])}
    errors = sum(values[key] for key in ("connect", "read", "write", "status", "timeout"))
    if request.ids:
        # The requests still on their way when wrk stopped may have deleted their heroes too.
        request.ids.next -= values["requests"] + connections
    # Past every number wrk may have sent, the cut-off requests' included.
    request.sent += values["requests"] + connections
    return Sample(
        cpu_seconds=cpu_seconds,
        apart_cpu_seconds=apart_cpu_seconds,
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        errors=errors,
        latency_us={"p50": [values["latency_p50_us"]], "p99": [values["latency_p99_us"]]},
    )


def send(url: str, request: Request, accept: str = "application/json") -> tuple[int, str]:
    """One request with urllib; returns the status and the final URL (after redirects)."""
    headers = {"Accept": accept}
    body = request.next_body()
    if body:
        headers["Content-Type"] = "application/json"
    if request.authorization:
        headers["Authorization"] = request.authorization
    if request.cookie:
        headers["Cookie"] = request.cookie
    if request.if_none_match:
        headers["If-None-Match"] = request.if_none_match
    prepared = urllib.request.Request(
        url + request.next_path(),
        data=body.encode() if body else None,
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


def run_sequential(
    url: str,
    request: Request,
    meter: Meter,
    count: int,
    accept: str,
    *,
    most_seconds: float | None = None,
) -> Sample:
    """Sends `count` requests one after another (or fewer, once `most_seconds` have gone
    by: a warm-up of a page that takes a second needs no thirty): warm-ups, and pages too
    slow for wrk."""
    errors = sent = 0
    before = meter.snapshot()
    started = time.monotonic()
    for _ in range(count):
        if sent and most_seconds is not None and time.monotonic() - started > most_seconds:
            break
        sent += 1
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
    cpu_seconds, apart_cpu_seconds = meter.since(before)
    return Sample(cpu_seconds, sent, seconds, errors, apart_cpu_seconds=apart_cpu_seconds)
