import logging

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: time, level, logger, message, request id, exception."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            **kwargs,
        )


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class TextFormatter(logging.Formatter):
    """One line of text, with the request id in brackets ("-" outside a request)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(TEXT_FORMAT, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)
