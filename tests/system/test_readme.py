import re
import subprocess

from benchmarks.servers import BASE_DIR, create_user, gunicorn, sqlite_url


def _curl_block() -> str:
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## The API with curl", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def test_readme_curl_examples_work_as_written(tmp_path):
    database_url = sqlite_url(tmp_path / "db.sqlite3")
    script = _curl_block()

    with gunicorn(database_url, tmp_path / "gunicorn.log") as server:
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
    assert '"status": "ok"' in out
    assert "secret" not in out.replace("secret_name", "")
    assert "Dive Wilson" not in out
