"""The OpenAPI schema passes redocly's recommended rules and spectral's spectral:oas.

Each linter runs from node_modules with the configuration in sdk/lint/, which turns off one
rule (paths end in a slash, as Django's URLs do). What else they still warn about is listed
below with the reason, and nothing more may appear.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

from benchmarks.servers import BASE_DIR, manage, sqlite_url

LINT = Path(__file__).with_name("sdk") / "lint"
NODE_BIN = BASE_DIR / "node_modules" / ".bin"

# The project publishes no contact address; the schema invents none.
REDOCLY_WARNINGS = []
SPECTRAL_WARNINGS = [("info-contact", "info")]


def lint(command: list[str | Path], cwd: Path) -> str:
    tool = Path(command[0])
    if not tool.exists():
        pytest.fail(f"{tool} is missing: run `make node_modules/.installed`", pytrace=False)
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        # No usage reports, no update checks: the linters run offline.
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("schema-lint")
    path = folder / "openapi.json"
    database = sqlite_url(folder / "db.sqlite3")  # the schema reads no database
    manage(database, "spectacular", "--format", "openapi-json", "--file", str(path))
    return path


def test_schema_has_no_redocly_errors_with_recommended_rules(schema_file):
    output = lint(
        [
            NODE_BIN / "redocly",
            "lint",
            "--config",
            LINT / "redocly.yaml",
            "--format",
            "json",
            schema_file,
        ],
        cwd=schema_file.parent,
    )
    report = json.loads(output)

    assert report["totals"]["errors"] == 0
    problems = [(p["ruleId"], p["location"][0]["pointer"]) for p in report["problems"]]
    assert problems == REDOCLY_WARNINGS


def test_schema_has_no_spectral_oas_warnings_but_the_explained_ones(schema_file):
    output = lint(
        [
            NODE_BIN / "spectral",
            "lint",
            "--ruleset",
            LINT / "spectral.yaml",
            "--format",
            "json",
            "--fail-severity",
            "error",
            schema_file,
        ],
        cwd=schema_file.parent,
    )
    report = json.loads(output)

    assert [(p["code"], ".".join(map(str, p["path"]))) for p in report] == SPECTRAL_WARNINGS
    assert all(p["severity"] == 1 for p in report)  # warnings; errors would fail the run
