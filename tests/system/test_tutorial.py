import re

from benchmarks.servers import BASE_DIR
from tests.system.doc_commands import run_against_served, shell_blocks

TUTORIAL = BASE_DIR / "docs" / "tutorial.md"


def test_tutorial_from_first_user_to_heroes_works_as_written(tmp_path):
    # Every block of the page, in order: the first user and its token, the curl examples,
    # then the examples of the headers, on the heroes the curl examples leave behind.
    blocks = shell_blocks(TUTORIAL)
    assert len(blocks) == 6
    out, url = run_against_served("".join(blocks), tmp_path)

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
    assert f"Location: {url}/heroes/3/" in out
    # A keyset link: the cursor says where the next page starts.
    assert f"Link: <{url}/heroes/?cursor=" in out
    assert '&limit=1>; rel="next", ' in out
    assert out.count('{"id":4,"name":"Spider-Boy","age":16}') == 2
    assert "Idempotent-Replayed: true" in out
    assert "already used with a different request" in out
    assert "secret" not in out.replace("secret_name", "")
    assert "Dive Wilson" not in out
