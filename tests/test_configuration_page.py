import importlib.util
import re

import pytest
from django.conf import settings

PAGE = settings.BASE_DIR / "docs" / "operations" / "configuration.md"
ENV_EXAMPLE = settings.BASE_DIR / ".env.example"


def _generator():
    path = settings.BASE_DIR / "scripts" / "configuration_page.py"
    spec = importlib.util.spec_from_file_location("configuration_page", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configuration_page_is_made_from_env_example():
    # Regenerate: python scripts/configuration_page.py > docs/operations/configuration.md
    assert PAGE.read_text() == _generator().page(ENV_EXAMPLE.read_text())


def test_configuration_page_lists_every_variable_of_env_example():
    listed = set(re.findall(r"^#?([A-Z_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    shown = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", PAGE.read_text()))

    assert listed - shown == set()


def test_configuration_page_refuses_a_variable_without_a_description():
    text = "# == Django ==\n\n# What it does.\nDJANGO_DEBUG=0\n\nDJANGO_LOG_LEVEL=INFO\n"

    with pytest.raises(ValueError, match="DJANGO_LOG_LEVEL has no comment above it"):
        _generator().page(text)


def test_configuration_page_shows_a_variable_under_its_section_with_its_default():
    text = "# == gunicorn ==\n# Seconds before a stuck worker is killed.\nGUNICORN_TIMEOUT=30\n"

    assert "## gunicorn\n" in _generator().page(text)
    assert "| `GUNICORN_TIMEOUT` | `30` | Seconds before a stuck worker is killed. |" in (
        _generator().page(text)
    )
