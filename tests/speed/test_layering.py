"""The product does not depend on the speed layer: settings plug it in, nothing imports it."""

import re
from pathlib import Path

import pytest
from django.conf import settings

# The model, the API and what they stand on; heroes/speed may import from them.
PRODUCT = ["heroes/models.py", "heroes/versions.py", "heroes/api", "heroes/history"]
PRODUCT += ["heroes/guards", "heroes/observability"]
NAMES_SPEED = re.compile(r"heroes\.speed|from heroes import speed|from \.\.?speed")


def _sources(path: str) -> list[Path]:
    root = Path(settings.BASE_DIR) / path
    return [root] if root.is_file() else sorted(root.rglob("*.py"))


@pytest.mark.parametrize("path", PRODUCT)
def test_product_module_names_nothing_of_heroes_speed(path):
    named = [
        f"{source.name}:{number}"
        for source in _sources(path)
        for number, line in enumerate(source.read_text().splitlines(), 1)
        if NAMES_SPEED.search(line)
    ]

    assert named == []
