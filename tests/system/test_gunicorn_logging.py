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


def _gunicorns_alone(logger: glogging.Logger) -> glogging.Logger:
    # pytest attaches its capture handlers to non-propagating loggers such as the access
    # log; in a worker it has gunicorn's handler alone.
    access_log = logger.access_log
    access_log.handlers = [h for h in access_log.handlers if getattr(h, "_gunicorn", False)]
    return logger


def _line(logger_class, path, access_log_format: str | None = None) -> str:
    config = Config()
    config.set("accesslog", str(path))
    if access_log_format:
        config.set("access_log_format", access_log_format)
    logger = _gunicorns_alone(logger_class(config))
    logger.now = lambda: "[25/Nov/2026:12:00:00 +0000]"
    try:
        took = datetime.timedelta(seconds=1, microseconds=5)
        logger.access(_Response(), _Request(), ENVIRON, took)
    finally:
        for handler in logger.access_log.handlers:
            handler.close()
    return path.read_text()


FORMATS = [
    None,
    '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)s %(L)s %(m)s %(U)s %(q)s %(p)s',
    "%(nosuchatom)s %(s)s",
    "%({user-agent}i)s",
]


@pytest.mark.parametrize("access_log_format", FORMATS)
def test_access_lines_are_gunicorns(tmp_path, access_log_format):
    ours = _line(AccessLogger, tmp_path / "ours.log", access_log_format)
    gunicorns = _line(glogging.Logger, tmp_path / "gunicorn.log", access_log_format)

    assert ours == gunicorns
    assert ours.count("\n") == 1


def test_access_line_escapes_quotes(tmp_path):
    assert 'wrk \\"4\\"' in _line(AccessLogger, tmp_path / "access.log")


def test_access_line_goes_through_filters_of_the_access_log(tmp_path):
    # A filter (or a handler from logconfig) must still see every line, so those get logging's path.
    seen = []
    access_log = logging.getLogger("gunicorn.access")
    access_filter = lambda record: seen.append(record.getMessage()) or False  # noqa: E731
    access_log.addFilter(access_filter)
    try:
        written = _line(AccessLogger, tmp_path / "access.log")
    finally:
        access_log.removeFilter(access_filter)

    assert written == ""
    assert seen == [_line(glogging.Logger, tmp_path / "gunicorn.log").rstrip("\n")]


def test_access_line_written_without_logging_records(tmp_path):
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = _gunicorns_alone(AccessLogger(config))

    assert logger._plain_access_handler() is logger.access_log.handlers[0]


def test_access_line_not_written_when_access_log_is_off():
    seen = []
    handler = logging.Handler()
    handler.emit = seen.append
    logger = AccessLogger(Config())  # no accesslog: gunicorn logs no access lines
    logger.access_log.addHandler(handler)

    logger.access(_Response(), _Request(), ENVIRON, datetime.timedelta(seconds=1))

    assert seen == []
