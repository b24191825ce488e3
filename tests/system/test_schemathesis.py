"""schemathesis fuzzes every operation of /openapi.json on a real gunicorn, with every check."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from benchmarks.servers import create_user, gunicorn
from tests.system.figures import record_figures
from tests.system.postgres import database_of_this_pass

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
# The whole suite runs once per database; a minute each keeps CI short. Raise it locally
# with SCHEMATHESIS_MAX_TIME=600 to search longer.
MAX_TIME = os.environ.get("SCHEMATHESIS_MAX_TIME", "60")
# view_hero: the history of a hero (GET /heroes/{id}/history/) answers 200, not only 403.
PERMISSIONS = ("view_hero", "add_hero", "change_hero", "delete_hero")


def test_schemathesis_finds_no_failure_with_all_checks(tmp_path):
    # The fuzzer posts thousands of credentials: a login limit this high lets it reach the
    # token endpoint's logic, not just its 429 (test_brute_force.py covers the limit).
    with (
        database_of_this_pass(tmp_path) as url,
        gunicorn(
            url, tmp_path / "gunicorn.log", workers=2, DJANGO_LOGIN_ATTEMPTS="1000000"
        ) as server,
    ):
        token = create_user(url, "writer", "correct horse battery", permissions=PERMISSIONS)
        # The logouts revoke what they are sent: each gets a user and token of its own.
        leavers = {
            name: create_user(url, name.lower(), "correct horse battery")
            for name in ("HEROES_LOGOUT_TOKEN", "HEROES_LOGOUTALL_TOKEN")
        }
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--config-file",
                str(CONFIG),
                "run",
                f"{server.url}/openapi.json",
                "--header",
                f"Authorization: Token {token}",
                "--max-time",
                MAX_TIME,
                "--report",
                "junit",
                "--report-junit-path",
                str(tmp_path / "junit.xml"),
                "--no-color",
            ],
            cwd=tmp_path,  # its example database and caches stay out of the checkout
            env={**os.environ, **leavers},  # read by schemathesis.toml
            capture_output=True,
            text=True,
            timeout=int(MAX_TIME) + 300,
        )
    output = run.stdout + run.stderr
    cases = re.search(r"(\d+) generated, (.*)", output)
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    failures = sum(
        int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites.iter("testsuite")
    )
    record_figures(
        "schemathesis",
        {
            "max_time_seconds": int(MAX_TIME),
            "operations": sorted(case.get("name") for case in suites.iter("testcase")),
            "cases_generated": int(cases.group(1)) if cases else None,
            "summary": cases.group(0).strip() if cases else None,
            "failures": failures,
            "seed": (re.search(r"Seed: (\d+)", output) or [None, None])[1],
            "exit_code": run.returncode,
        },
    )
    assert run.returncode == 0, output
    assert failures == 0
    assert cases, output
    assert int(cases.group(1)) > 0
    assert "Traceback" not in server.log()
