"""gunicorn's logger, writing the same access lines with less work per request."""

import functools
import json
import logging
import os
import time
import traceback

from gunicorn import glogging

from heroes.observability.logs import iso_time

# The response's X-Request-ID (heroes.observability.request_ids), the one {name} atom the
# lean path below knows.
REQUEST_ID_ATOM = "{x-request-id}o"
# DJANGO_LOG_FORMAT=json: access lines as JSON objects too (gunicorn.conf.py).
JSON_LINES = os.environ.get("DJANGO_LOG_FORMAT") == "json"


class _Atoms(dict):
    # What gunicorn's SafeAtoms gives a format of plain %(x)s atoms: "-" for unknown ones.
    def __missing__(self, key: str) -> str:
        return "-"


@functools.lru_cache(maxsize=8)
def _writes_message_only(formatter: logging.Formatter | None) -> bool:
    # Asked through format(): a formatter whose output is the bare message, for any message.
    if type(formatter) is not logging.Formatter:
        return False
    record = logging.LogRecord("probe", logging.INFO, __file__, 0, "%s", ("probe line",), None)
    return formatter.format(record) == "probe line"


class AccessLogger(glogging.Logger):
    """The same access lines as gunicorn's Logger, for formats of plain %(x)s atoms.

    gunicorn's atoms() also copies every request header, response header and environ
    variable into the mapping, for the {name}i/o/e atoms. And a line sent through logging
    builds a LogRecord and looks up its caller's frame, for a handler that only writes the
    message (benchmarks/hot_spots.md has the figures). Formats that use {name} atoms other
    than the request id, and access logs with handlers or filters of their own (syslog, a
    logconfig of its own), get gunicorn's own path. With DJANGO_LOG_FORMAT=json the line is
    a JSON object of the same atoms.
    """

    def access(self, resp, req, environ, request_time):
        handler = self._plain_access_handler()
        if handler is None:
            return super().access(resp, req, environ, request_time)
        try:
            atoms = self.atoms(resp, req, environ, request_time)
            if JSON_LINES:
                line = _json_line(atoms)
            else:
                line = self.cfg.access_log_format % _Atoms(
                    {
                        k: v.replace('"', '\\"') if isinstance(v, str) else v
                        for k, v in atoms.items()
                    }
                )
            with handler.lock:
                handler.stream.write(line + handler.terminator)
                handler.stream.flush()
        except Exception:
            self.error(traceback.format_exc())

    def _plain_access_handler(self) -> logging.StreamHandler | None:
        """The handler that would only write the access line to its stream, if that is all."""
        log = self.access_log
        if (
            not self.access_log_enabled
            or "{" in self.cfg.access_log_format.replace(REQUEST_ID_ATOM, "")
            or len(log.handlers) != 1
            or log.filters
            or log.disabled
            or not log.isEnabledFor(logging.INFO)
        ):
            return None
        (handler,) = log.handlers
        formatter = handler.formatter
        if (
            type(handler) not in (logging.StreamHandler, logging.FileHandler)
            or handler.filters
            or handler.level > logging.INFO
            or handler.stream is None
            or not _writes_message_only(formatter)
        ):
            return None
        return handler

    def atoms(self, resp, req, environ, request_time):
        if "{" in self.cfg.access_log_format.replace(REQUEST_ID_ATOM, ""):
            return super().atoms(resp, req, environ, request_time)
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        return {
            "h": _client(environ),
            "l": "-",
            "u": self._get_user(environ) or "-",
            "t": self.now(),
            "r": f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}",
            "s": status,
            "m": environ.get("REQUEST_METHOD"),
            "U": environ.get("PATH_INFO"),
            "q": environ.get("QUERY_STRING"),
            "H": environ.get("SERVER_PROTOCOL"),
            "b": str(sent) if sent is not None else "-",
            "B": sent,
            "f": environ.get("HTTP_REFERER", "-"),
            "a": environ.get("HTTP_USER_AGENT", "-"),
            "T": request_time.seconds,
            "D": (request_time.seconds * 1000000) + request_time.microseconds,
            "M": (request_time.seconds * 1000) + int(request_time.microseconds / 1000),
            "L": f"{request_time.seconds}.{request_time.microseconds:06d}",
            "p": f"<{os.getpid()}>",
            REQUEST_ID_ATOM: next(
                (value for name, value in resp.headers if name.lower() == "x-request-id"), "-"
            ),
        }


def _client(environ: dict) -> str:
    # A Unix socket's peer has no address: it is the proxy in front (scripts/serve.sh's
    # nginx), so the line names the address that proxy saw, the last one it forwarded.
    address = environ.get("REMOTE_ADDR")
    if address:
        return address
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    return forwarded or "-"


def _json_line(atoms: dict) -> str:
    return json.dumps(
        {
            "time": iso_time(time.time()),
            "level": "INFO",
            "logger": "gunicorn.access",
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]),
            "bytes": atoms["B"],
            "duration_ms": round(atoms["D"] / 1000, 3),
            "referer": atoms["f"],
            "user_agent": atoms["a"],
            "request_id": atoms[REQUEST_ID_ATOM],
        }
    )
