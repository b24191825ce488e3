import json
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.urls import reverse

from heroes.models import AGE_MAX, NAME_MAX_LENGTH, SECRET_NAME_MAX_LENGTH, Hero
from tests.factories import (
    LIST_URL,
    OTHER_SPELLINGS,
    SECRET,
    deleted_after_first_read,
    spelled_otherwise,
)


def detail_url(pk) -> str:
    return reverse("hero-detail", args=[pk])


def test_create_hero(writer_client):
    response = writer_client.post(
        LIST_URL, {"name": "Deadpond", "age": 30, "secret_name": SECRET}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    hero = Hero.objects.get()
    assert response.json() == {"id": hero.id, "name": "Deadpond", "age": 30}
    assert (hero.name, hero.age, hero.secret_name) == ("Deadpond", 30, SECRET)


def test_create_hero_without_age_stores_null(writer_client):
    response = writer_client.post(
        LIST_URL, {"name": "Deadpond", "secret_name": SECRET}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["age"] is None
    assert Hero.objects.get().age is None


def test_create_hero_ignores_client_id(writer_client, make_hero):
    existing = make_hero()

    response = writer_client.post(
        LIST_URL, {"id": existing.id, "name": "Rusty-Man", "secret_name": "Tommy"}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["id"] != existing.id
    assert Hero.objects.get(pk=existing.pk).name == "Deadpond"
    assert Hero.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"secret_name": SECRET}, "name"),
        ({"name": "", "secret_name": SECRET}, "name"),
        ({"name": "   ", "secret_name": SECRET}, "name"),
        ({"name": None, "secret_name": SECRET}, "name"),
        ({"name": "Deadpond"}, "secret_name"),
        ({"name": "Deadpond", "secret_name": ""}, "secret_name"),
        ({"name": "Deadpond", "secret_name": SECRET, "age": "old"}, "age"),
        ({"name": "Deadpond", "secret_name": SECRET, "age": 1.5}, "age"),
        ({"name": "Deadpond", "secret_name": SECRET, "age": -1}, "age"),
        ({"name": "Deadpond", "secret_name": SECRET, "age": AGE_MAX + 1}, "age"),
        ({"name": "Deadpond", "secret_name": SECRET, "age": 10**30}, "age"),
        ({"name": "x" * (NAME_MAX_LENGTH + 1), "secret_name": SECRET}, "name"),
        ({"name": "Deadpond", "secret_name": "x" * (SECRET_NAME_MAX_LENGTH + 1)}, "secret_name"),
        ({"name": "Dead\x00pond", "secret_name": SECRET}, "name"),
        # JSON types are checked: DRF alone would store 42 as "42" and true as 1.
        ({"name": 42, "secret_name": SECRET}, "name"),
        ({"name": "Deadpond", "secret_name": 42}, "secret_name"),
        ({"name": ["Deadpond"], "secret_name": SECRET}, "name"),
        ({"name": "Deadpond", "secret_name": SECRET, "age": "30"}, "age"),
        ({"name": "Deadpond", "secret_name": SECRET, "age": 30.0}, "age"),
        ({"name": "Deadpond", "secret_name": SECRET, "age": True}, "age"),
        # The length limit applies to what was sent, before surrounding spaces are trimmed.
        ({"name": "x" * NAME_MAX_LENGTH + " ", "secret_name": SECRET}, "name"),
    ],
)
def test_create_hero_with_invalid_field_is_rejected(writer_client, body, field):
    response = writer_client.post(LIST_URL, body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == [field]
    assert Hero.objects.count() == 0


def test_create_hero_with_boundary_values(writer_client):
    body = {"name": "x" * NAME_MAX_LENGTH, "age": AGE_MAX, "secret_name": "y" * 255}

    response = writer_client.post(LIST_URL, body, format="json")

    assert response.status_code == HTTPStatus.CREATED
    hero = Hero.objects.get()
    assert (hero.name, hero.age, hero.secret_name) == (body["name"], AGE_MAX, body["secret_name"])


def test_create_hero_with_malformed_json_is_rejected(writer_client):
    response = writer_client.post(LIST_URL, '{"name": ', content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "JSON parse error" in response.json()["detail"]
    assert Hero.objects.count() == 0


@pytest.mark.parametrize("body", [[], ["Deadpond"], "Deadpond", 42, None])
def test_create_hero_with_non_object_json_is_rejected(writer_client, body):
    response = writer_client.post(LIST_URL, json.dumps(body), content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "non_field_errors" in response.json()
    assert Hero.objects.count() == 0


def test_create_hero_with_unsupported_content_type_is_rejected(writer_client):
    response = writer_client.post(LIST_URL, "name=Deadpond", content_type="text/plain")

    assert response.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert "text/plain" in response.json()["detail"]
    assert Hero.objects.count() == 0


def test_read_hero(api_client, make_hero):
    hero = make_hero(age=48)

    response = api_client.get(detail_url(hero.id))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": hero.id, "name": "Deadpond", "age": 48}


@pytest.mark.parametrize("pk", ["999", "abc", "-1", "1e3", "9" * 30])
def test_read_hero_not_found(api_client, make_hero, pk):
    make_hero()

    response = api_client.get(f"{LIST_URL}{pk}/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Hero not found"}


def test_read_heroes(api_client, make_hero):
    first, second = make_hero("Deadpond"), make_hero("Spider-Boy", age=16)

    response = api_client.get(LIST_URL)

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {"id": first.id, "name": "Deadpond", "age": None},
            {"id": second.id, "name": "Spider-Boy", "age": 16},
        ],
    }


def test_update_hero(writer_client, make_hero):
    hero = make_hero(age=30)

    response = writer_client.put(
        detail_url(hero.id), {"name": "Deadpool", "secret_name": "Wade"}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": hero.id, "name": "Deadpool", "age": None}
    hero.refresh_from_db()
    assert (hero.name, hero.age, hero.secret_name) == ("Deadpool", None, "Wade")


@pytest.mark.parametrize("missing", ["name", "secret_name"])
def test_update_hero_without_required_field_is_rejected(writer_client, make_hero, missing):
    hero = make_hero()
    body = {"name": "Deadpool", "secret_name": "Wade"}
    del body[missing]

    response = writer_client.put(detail_url(hero.id), body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == [missing]
    hero.refresh_from_db()
    assert (hero.name, hero.secret_name) == ("Deadpond", SECRET)


def test_update_hero_not_found(writer_client):
    response = writer_client.put(
        detail_url(999), {"name": "Deadpool", "secret_name": "Wade"}, format="json"
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Hero not found"}
    assert Hero.objects.count() == 0


def test_patch_hero_changes_only_sent_fields(writer_client, make_hero):
    hero = make_hero(age=30)

    response = writer_client.patch(detail_url(hero.id), {"age": 31}, format="json")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": hero.id, "name": "Deadpond", "age": 31}
    hero.refresh_from_db()
    assert (hero.name, hero.age, hero.secret_name) == ("Deadpond", 31, SECRET)


def test_patch_hero_secret_name_is_stored_not_returned(writer_client, make_hero):
    hero = make_hero()

    response = writer_client.patch(detail_url(hero.id), {"secret_name": "Wade"}, format="json")

    assert response.status_code == HTTPStatus.OK
    assert "secret_name" not in response.json()
    hero.refresh_from_db()
    assert hero.secret_name == "Wade"


def test_patch_hero_with_null_age_clears_it(writer_client, make_hero):
    hero = make_hero(age=30)

    response = writer_client.patch(detail_url(hero.id), {"age": None}, format="json")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["age"] is None
    hero.refresh_from_db()
    assert hero.age is None


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": ""}, "name"), ({"age": -5}, "age"), ({"secret_name": "x" * 256}, "secret_name")],
)
def test_patch_hero_with_invalid_field_is_rejected(writer_client, make_hero, body, field):
    hero = make_hero(age=30)

    response = writer_client.patch(detail_url(hero.id), body, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == [field]
    hero.refresh_from_db()
    assert (hero.name, hero.age, hero.secret_name) == ("Deadpond", 30, SECRET)


def test_patch_hero_not_found(writer_client):
    response = writer_client.patch(detail_url("abc"), {"age": 1}, format="json")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Hero not found"}


@pytest.mark.parametrize("kind", OTHER_SPELLINGS)
@pytest.mark.parametrize(
    ("method", "body", "accept"),
    [
        ("get", None, "application/json"),
        ("get", None, "text/html"),
        ("put", {"name": "Deadpool", "secret_name": "Wade"}, "application/json"),
        ("patch", {"name": "Deadpool"}, "application/json"),
        ("delete", None, "application/json"),
    ],
)
def test_hero_with_other_spelling_of_id_not_found(
    writer_client, make_hero, kind, method, body, accept
):
    hero = make_hero("Deadpond")
    url = f"{LIST_URL}{quote(spelled_otherwise(hero.id, kind))}/"

    response = getattr(writer_client, method)(url, body, format="json", HTTP_ACCEPT=accept)

    assert response.status_code == HTTPStatus.NOT_FOUND
    if accept == "application/json":
        assert response.json() == {"detail": "Hero not found"}
    assert Hero.objects.get().name == "Deadpond"


def test_read_hero_with_other_spelling_of_id_anonymously_not_found(api_client, make_hero):
    hero = make_hero()

    response = api_client.get(f"{LIST_URL}{quote(spelled_otherwise(hero.id, 'newline'))}/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Hero not found"}


def test_delete_hero(writer_client, make_hero):
    hero = make_hero()

    response = writer_client.delete(detail_url(hero.id))

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""
    assert not Hero.objects.filter(pk=hero.pk).exists()


def test_delete_hero_not_found(writer_client, make_hero):
    hero = make_hero()

    response = writer_client.delete(detail_url(hero.id + 1))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Hero not found"}
    assert Hero.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/heroes", None, HTTPStatus.OK),
        ("post", "/heroes", {"name": "A", "secret_name": "B"}, HTTPStatus.CREATED),
        ("get", "/heroes/{id}", None, HTTPStatus.OK),
        ("put", "/heroes/{id}", {"name": "A", "secret_name": "B"}, HTTPStatus.OK),
        ("patch", "/heroes/{id}", {"age": 3}, HTTPStatus.OK),
        ("delete", "/heroes/{id}", None, HTTPStatus.NO_CONTENT),
        ("get", "/heroes/{id}/", None, HTTPStatus.OK),
        ("delete", "/heroes/{id}/", None, HTTPStatus.NO_CONTENT),
    ],
)
def test_every_method_works_with_and_without_trailing_slash(
    writer_client, make_hero, method, path, body, status
):
    hero = make_hero()

    response = getattr(writer_client, method)(path.format(id=hero.id), body, format="json")

    assert response.status_code == status
    if method == "post":
        assert Hero.objects.filter(pk=response.json()["id"], secret_name="B").exists()
    if method == "delete":
        assert not Hero.objects.filter(pk=hero.pk).exists()


def test_missing_hero_without_trailing_slash_not_found(api_client, db):
    response = api_client.get("/heroes/42")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Hero not found"}


@pytest.mark.parametrize(("age", "stored"), [("30", 30), ("", None)], ids=["digits", "empty"])
def test_create_hero_with_form_body(writer_client, age, stored):
    # Forms carry only text: digits are an age, an empty value is none.
    response = writer_client.post(LIST_URL, {"name": "Deadpond", "secret_name": SECRET, "age": age})

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["age"] == stored
    assert Hero.objects.get().age == stored


def test_create_hero_trims_surrounding_spaces(writer_client):
    response = writer_client.post(
        LIST_URL, {"name": "  Deadpond  ", "secret_name": " Dive "}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["name"] == "Deadpond"
    assert Hero.objects.get().secret_name == "Dive"


@pytest.mark.parametrize(
    "age", ["null", "thirty", "3.5", "-1", " 30", "30.0", "3_0", "\u0663\u0660"]
)
def test_create_hero_with_form_body_and_invalid_age_is_rejected(writer_client, age):
    response = writer_client.post(LIST_URL, {"name": "Deadpond", "secret_name": SECRET, "age": age})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["age"]
    assert not Hero.objects.exists()


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("put", {"name": "Deadpool", "secret_name": "Wade Wilson"}),
        ("patch", {"name": "Deadpool"}),
        ("delete", None),
    ],
)
@pytest.mark.parametrize("if_match", [None, '"1"', "*"])
def test_write_hero_deleted_meanwhile_answers_404_and_stays_deleted(
    writer_client, make_hero, method, body, if_match
):
    hero = make_hero(age=30)
    headers = {"If-Match": if_match} if if_match else {}

    # Another client's DELETE lands between this request's read of the hero and its write.
    with deleted_after_first_read(hero):
        response = getattr(writer_client, method)(
            detail_url(hero.pk), body, format="json", headers=headers
        )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Hero not found"}
    assert not Hero.objects.exists()


def test_delete_hero_twice_answers_404_the_second_time(writer_client, make_hero):
    hero = make_hero()

    first = writer_client.delete(detail_url(hero.pk))
    second = writer_client.delete(detail_url(hero.pk))

    assert first.status_code == HTTPStatus.NO_CONTENT
    assert second.status_code == HTTPStatus.NOT_FOUND
    assert second.json() == {"detail": "Hero not found"}
    assert not Hero.objects.exists()


def test_create_hero_answers_location_of_new_hero(writer_client):
    response = writer_client.post(
        LIST_URL, {"name": "Deadpond", "secret_name": SECRET}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    hero = Hero.objects.get()
    assert response["Location"] == f"http://testserver{detail_url(hero.pk)}"
    assert writer_client.get(response["Location"]).json()["name"] == "Deadpond"
