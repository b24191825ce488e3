import re

from django.conf import settings

READ_BY = ["heroproject/settings.py", "gunicorn.conf.py", "scripts/serve.sh"]
# Set by make and the scripts for their own children, not by an operator.
INTERNAL = {"DJANGO_SETTINGS_MODULE", "GUNICORN"}


NAME = re.compile(
    r"""["']((?:DJANGO|GUNICORN)_[A-Z_]+|DATABASE_URL|PORT|WEB_CONCURRENCY"""
    r"""|PROMETHEUS_MULTIPROC_DIR)["']"""
)
SHELL_DEFAULT = re.compile(r"\$\{((?:[A-Z]+_)*[A-Z]+):-")


def _names_read() -> set[str]:
    names = set()
    for path in READ_BY:
        text = (settings.BASE_DIR / path).read_text()
        names |= set(NAME.findall(text)) | set(SHELL_DEFAULT.findall(text))
    return names - INTERNAL


def _names_listed() -> set[str]:
    text = (settings.BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^([A-Z_]+)=", text, re.MULTILINE))


def test_env_example_lists_every_variable_the_service_reads():
    assert _names_read() - _names_listed() == set()


def test_env_example_lists_only_variables_the_service_reads():
    assert _names_listed() - _names_read() == set()
