import json
import os
import re
import subprocess
import sys

from django.conf import settings

# heroproject/settings.py and the modules it imports its groups of settings from.
READ_BY = ["heroproject/*.py", "gunicorn.conf.py", "scripts/serve.sh", "scripts/nginx-config.sh"]
# Set by make and the scripts for their own children, not by an operator.
INTERNAL = {"DJANGO_SETTINGS_MODULE", "GUNICORN"}


NAME = re.compile(
    r"""["']((?:DJANGO|GUNICORN)_[A-Z_]+|HEROES_SPEED(?:_OFF)?|DATABASE_(?:REPLICA_)?URL|PORT|WEB_CONCURRENCY"""
    r"""|PROMETHEUS_MULTIPROC_DIR)["']"""
)
SHELL_DEFAULT = re.compile(r"\$\{((?:[A-Z]+_)*[A-Z]+):-")


def _names_read() -> set[str]:
    names = set()
    for pattern in READ_BY:
        for path in settings.BASE_DIR.glob(pattern):
            text = path.read_text()
            names |= set(NAME.findall(text)) | set(SHELL_DEFAULT.findall(text))
    return names - INTERNAL


def _names_listed() -> set[str]:
    text = (settings.BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^#?([A-Z_]+)=", text, re.MULTILINE))


def test_env_example_lists_every_variable_the_service_reads():
    assert _names_read() - _names_listed() == set()


def test_env_example_lists_only_variables_the_service_reads():
    assert _names_listed() - _names_read() == set()


SETTINGS_SHOWN = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({name: repr(getattr(s, name)) for name in sorted(dir(s)) if name.isupper()}))
"""


def _settings_with(env: dict[str, str]) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE", "HEROES_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_SHOWN],
        cwd=settings.BASE_DIR,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "heroproject.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    shown = json.loads(result.stdout)
    shown.pop("SECRET_KEY")
    return shown


def test_env_example_as_it_is_sets_the_defaults():
    text = (settings.BASE_DIR / ".env.example").read_text()
    example = dict(re.findall(r"^([A-Z_]+)=(.*)$", text, re.MULTILINE))
    key = {"DJANGO_SECRET_KEY": "k" * 50}

    assert _settings_with({**example, **key}) == _settings_with(key)
