import datetime
import logging

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from heroproject.gunicorn_logging import AccessLogger


class _Response:
    status = "201 Created"
    sent = 42
    headers = [("Content-Type", "application/json")]


class _Request:
    headers = [("HOST", "127.0.0.1:8000"), ("USER-AGENT", 'wrk "4"')]


ENVIRON = {
    "REMOTE_ADDR": "127.0.0.1",
    "REQUEST_METHOD": "POST",
    "RAW_URI": "/heroes/?x=1",
    "PATH_INFO": "/heroes/",
    "QUERY_STRING": "x=1",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "HTTP_USER_AGENT": 'wrk "4"',
    "HTTP_REFERER": "http://127.0.0.1/",
}


def _line(logger_class, access_log_format: str | None = None) -> str:
    config = Config()
    config.set("accesslog", "-")
    if access_log_format:
        config.set("access_log_format", access_log_format)
    logger = logger_class(config)
    lines = []
    logger.access_log.handlers = [logging.Handler()]
    logger.access_log.handlers[0].emit = lambda record: lines.append(record.getMessage())
    logger.now = lambda: "[25/Nov/2026:12:00:00 +0000]"
    logger.access(_Response(), _Request(), ENVIRON, datetime.timedelta(seconds=1, microseconds=5))
    return lines[0]


@pytest.mark.parametrize(
    "access_log_format",
    [None, '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)s %(L)s %(m)s %(U)s %(q)s', "%({user-agent}i)s"],
)
def test_access_lines_are_gunicorns(access_log_format):
    assert _line(AccessLogger, access_log_format) == _line(glogging.Logger, access_log_format)


def test_access_line_escapes_quotes():
    assert 'wrk \\"4\\"' in _line(AccessLogger)
