"""Writes docs/operations/configuration.md from .env.example, its one source:

    python scripts/configuration_page.py > docs/operations/configuration.md

In .env.example, a `# == Title ==` line starts a section; the comment lines above one or more
variables (`NAME=default`, or `#NAME=value` where the default follows other settings) are
what the page says of them. tests/test_configuration_page.py fails when the page differs from
this script's output, and tests/test_env_example.py when .env.example misses a variable.
"""

import re
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECTION = re.compile(r"^# == (.+) ==$")
VARIABLE = re.compile(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$")

INTRODUCTION = """\
# Configuration

All settings come from the environment: Django's are read with
[django-environ](https://django-environ.readthedocs.io/) (`heroproject/environment.py`),
gunicorn's by `gunicorn.conf.py` and nginx's by `scripts/serve.sh`.
`.env.example`, at the top of the project, lists every one of them with its default: copy it
to `.env` for your service manager (systemd `EnvironmentFile=`, `docker --env-file`) or a
shell (`set -a; . ./.env; set +a`), then change what you need.

This page is made from `.env.example` (`python scripts/configuration_page.py >
docs/operations/configuration.md`); the tests fail when the two differ, or when
`.env.example` misses a variable the service reads.

Booleans are `1` or `0` (`true`, `yes`, `on` count as `1`); a boolean set empty takes its
default. Lists are comma-separated, spaces around items ignored. A value is taken as
written: a leading `$` names no other variable.
"""


Row = tuple[list[tuple[str, str]], str]  # (name, default) of each variable, and what it does


def sections(text: str) -> list[tuple[str, list[Row]]]:
    """The sections of .env.example: each a title and its rows."""
    found: list[tuple[str, list[Row]]] = []
    comment: list[str] = []
    row: Row | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if heading := SECTION.match(line):
            found.append((heading.group(1), []))
            comment, row = [], None
        elif variable := VARIABLE.match(line):
            commented, name, value = variable.groups()
            if not found:
                raise ValueError(f".env.example:{number}: {name} before any `# == ... ==` line")
            if row is None:
                if not comment:
                    raise ValueError(f".env.example:{number}: {name} has no comment above it")
                row = ([], " ".join(comment))
                found[-1][1].append(row)
                comment = []
            default = "follows other settings" if commented else f"`{value}`" if value else "empty"
            row[0].append((name, default))
        elif line.startswith("#"):
            comment.append(line.removeprefix("#").strip())
            row = None
        else:
            comment, row = [], None
    return found


TABLE_HEAD = "| Variable | Default | What it does |\n| --- | --- | --- |\n"


def page(text: str) -> str:
    parts = [INTRODUCTION]
    for title, rows in sections(text):
        parts.append(f"\n## {title}\n\n{TABLE_HEAD}")
        for variables, description in rows:
            names = "<br>".join(f"`{name}`" for name, _ in variables)
            defaults = [default for _, default in variables]
            # One default for several variables that share it.
            defaults = defaults[0] if len(set(defaults)) == 1 else "<br>".join(defaults)
            cells = [names, defaults, description]
            parts.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |\n")
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(page((BASE_DIR / ".env.example").read_text()))
