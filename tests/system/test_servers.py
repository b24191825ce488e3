import json
import urllib.request
from http import HTTPStatus

from benchmarks.servers import create_user, gunicorn, sqlite_url


def test_gunicorn_serves_the_api_with_production_settings(tmp_path):
    database_url = sqlite_url(tmp_path / "db.sqlite3")

    with gunicorn(database_url, tmp_path / "gunicorn.log") as server:
        token = create_user(database_url, "writer", "pw", permissions=("add_hero",))
        request = urllib.request.Request(
            f"{server.url}/heroes/",
            data=json.dumps({"name": "Deadpond", "secret_name": "Dive"}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            created = response.status, json.loads(response.read())
        with urllib.request.urlopen(f"{server.url}/static/admin/css/base.css", timeout=10) as css:
            static_status = css.status

    assert created[0] == HTTPStatus.CREATED
    assert created[1]["name"] == "Deadpond"
    assert static_status == HTTPStatus.OK
    assert '"POST /heroes/ HTTP/1.1" 201' in server.log()
