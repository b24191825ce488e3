import json
import logging
import os
import subprocess
import sys
from datetime import datetime, timedelta

from django.conf import settings

from heroes.observability.logs import JsonFormatter, TextFormatter


def _record(message: str, **extra) -> logging.LogRecord:
    record = logging.LogRecord("heroes", logging.WARNING, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    return record


def test_json_line_holds_time_level_logger_message_and_request_id():
    line = JsonFormatter().format(_record('a "quoted"\nmessage', request_id="abc"))

    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING"
    assert data["logger"] == "heroes"
    assert data["message"] == 'a "quoted"\nmessage'
    assert data["request_id"] == "abc"
    assert datetime.fromisoformat(data["time"]).utcoffset() == timedelta(0)
    assert len(data["time"]) == len("2026-12-02T22:49:22.759+00:00")


def test_json_line_holds_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record("failed", request_id="abc")
        record.exc_info = sys.exc_info()

    data = json.loads(JsonFormatter().format(record))

    assert "ValueError: boom" in data["exc_info"]


def test_text_line_holds_the_request_id():
    line = TextFormatter().format(_record("hello", request_id="abc"))

    assert line.endswith(" WARNING heroes [abc] hello")


def test_unknown_log_format_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SECRET_KEY": "k" * 50, "DJANGO_LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr == "manage.py: DJANGO_LOG_FORMAT is 'xml'; set it to text or json.\n"
