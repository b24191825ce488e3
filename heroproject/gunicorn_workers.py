"""gunicorn's sync worker, whose own refusals (a malformed request line or header) are JSON.

gunicorn answers the requests it cannot parse itself, before Django sees them, with an
HTML page, and has no setting for that page. Every other error of the API is JSON, so
this worker swaps the one function that writes the page, in its own process only.
"""

import json

from gunicorn import util
from gunicorn.workers.sync import SyncWorker


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's answer, with a JSON body instead of an HTML page."""
    detail = f"{reason}: {mesg}" if mesg else f"{reason}."
    body = json.dumps({"detail": detail[:500]}).encode() + b"\n"
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


class JSONErrorsSyncWorker(SyncWorker):
    """The sync worker; the answers gunicorn writes itself carry {"detail": ...} JSON."""

    def init_process(self) -> None:
        util.write_error = write_json_error
        super().init_process()
