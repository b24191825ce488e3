"""Load from wrk over one connection, and the server's CPU time read from /proc."""

import os
import re
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("request.lua")
_TICKS = os.sysconf("SC_CLK_TCK")
_RESULT = re.compile(r"^WRK_RESULT (.*)$", re.MULTILINE)


@dataclass
class Request:
    """One benchmark request: method, path, JSON body and headers."""

    method: str
    path: str
    body: str = ""
    authorization: str = ""
    cookie: str = ""


@dataclass
class Sample:
    """What one timed run cost the server, and how many requests it served."""

    cpu_seconds: float
    requests: int
    seconds: float
    errors: int = 0


def process_group_cpu(pgid: int) -> float:
    """User + system CPU seconds of every process in the group, and of its reaped children."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        # The command name may hold spaces and parentheses: split after its closing one.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / _TICKS


def _settle() -> None:
    # Lets the server finish the request wrk cut off, so its CPU lands in this sample.
    time.sleep(0.05)


def run_wrk(url: str, request: Request, pgid: int, seconds: int) -> Sample:
    """Runs wrk with one thread and one connection for `seconds`, and reads the server's CPU."""
    env = {
        **os.environ,
        "WRK_METHOD": request.method,
        "WRK_BODY": request.body,
        "WRK_AUTHORIZATION": request.authorization,
        "WRK_COOKIE": request.cookie,
    }
    command = [
        "wrk",
        "-t1",
        "-c1",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(LUA_SCRIPT),
        url + request.path,
    ]
    before = process_group_cpu(pgid)
    output = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, timeout=seconds + 120
    ).stdout
    _settle()
    after = process_group_cpu(pgid)
    match = _RESULT.search(output)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    values = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", match[1])}
    errors = sum(values[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Sample(
        cpu_seconds=after - before,
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        errors=errors,
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
    prepared = urllib.request.Request(
        url + request.path,
        data=request.body.encode() if request.body else None,
        headers=headers,
        method=request.method,
    )
    with urllib.request.urlopen(prepared, timeout=120) as response:
        response.read()
        return response.status, response.geturl()


def run_sequential(url: str, request: Request, pgid: int, count: int, accept: str) -> Sample:
    """Sends `count` requests one after another: warm-ups, and pages too slow for wrk."""
    errors = 0
    before = process_group_cpu(pgid)
    started = time.monotonic()
    for _ in range(count):
        try:
            status, final_url = send(url, request, accept)
        except OSError:
            errors += 1
            continue
        # A lost session redirects to the login page: count that as an error too.
        errors += status >= 300 or final_url != url + request.path
    seconds = time.monotonic() - started
    _settle()
    return Sample(process_group_cpu(pgid) - before, count, seconds, errors)
