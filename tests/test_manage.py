import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_SECRET_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


@pytest.fixture
def manage_py(tmp_path):
    """A copy of manage.py in a directory of its own, with no .secret_key next to it."""
    copy = tmp_path / "manage.py"
    shutil.copy(settings.BASE_DIR / "manage.py", copy)
    return copy


def _manage(manage_py, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, str(manage_py), *args],
        cwd=manage_py.parent,
        env={**clean, "PYTHONPATH": str(settings.BASE_DIR), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_manage_reads_the_secret_key_file_next_to_it(manage_py, tmp_path):
    (tmp_path / ".secret_key").write_text("k" * 50 + "\n")

    result = _manage(manage_py, "shell", "-v0", "-c", PRINT_SECRET_KEY)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "k" * 50 + "\n"


def test_manage_prefers_the_secret_key_of_the_environment(manage_py, tmp_path):
    (tmp_path / ".secret_key").write_text("k" * 50)

    result = _manage(manage_py, "shell", "-v0", "-c", PRINT_SECRET_KEY, DJANGO_SECRET_KEY="e" * 50)

    assert result.stdout == "e" * 50 + "\n"


def test_manage_without_any_secret_key_fails_in_one_line(manage_py):
    result = _manage(manage_py, "migrate")

    assert result.returncode == 1
    assert result.stderr.startswith("manage.py: DJANGO_SECRET_KEY is not set.")
    assert ".secret_key" in result.stderr
    assert result.stderr.count("\n") == 1


def test_manage_keeps_metrics_in_memory_whatever_prometheus_multiproc_dir_says(manage_py, tmp_path):
    result = _manage(
        manage_py,
        "check",
        DJANGO_SECRET_KEY="k" * 50,
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "missing"),
    )

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "missing").exists()


def test_manage_with_an_empty_secret_key_file_says_so(manage_py, tmp_path):
    (tmp_path / ".secret_key").write_text("\n")

    result = _manage(manage_py, "migrate")

    assert result.returncode == 1
    assert result.stderr == (
        f"manage.py: {tmp_path / '.secret_key'} is empty; delete it and run make, or set "
        "DJANGO_SECRET_KEY.\n"
    )


def test_manage_records_the_command_behind_a_change(manage_py, tmp_path):
    env = {"DJANGO_SECRET_KEY": "x" * 50, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    create = "from heroes.models import Hero; Hero.objects.create(name='D', secret_name='S')"
    show = "from heroes.models import Hero; print(Hero.history.get().history_command)"

    migrated = _manage(manage_py, "migrate", "-v0", **env)
    created = _manage(manage_py, "shell", "-c", create, **env)
    shown = _manage(manage_py, "shell", "-c", show, **env)

    assert (migrated.returncode, created.returncode) == (0, 0), migrated.stderr + created.stderr
    assert shown.stdout.strip().splitlines()[-1] == "shell"
