import logging
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter


def iso_time(timestamp: float) -> str:
    """The time of a log line: ISO 8601 in UTC, to the millisecond, in every JSON line."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: time, level, logger, message, request id, exception."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            **kwargs,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso_time(record.created)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class TextFormatter(logging.Formatter):
    """One line of text, with the request id in brackets ("-" outside a request)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(TEXT_FORMAT, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)
