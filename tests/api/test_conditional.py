from http import HTTPStatus

import pytest
from django.db.models import signals

from heroes.models import Hero
from tests.factories import LIST_URL, SECRET, detail_url

WRITES = [
    ("put", {"name": "Deadpool", "age": 31, "secret_name": SECRET}),
    ("patch", {"name": "Deadpool"}),
    ("delete", None),
]


def _write(client, method: str, hero: Hero, body, **headers):
    return getattr(client, method)(detail_url(hero.pk), body, format="json", headers=headers)


def _stored(hero: Hero):
    return Hero.objects.filter(pk=hero.pk).values_list("name", "age", "version").first()


def test_read_hero_etag_changes_with_every_visible_write(api_client, writer_client, make_hero):
    hero = make_hero(age=30)

    first = api_client.get(detail_url(hero.pk))["ETag"]
    writer_client.patch(detail_url(hero.pk), {"age": 31}, format="json")
    second = api_client.get(detail_url(hero.pk))["ETag"]

    assert (first, second) == ('"1"', '"2"')


@pytest.mark.parametrize(
    "body",
    [{"secret_name": "Someone else"}, {"name": "Deadpond", "age": 30, "secret_name": "Other"}],
)
def test_update_hero_changing_nothing_visible_keeps_both_etags(
    api_client, writer_client, make_hero, body
):
    """Else a cheap If-None-Match would tell anyone that the secret name changed."""
    hero = make_hero(age=30)
    one = api_client.get(detail_url(hero.pk))["ETag"]
    page = api_client.get(LIST_URL)["ETag"]

    written = writer_client.patch(detail_url(hero.pk), body, format="json")

    assert written.status_code == HTTPStatus.OK
    assert written["ETag"] == one
    assert Hero.objects.values_list("secret_name", flat=True).get(pk=hero.pk) != SECRET
    for url, etag in [(detail_url(hero.pk), one), (LIST_URL, page)]:
        again = api_client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_read_hero_if_none_match_answers_not_modified(api_client, make_hero):
    hero = make_hero()

    response = api_client.get(detail_url(hero.pk), headers={"If-None-Match": 'W/"0", "1"'})

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""
    assert response["ETag"] == '"1"'


def test_read_hero_if_none_match_stale_answers_hero(api_client, make_hero):
    hero = make_hero()
    hero.age = 31
    hero.save()

    response = api_client.get(detail_url(hero.pk), headers={"If-None-Match": '"1"'})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["name"] == "Deadpond"
    assert response["ETag"] == '"2"'


def test_read_hero_as_html_has_no_etag(api_client, make_hero):
    hero = make_hero()

    response = api_client.get(detail_url(hero.pk), headers={"Accept": "text/html"})

    assert response.status_code == HTTPStatus.OK
    assert "ETag" not in response


@pytest.mark.parametrize("query", [{}, {"name": "Deadpond"}, {"age__gte": 30, "age__lte": 31}])
def test_list_heroes_weak_etag_changes_when_a_hero_in_it_does(
    api_client, writer_client, make_hero, query
):
    hero = make_hero(age=30)

    first = api_client.get(LIST_URL, query)
    unchanged = api_client.get(LIST_URL, query, headers={"If-None-Match": first["ETag"]})
    writer_client.patch(detail_url(hero.pk), {"age": 31}, format="json")
    changed = api_client.get(LIST_URL, query, headers={"If-None-Match": first["ETag"]})

    assert first["ETag"].startswith('W/"')
    assert unchanged.status_code == HTTPStatus.NOT_MODIFIED
    assert unchanged.content == b""
    assert changed.status_code == HTTPStatus.OK
    assert changed["ETag"] not in (first["ETag"], None)
    assert changed.json()["count"] == 1


def test_list_heroes_etag_differs_between_pages(api_client, make_hero):
    make_hero("Deadpond")
    make_hero("Rusty-Man")

    first = api_client.get(LIST_URL, {"limit": 1})["ETag"]
    second = api_client.get(LIST_URL, {"limit": 1, "offset": 1})["ETag"]

    assert first != second


@pytest.mark.parametrize(("method", "body"), WRITES[:2])
def test_update_hero_if_match_current_writes_and_answers_new_etag(
    writer_client, make_hero, method, body
):
    hero = make_hero(age=30)

    response = _write(writer_client, method, hero, body, **{"If-Match": '"1"'})

    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] == '"2"'
    assert _stored(hero)[0] == "Deadpool"


def test_delete_hero_if_match_current_deletes_it(writer_client, make_hero):
    hero = make_hero()

    response = _write(writer_client, "delete", hero, None, **{"If-Match": '"0", "1"'})

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Hero.objects.exists()


@pytest.mark.parametrize(("method", "body"), WRITES)
@pytest.mark.parametrize("if_match", ['"1"', 'W/"2"', '"3", "4"'])
def test_write_hero_if_match_stale_answers_412_and_changes_nothing(
    writer_client, make_hero, method, body, if_match
):
    hero = make_hero(age=29)
    hero.age = 30
    hero.save()  # version 2: "1" is stale, and a weak tag never matches

    response = _write(writer_client, method, hero, body, **{"If-Match": if_match})

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert "If-Match" in response.json()["detail"]
    assert _stored(hero) == ("Deadpond", 30, 2)


def test_update_hero_if_match_stale_answers_412_before_reading_the_body(writer_client, make_hero):
    hero = make_hero()
    hero.age = 31
    hero.save()

    response = _write(writer_client, "patch", hero, {"age": "old"}, **{"If-Match": '"1"'})

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED


@pytest.mark.parametrize(("method", "body"), WRITES)
def test_write_hero_if_match_star_writes(writer_client, make_hero, method, body):
    hero = make_hero(age=30)

    response = _write(writer_client, method, hero, body, **{"If-Match": "*"})

    assert response.status_code in {HTTPStatus.OK, HTTPStatus.NO_CONTENT}
    assert _stored(hero) != ("Deadpond", 30, 1)


def test_write_hero_if_match_for_missing_hero_answers_404(writer_client):
    response = writer_client.patch(
        detail_url(424242), {"name": "Deadpool"}, format="json", headers={"If-Match": '"1"'}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_update_hero_changed_between_check_and_write_answers_412(writer_client, make_hero):
    hero = make_hero(age=30)

    def another_writer(sender, instance, **kwargs):
        # Lands after the view compared If-Match, before the UPDATE runs.
        Hero.objects.filter(pk=instance.pk).update(age=99, version=2)

    signals.pre_save.connect(another_writer, sender=Hero)
    try:
        response = _write(writer_client, "patch", hero, {"name": "Deadpool"}, **{"If-Match": '"1"'})
    finally:
        signals.pre_save.disconnect(another_writer, sender=Hero)

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    # The other write and this one share a transaction here; the 412 rolled back both.
    assert _stored(hero) == ("Deadpond", 30, 1)


@pytest.mark.parametrize(("method", "body"), WRITES)
def test_write_hero_without_if_match_when_required_answers_428(
    writer_client, make_hero, settings, method, body
):
    settings.HEROES_REQUIRE_IF_MATCH = True
    hero = make_hero(age=30)

    response = _write(writer_client, method, hero, body)

    assert response.status_code == HTTPStatus.PRECONDITION_REQUIRED
    assert "If-Match" in response.json()["detail"]
    assert _stored(hero) == ("Deadpond", 30, 1)


def test_write_hero_with_if_match_when_required_writes(writer_client, make_hero, settings):
    settings.HEROES_REQUIRE_IF_MATCH = True
    hero = make_hero(age=30)

    response = _write(writer_client, "patch", hero, {"name": "Deadpool"}, **{"If-Match": '"1"'})

    assert response.status_code == HTTPStatus.OK
    assert _stored(hero) == ("Deadpool", 30, 2)


def test_create_hero_answers_etag_of_first_version(writer_client):
    response = writer_client.post(
        LIST_URL, {"name": "Deadpond", "secret_name": SECRET}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response["ETag"] == '"1"'


@pytest.mark.parametrize(("method", "body"), WRITES)
@pytest.mark.parametrize("if_none_match", ["*", '"1"', 'W/"1"'])
def test_write_hero_if_none_match_naming_it_answers_412_and_changes_nothing(
    writer_client, make_hero, method, body, if_none_match
):
    hero = make_hero(age=30)

    response = _write(writer_client, method, hero, body, **{"If-None-Match": if_none_match})

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert _stored(hero) == ("Deadpond", 30, 1)


def test_write_hero_if_none_match_naming_another_version_writes(writer_client, make_hero):
    hero = make_hero(age=30)

    response = _write(
        writer_client, "patch", hero, {"name": "Deadpool"}, **{"If-None-Match": '"7"'}
    )

    assert response.status_code == HTTPStatus.OK
    assert _stored(hero) == ("Deadpool", 30, 2)


@pytest.mark.parametrize(("method", "body"), WRITES)
def test_write_hero_with_unquoted_if_match_answers_412_saying_why(
    writer_client, make_hero, method, body
):
    hero = make_hero(age=30)

    response = _write(writer_client, method, hero, body, **{"If-Match": "1"})

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert "If-Match holds no entity tag" in response.json()["detail"]
    assert _stored(hero) == ("Deadpond", 30, 1)


def test_read_hero_with_malformed_if_none_match_answers_hero(api_client, make_hero):
    hero = make_hero()

    response = api_client.get(detail_url(hero.pk), headers={"If-None-Match": "1"})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["name"] == "Deadpond"


def test_read_hero_if_match_stale_answers_412(api_client, make_hero):
    hero = make_hero()

    stale = api_client.get(detail_url(hero.pk), headers={"If-Match": '"9"'})
    current = api_client.get(detail_url(hero.pk), headers={"If-Match": '"1"'})

    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED
    assert current.status_code == HTTPStatus.OK
    assert current.json()["name"] == "Deadpond"


def test_not_modified_answer_names_no_content_length(api_client, make_hero):
    hero = make_hero()

    response = api_client.get(detail_url(hero.pk), headers={"If-None-Match": '"1"'})

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert "Content-Length" not in response
