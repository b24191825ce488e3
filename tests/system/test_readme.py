import re
import subprocess

from benchmarks.servers import BASE_DIR, create_user, served, sqlite_url


def _curl_block(heading: str = "## The API with curl") -> str:
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split(heading, 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def test_readme_curl_examples_work_as_written(tmp_path):
    database_url = sqlite_url(tmp_path / "db.sqlite3")
    # Then the examples of the headers, on the heroes the first block leaves behind.
    script = "".join(
        _curl_block(heading)
        for heading in (
            "## The API with curl",
            "### Concurrent edits",
            "### Location and Link",
            "### Safe retries",
        )
    )

    # Served as `make run` serves it: nginx in front of gunicorn.
    with served(database_url, tmp_path / "serve.log") as server:
        token = create_user(database_url, "admin", "pw", superuser=True)
        # The README's own API= and TOKEN= lines point at make run's defaults.
        script = re.sub(r"^API=.*$", f"API={server.url}", script, flags=re.MULTILINE)
        script = re.sub(r"^TOKEN=.*$", f"TOKEN={token}", script, flags=re.MULTILINE)
        result = subprocess.run(
            ["bash", "-eu", "-c", script],
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert '{"id":1,"name":"Deadpond","age":null}' in out
    assert '{"id":2,"name":"Rusty-Man","age":48}' in out
    assert '"count":2,' in out
    assert '{"detail":"Hero not found"}' in out
    assert '{"id":1,"name":"Deadpond","age":30}' in out
    assert "204" in out
    assert '{"status": "alive"}' in out
    assert '{"status": "ready"}' in out
    assert 'ETag: "1"' in out
    assert "HTTP/1.1 304 Not Modified" in out
    assert 'ETag: "2"' in out
    assert "HTTP/1.1 412 Precondition Failed" in out
    assert f"Location: {server.url}/heroes/3/" in out
    assert f'Link: <{server.url}/heroes/?limit=1&offset=1>; rel="next", ' in out
    assert out.count('{"id":4,"name":"Spider-Boy","age":16}') == 2
    assert "Idempotent-Replayed: true" in out
    assert "already used with a different request" in out
    assert "secret" not in out.replace("secret_name", "")
    assert "Dive Wilson" not in out
