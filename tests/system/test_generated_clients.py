"""Clients generated from the served /openapi.json work end to end against a real gunicorn.

openapi-python-client (Python), @hey-api/openapi-ts (TypeScript, fetch client) and
openapi-typescript types used through openapi-fetch each generate into a temporary folder.
The usages committed under sdk/ then type-check strictly and run every operation: a token,
creates, every list filter and ordering, a read, PUT, PATCH, DELETE and the 400, 401, 403
and 404 answers parsed into their documented models, then each logs out (one token, then
all of a user's) and finds its token refused with 401. Generated code is never committed.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.servers import BASE_DIR, Server, create_user, gunicorn
from tests.system.postgres import database_of_this_pass
from tests.system.served import logged

SDK = Path(__file__).with_name("sdk")
VENV_BIN = Path(sys.executable).parent
NODE_BIN = BASE_DIR / "node_modules" / ".bin"
WRITER = ("writer", "correct horse battery")
READER = ("reader", "battery staple horse")
WRITE_PERMISSIONS = ("add_hero", "change_hero", "delete_hero")


def run(command: list[str | Path], cwd: Path, **env: str) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def node_tool(name: str) -> Path:
    tool = NODE_BIN / name
    if not tool.exists():
        pytest.fail(f"{tool} is missing: run `make node_modules/.installed`", pytrace=False)
    return tool


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("generated-clients")
    # Each usage asks for three tokens; the default login limit (10 a minute) is for people.
    with (
        database_of_this_pass(folder) as url,
        gunicorn(url, folder / "gunicorn.log", DJANGO_LOGIN_ATTEMPTS="1000") as server,
    ):
        create_user(url, *WRITER, permissions=WRITE_PERMISSIONS)
        create_user(url, *READER)
        yield server
    assert "Traceback" not in server.log()


def usage_arguments(server: Server) -> list[str]:
    return [server.url, *WRITER, *READER]


@pytest.fixture(scope="module")
def python_client(server, tmp_path_factory) -> Path:
    """The folder holding the generated package `heroes_client`."""
    folder = tmp_path_factory.mktemp("python-client")
    run(
        [
            VENV_BIN / "openapi-python-client",
            "generate",
            "--url",
            f"{server.url}/openapi.json",
            "--output-path",
            folder / "heroes_client",
            "--meta",
            "none",
        ],
        cwd=folder,
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",  # its post-hook runs ruff
    )
    return folder


def test_generated_python_client_usage_passes_mypy_strict(python_client):
    # The generated client.py itself has strict-mode errors (its __exit__ signatures), so
    # only the usage is reported; it is still checked against the generated types.
    output = run(
        [
            VENV_BIN / "mypy",
            "--strict",
            "--follow-imports=silent",
            "--cache-dir",
            python_client / ".mypy_cache",
            SDK / "python" / "heroes_usage.py",
        ],
        cwd=python_client,
        MYPYPATH=str(python_client),
    )

    assert "Success: no issues found" in output


def test_generated_python_client_creates_reads_updates_deletes_and_parses_errors(
    server, python_client
):
    # openapi-python-client sends the ordering after limit and offset.
    ordering = "/heroes/?limit=100&offset=0&ordering=-age "
    before = server.log().count(ordering)

    run(
        [sys.executable, SDK / "python" / "heroes_usage.py", *usage_arguments(server)],
        cwd=python_client,
        PYTHONPATH=str(python_client),
    )

    # gunicorn writes the access line after the response, so it may come after the run ends.
    logged(server, lambda log: log.count(ordering) > before, what=f"a new request for {ordering}")


@pytest.fixture(scope="module")
def typescript_project(server, tmp_path_factory) -> Path:
    """The usages, beside both clients generated into generated/."""
    folder = tmp_path_factory.mktemp("typescript")
    for source in (SDK / "typescript").iterdir():
        shutil.copy(source, folder)
    (folder / "node_modules").symlink_to(BASE_DIR / "node_modules", target_is_directory=True)
    schema_url = f"{server.url}/openapi.json"
    run(
        [
            node_tool("openapi-ts"),
            "--input",
            schema_url,
            "--output",
            "generated/heyapi",
            "--client",
            "@hey-api/client-fetch",
        ],
        cwd=folder,
    )
    run([node_tool("openapi-typescript"), schema_url, "-o", "generated/schema.d.ts"], cwd=folder)
    return folder


def test_typescript_usages_pass_tsc_strict(typescript_project):
    config = typescript_project / "tsconfig.json"

    run([node_tool("tsc"), "--project", config, "--strict", "--noEmit"], cwd=typescript_project)


@pytest.fixture(scope="module")
def compiled_typescript(typescript_project) -> Path:
    # Reuses the check above (incremental), and emits nothing if it fails.
    run([node_tool("tsc"), "--project", "tsconfig.json", "--strict"], cwd=typescript_project)
    return typescript_project / "dist"


@pytest.mark.parametrize("usage", ["heyapi_usage.js", "openapi_fetch_usage.js"])
def test_generated_typescript_client_creates_reads_updates_deletes_and_parses_errors(
    server, compiled_typescript, usage
):
    ordering = "?ordering=-age "
    before = server.log().count(ordering)

    run(["node", compiled_typescript / usage, *usage_arguments(server)], cwd=compiled_typescript)

    logged(server, lambda log: log.count(ordering) > before, what=f"a new request for {ordering}")
