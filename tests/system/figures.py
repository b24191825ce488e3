"""Figures that the end-to-end tests measure, written where docs/reliability.md cites them."""

import json
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "reliability"


def record_figures(name: str, figures: dict) -> Path:
    """Writes `figures` to artifacts/reliability/<name>.json (git-ignored) and returns the path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return path
