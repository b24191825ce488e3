"""The peers' own virtualenv (FastAPI, django-ninja), built from their pinned requirements."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-peers"
REQUIREMENTS = ROOT / "benchmarks" / "peers" / "requirements.txt"
PYTHON = VENV / "bin" / "python"
UVICORN = VENV / "bin" / "uvicorn"
GUNICORN = VENV / "bin" / "gunicorn"
_MARKER = VENV / ".requirements.sha256"


def _digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def ensure() -> Path:
    """Creates or refreshes .venv-peers; returns its python."""
    if _MARKER.exists() and _MARKER.read_text().strip() == _digest() and GUNICORN.exists():
        return PYTHON
    print(f"Installing the peers into {VENV.name}/ ...", file=sys.stderr, flush=True)
    shutil.rmtree(VENV, ignore_errors=True)
    # The base interpreter, not this virtualenv's: the peer must not see the project's packages.
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
    _MARKER.write_text(_digest() + "\n")
    return PYTHON


def versions() -> dict[str, str]:
    """The installed versions of the peer's main packages."""
    code = (
        "import importlib.metadata as m\n"
        "for name in ('fastapi', 'sqlmodel', 'SQLAlchemy', 'pydantic', 'pydantic_core',"
        " 'starlette', 'uvicorn', 'uvloop', 'httptools', 'django-ninja', 'Django',"
        " 'gunicorn', 'psycopg'):\n"
        "    print(name, m.version(name))\n"
    )
    output = subprocess.run(
        [str(PYTHON), "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split(" ", 1) for line in output.splitlines())
