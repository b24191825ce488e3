from http import HTTPStatus

import pytest


@pytest.mark.parametrize("path", ["/heroes/1.5/", "/heroes/a/b/", "/no-such-page/"])
def test_unknown_url_answers_json_404(api_client, db, path):
    response = api_client.get(path, HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_url_answers_html_404_to_browsers(api_client, db):
    response = api_client.get("/no-such-page/", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/html")
    assert "Not Found" in response.content.decode()
