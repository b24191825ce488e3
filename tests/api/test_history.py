from datetime import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from rest_framework.test import APIClient

from heroes import seeding
from heroes.history.actors import running_command
from heroes.models import Hero
from tests.factories import LIST_URL, SECRET, detail_url


def history_url(pk) -> str:
    return reverse("hero-history", args=[pk])


@pytest.fixture
def historian(db) -> User:
    user = User.objects.create_user("historian", password="correct horse battery")
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_hero", "add_hero", "change_hero", "delete_hero"]
        )
    )
    return user


@pytest.fixture
def historian_client(historian) -> APIClient:
    client = APIClient()
    client.force_authenticate(historian)
    return client


def test_read_hero_history(historian_client, writer_client):
    created = writer_client.post(
        LIST_URL, {"name": "Deadpond", "age": 30, "secret_name": SECRET}, format="json"
    ).json()
    writer_client.patch(detail_url(created["id"]), {"age": 31}, format="json")
    historian_client.delete(detail_url(created["id"]))

    response = historian_client.get(history_url(created["id"]))

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["count"] == 3
    assert body["next"] is None
    assert body["previous"] is None
    assert [
        (entry["change"], entry["name"], entry["age"], entry["changed_by"], entry["command"])
        for entry in body["results"]
    ] == [
        ("deleted", "Deadpond", 31, "historian", None),
        ("updated", "Deadpond", 31, "writer", None),
        ("created", "Deadpond", 30, "writer", None),
    ]
    for entry in body["results"]:
        assert set(entry) == {"name", "age", "change", "changed_at", "changed_by", "command"}
        assert datetime.fromisoformat(entry["changed_at"]).tzinfo is not None


def test_read_hero_history_records_the_session_user(historian, make_hero):
    hero = make_hero(age=30)
    client = APIClient()
    client.force_login(historian)  # a session, as the browsable API's login makes

    client.patch(detail_url(hero.pk), {"age": 31}, format="json")
    response = client.get(history_url(hero.pk), HTTP_ACCEPT="application/json")

    assert response.json()["results"][0]["changed_by"] == "historian"


def test_read_hero_history_names_the_command_behind_a_change(historian_client, db):
    with running_command("shell"):
        hero = Hero.objects.create(name="Deadpond", secret_name=SECRET)

    (entry,) = historian_client.get(history_url(hero.pk)).json()["results"]

    assert (entry["change"], entry["changed_by"], entry["command"]) == ("created", None, "shell")


def test_read_hero_history_leaves_out_secret_name_changes(historian_client, writer_client):
    hero_id = writer_client.post(
        LIST_URL, {"name": "Deadpond", "secret_name": SECRET}, format="json"
    ).json()["id"]
    writer_client.patch(detail_url(hero_id), {"secret_name": "Wade Wilson"}, format="json")
    writer_client.put(detail_url(hero_id), {"name": "Deadpond", "secret_name": "W"}, format="json")

    body = historian_client.get(history_url(hero_id)).json()

    assert body["count"] == 1
    assert [entry["change"] for entry in body["results"]] == ["created"]
    assert Hero.history.filter(id=hero_id).count() == 3


def test_read_hero_history_in_pages(historian_client, make_hero):
    hero = make_hero(age=0)
    for age in range(1, 5):
        hero.age = age
        hero.save()

    response = historian_client.get(history_url(hero.pk), {"limit": 2, "offset": 1})

    body = response.json()
    assert body["count"] == 5
    assert [entry["age"] for entry in body["results"]] == [3, 2]
    assert body["next"].endswith(f"{history_url(hero.pk)}?limit=2&offset=3")
    assert body["previous"].endswith(f"{history_url(hero.pk)}?limit=2")
    assert 'rel="next"' in response["Link"]


def test_read_hero_history_caps_pages_at_100(historian_client, make_hero):
    hero = make_hero(age=0)
    for age in range(1, 105):
        hero.age = age
        hero.save()

    body = historian_client.get(history_url(hero.pk), {"limit": 1000}).json()

    assert body["count"] == 105
    assert len(body["results"]) == 100


@pytest.mark.parametrize(
    ("param", "value"), [("limit", "0"), ("limit", "x"), ("offset", "-1"), ("limit", ["1", "2"])]
)
def test_read_hero_history_with_bad_page_answers_400(historian_client, make_hero, param, value):
    response = historian_client.get(history_url(make_hero().pk), {param: value})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == [param]


def test_read_hero_history_ignores_list_parameters(historian_client, make_hero):
    hero = make_hero()

    response = historian_client.get(history_url(hero.pk), {"name": ["x", "y"], "age": "1"})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 1


def test_read_deleted_hero_history(historian_client, make_hero):
    hero = make_hero(name="Deadpond")
    hero_id = hero.pk
    hero.delete()

    response = historian_client.get(history_url(hero_id))

    assert response.status_code == HTTPStatus.OK
    assert [entry["change"] for entry in response.json()["results"]] == ["deleted", "created"]
    assert historian_client.get(detail_url(hero_id)).status_code == HTTPStatus.NOT_FOUND


def test_read_seeded_hero_history_is_empty(historian_client):
    seeding.insert(seeding.generate(1, 0), 1)

    response = historian_client.get(history_url(Hero.objects.get().pk))

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 0
    assert response.json()["results"] == []


@pytest.mark.parametrize("pk", ["999", "abc", "99999999999999999999999"])
def test_read_hero_history_not_found(historian_client, pk):
    response = historian_client.get(f"/heroes/{pk}/history/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Hero not found"}


def test_read_hero_history_needs_login(api_client, make_hero):
    response = api_client.get(history_url(make_hero().pk))

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"


def test_read_hero_history_needs_view_permission(writer_client, make_hero):
    response = writer_client.get(history_url(make_hero().pk))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "permission" in response.json()["detail"]


def test_write_to_hero_history_is_not_allowed(historian_client, make_hero):
    hero = make_hero()

    response = historian_client.post(history_url(hero.pk), {"name": "x"}, format="json")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Hero.history.count() == 1


def test_idempotent_retry_records_one_entry(historian_client):
    body = {"name": "Deadpond", "secret_name": SECRET}
    headers = {"Idempotency-Key": "one"}

    first = historian_client.post(LIST_URL, body, format="json", headers=headers)
    again = historian_client.post(LIST_URL, body, format="json", headers=headers)

    assert first.json() == again.json()
    assert Hero.history.count() == 1


def test_browsable_api_shows_hero_history(historian, make_hero):
    hero = make_hero(name="Deadpond")
    client = APIClient()
    client.force_login(historian)

    response = client.get(history_url(hero.pk), HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "&quot;created&quot;" in html or '"created"' in html
    assert SECRET not in html
