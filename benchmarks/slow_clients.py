"""Slow clients against a server: do normal requests still get through while they trickle?

Opens connections that send their request a byte at a time, a few seconds apart: some stall
in the headers, others in the body of a POST to the token endpoint (a login form). While
they are held open, a normal client reads a page of heroes again and again, each on a new
connection, and the time each answer takes is recorded.
"""

import socket
import statistics
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

SLOW_HEADER = b"GET /heroes/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
SLOW_BODY = (
    b"POST /auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4096\r\n\r\nusername="
)


@dataclass
class Outcome:
    """What the normal client saw while the slow connections were held open."""

    slow_connections: int
    requests: int
    answered: int
    median_seconds: float | None
    max_seconds: float | None

    @property
    def all_answered(self) -> bool:
        return self.answered == self.requests


def attack(
    url: str,
    *,
    slow_headers: int = 20,
    slow_bodies: int = 20,
    seconds: float = 12,
    drip_every: float = 3,
    timeout: float = 5,
) -> Outcome:
    """Holds the slow connections open for `seconds` while timing normal requests."""
    address = urlsplit(url)
    stop = threading.Event()
    with ExitStack() as stack:
        held = []
        for opening in [SLOW_HEADER] * slow_headers + [SLOW_BODY] * slow_bodies:
            sock = stack.enter_context(socket.create_connection((address.hostname, address.port)))
            sock.sendall(opening)
            held.append(sock)

        def drip() -> None:
            while not stop.wait(drip_every):
                for sock in held:
                    with suppress(OSError):  # the server gave up on it: that is allowed
                        sock.send(b"a")

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        stack.callback(dripper.join)
        stack.callback(stop.set)
        time.sleep(0.5)  # let the server take them all in before the clock starts
        latencies: list[float] = []
        requests = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            requests += 1
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"{url}/heroes/?limit=10", timeout=timeout) as answer:
                    answer.read()
                    if answer.status == 200:
                        latencies.append(time.monotonic() - started)
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
    return Outcome(
        slow_connections=slow_headers + slow_bodies,
        requests=requests,
        answered=len(latencies),
        median_seconds=statistics.median(latencies) if latencies else None,
        max_seconds=max(latencies, default=None),
    )
