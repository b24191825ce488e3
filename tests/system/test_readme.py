import os
import re
import subprocess

from benchmarks.servers import BASE_DIR, served, sqlite_url


def _curl_block(heading: str = "## The API with curl") -> str:
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split(heading, 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def test_readme_from_first_user_to_heroes_works_as_written(tmp_path):
    database_url = sqlite_url(tmp_path / "db.sqlite3")
    # The first user and its token, the curl examples, then the examples of the headers, on
    # the heroes the curl examples leave behind.
    script = "".join(
        _curl_block(heading)
        for heading in (
            "## Users and tokens",
            "## The API with curl",
            "### Concurrent edits",
            "### Location and Link",
            "### Safe retries",
            "### Logging out",
        )
    )

    # Served as `make run` serves it: nginx in front of gunicorn.
    with served(database_url, tmp_path / "serve.log") as server:
        # The README's URLs are make run's default; its commands run from the clone, with
        # manage.py finding .secret_key by itself.
        script = script.replace("http://127.0.0.1:8000", server.url)
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
        result = subprocess.run(
            ["bash", "-eu", "-c", script],
            cwd=BASE_DIR,
            env={**env, "DATABASE_URL": database_url},
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r'\{"expiry":"[0-9-]{10}T[0-9:.]+Z","token":"[0-9a-f]{64}"\}', out)
    # Logging out: one token (204, then 401) while the other works, then all of them.
    assert '204\n{"detail":"Invalid token."}401\n200\n204\n{"detail":"Invalid token."}401\n' in out
    assert '{"id":1,"name":"Deadpond","age":null}' in out
    assert '{"id":2,"name":"Rusty-Man","age":48}' in out
    assert '"count":2,' in out
    assert '{"detail":"Hero not found"}' in out
    assert '{"id":1,"name":"Deadpond","age":30}' in out
    assert "204" in out
    history = '{"count":4,"next":null,"previous":null,"results":[{"name":"Deadpond","age":null,'
    assert history + '"change":"deleted",' in out
    assert out.count('"changed_by":"admin","command":null}') == 4
    assert '{"status": "alive"}' in out
    assert '{"status": "ready"}' in out
    assert 'ETag: "1"' in out
    assert "HTTP/1.1 304 Not Modified" in out
    assert 'ETag: "2"' in out
    assert "HTTP/1.1 412 Precondition Failed" in out
    assert f"Location: {server.url}/heroes/3/" in out
    # A keyset link: the cursor says where the next page starts.
    assert f"Link: <{server.url}/heroes/?cursor=" in out
    assert '&limit=1>; rel="next", ' in out
    assert out.count('{"id":4,"name":"Spider-Boy","age":16}') == 2
    assert "Idempotent-Replayed: true" in out
    assert "already used with a different request" in out
    assert "secret" not in out.replace("secret_name", "")
    assert "Dive Wilson" not in out
