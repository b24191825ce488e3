import re
from http import HTTPStatus

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heroes.models import Hero
from tests.factories import deleted_after_first_read

CHANGELIST = reverse("admin:heroes_hero_changelist")


@pytest.fixture
def staff_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", password="correct horse battery"))
    return client


def test_admin_lists_heroes_with_secret_names(staff_client, make_hero):
    make_hero("Deadpond", age=30, secret_name="Dive Wilson")

    response = staff_client.get(CHANGELIST)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for text in ("Deadpond", "30", "Dive Wilson", "column-secret_name", "column-age"):
        assert text in html


def test_admin_index_names_model_heroes(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'<a href="{CHANGELIST}">Heroes</a>' in html
    assert "Heros" not in html


def test_admin_sorts_by_age(staff_client, make_hero):
    make_hero("Old", age=90)
    make_hero("Young", age=9)
    age_column = staff_client.get(CHANGELIST).context["cl"].list_display.index("age")

    response = staff_client.get(CHANGELIST, {"o": str(age_column)})

    assert response.status_code == HTTPStatus.OK
    assert [h.name for h in response.context["cl"].result_list] == ["Young", "Old"]


def test_admin_changelist_skips_the_full_table_count(staff_client, make_hero):
    make_hero()

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(CHANGELIST, {"q": "Dead"})

    assert response.status_code == HTTPStatus.OK
    counts = [
        q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "heroes_hero" in q["sql"]
    ]
    assert all("LIKE" in sql for sql in counts)


def test_admin_edits_and_deletes_a_hero(staff_client, make_hero):
    hero = make_hero(age=30)
    change_url = reverse("admin:heroes_hero_change", args=[hero.id])

    changed = staff_client.post(
        change_url, {"name": "Deadpool", "age": "31", "secret_name": "Wade Wilson"}
    )
    hero.refresh_from_db()
    deleted = staff_client.post(
        reverse("admin:heroes_hero_delete", args=[hero.id]), {"post": "yes"}
    )

    assert changed.status_code == HTTPStatus.FOUND
    assert (hero.name, hero.age, hero.secret_name) == ("Deadpool", 31, "Wade Wilson")
    assert deleted.status_code == HTTPStatus.FOUND
    assert not Hero.objects.exists()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("button", ["_save", "_continue"])
def test_admin_save_of_hero_deleted_meanwhile_says_so_and_saves_nothing(
    staff_client, make_hero, button
):
    hero = make_hero(age=30)
    form = {"name": "Deadpool", "age": "31", "secret_name": "Wade Wilson", button: "1"}

    # An API client's DELETE lands between the form's read of the hero and its save.
    with deleted_after_first_read(hero):
        response = staff_client.post(reverse("admin:heroes_hero_change", args=[hero.pk]), form)
    shown = staff_client.get(response["Location"])

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == CHANGELIST
    assert _messages(shown) == [
        f"The hero with ID “{hero.pk}” was deleted while you edited it; "
        "your changes were not saved."
    ]
    # Here the test's one connection ran the DELETE inside the view's transaction, which
    # rolled back: the hero is back as it was, never as the form would have made it.
    assert not Hero.objects.filter(name="Deadpool").exists()
    assert not LogEntry.objects.exists()


def test_admin_save_of_hero_deleted_before_the_form_was_sent_says_so(staff_client, make_hero):
    hero = make_hero(age=30)
    hero.delete()

    response = staff_client.post(
        reverse("admin:heroes_hero_change", args=[hero.id]),
        {"name": "Deadpool", "age": "31", "secret_name": "Wade Wilson"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert (
        "doesn\u2019t exist. Perhaps it was deleted?"
        in _messages(staff_client.get(response["Location"]))[0]
    )
    assert not Hero.objects.exists()


def test_admin_delete_action_deletes_selected_heroes_some_deleted_meanwhile(
    staff_client, make_hero
):
    kept, *selected = (make_hero(f"Hero {number}", age=number).pk for number in range(4))
    Hero.objects.filter(pk=selected[0]).delete()  # by an API client, after the page was shown

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.post(
            CHANGELIST,
            {
                "action": "delete_selected",
                "_selected_action": selected,
                "post": "yes",
            },
        )
    deletes = [q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "heroes_hero"')]

    assert response.status_code == HTTPStatus.FOUND
    assert _messages(staff_client.get(response["Location"])) == ["Successfully deleted 2 heroes."]
    assert list(Hero.objects.values_list("pk", flat=True)) == [kept]
    # One statement, whose rows are locked in id order before they go.
    assert len(deletes) == 1
    if connection.vendor == "postgresql":
        assert re.search(r"ORDER BY .* FOR UPDATE\)$", deletes[0]), deletes[0]


def test_admin_is_closed_to_non_staff(db):
    client = Client()
    client.force_login(User.objects.create_user("visitor", password="correct horse battery"))

    response = client.get(CHANGELIST)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_changelist_total_comes_from_the_tally(staff_client, make_hero):
    for index in range(3):
        make_hero(f"Hero {index}")

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(CHANGELIST)

    assert response.status_code == HTTPStatus.OK
    assert response.context["cl"].result_count == 3
    assert not [
        q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "heroes_hero" in q["sql"]
    ]


@pytest.mark.parametrize(
    "term", ["Deadpond", "dead", "DEADPOND 2", "Dive Wilson", "dive w", "  Dive  "]
)
def test_admin_search_matches_the_start_of_names_and_secret_names(staff_client, make_hero, term):
    make_hero("Deadpond 2", secret_name="Dive Wilson")
    make_hero("Spider-Boy", secret_name="Pedro Parqueador")

    response = staff_client.get(CHANGELIST, {"q": term})

    assert response.status_code == HTTPStatus.OK
    assert [h.name for h in response.context["cl"].result_list] == ["Deadpond 2"]


@pytest.mark.parametrize("term", ["pond", "Wilson", "Deadpond 3", "%", "_eadpond"])
def test_admin_search_finds_nothing_that_only_contains_the_text(staff_client, make_hero, term):
    make_hero("Deadpond 2", secret_name="Dive Wilson")

    response = staff_client.get(CHANGELIST, {"q": term})

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == []


def test_admin_search_reads_an_index_not_the_table(staff_client, make_hero):
    make_hero("Deadpond", secret_name="Dive Wilson")
    response = staff_client.get(CHANGELIST, {"q": "Dead"})
    queryset = response.context["cl"].queryset

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tiny table is cheaper to scan, in full or in id order through the primary
            # key; forbid both, so only the search indexes can answer.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()

    assert "heroes_hero_name_prefix" in plan
    assert "heroes_hero_secret_name_prefix" in plan
