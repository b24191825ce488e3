import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from heroes.admin import AGE_RANGES, UNTIL_FORMAT
from heroes.history.actors import running_command
from heroes.history.restore import restore
from heroes.models import Hero, LoginAttempts
from heroes.portability import search_index
from tests.factories import deleted_after_first_read, detail_url

CHANGELIST = reverse("admin:heroes_hero_changelist")
SUFFIXES = search_index.SQLITE_INDEXES[("heroes_hero", "name")]


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
    statements = [q["sql"] for q in queries]
    deletes = [sql for sql in statements if sql.startswith('DELETE FROM "heroes_hero"')]

    assert response.status_code == HTTPStatus.FOUND
    assert _messages(staff_client.get(response["Location"])) == ["Successfully deleted 2 heroes."]
    assert list(Hero.objects.values_list("pk", flat=True)) == [kept]
    deleted = Hero.history.filter(history_type="-", history_user__username="admin")
    assert sorted(deleted.values_list("id", flat=True)) == selected[1:]
    # One statement, whose rows were locked in id order before they go.
    assert len(deletes) == 1
    if connection.vendor == "postgresql":
        (lock,) = [sql for sql in statements if "FOR UPDATE" in sql]
        assert re.search(r"ORDER BY .* FOR UPDATE\)$", lock), lock
        assert statements.index(lock) < statements.index(deletes[0])


def test_admin_is_closed_to_non_staff(db):
    client = Client()
    client.force_login(User.objects.create_user("visitor", password="correct horse battery"))

    response = client.get(CHANGELIST)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.speed
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
    "term",
    ["Deadpond", "dead", "DEADPOND 2", "pond", "adpond 2", "Dive Wilson", "dive w", "  Dive  "],
)
def test_admin_search_matches_names_containing_and_secret_names_starting(
    staff_client, make_hero, term
):
    make_hero("Deadpond 2", secret_name="Dive Wilson")
    make_hero("Spider-Boy", secret_name="Pedro Parqueador")

    response = staff_client.get(CHANGELIST, {"q": term})

    assert response.status_code == HTTPStatus.OK
    assert [h.name for h in response.context["cl"].result_list] == ["Deadpond 2"]


@pytest.mark.parametrize("term", ["Wilson", "ive Wil", "Deadpond 3", "%", "_eadpond"])
def test_admin_search_finds_nothing_that_only_a_secret_name_contains(staff_client, make_hero, term):
    make_hero("Deadpond 2", secret_name="Dive Wilson")

    response = staff_client.get(CHANGELIST, {"q": term})

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == []


def test_admin_search_reads_indexes_not_the_table(staff_client, make_hero):
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

    # The name's substring index (0016 on SQLite, 0015 on PostgreSQL), the secret name's
    # prefix index (0007).
    name_index = "heroes_hero_name_trigram" if connection.vendor == "postgresql" else SUFFIXES
    assert name_index in plan
    assert "heroes_hero_secret_name_prefix" in plan
    if connection.vendor == "sqlite":
        assert "SCAN heroes_hero" not in plan.replace(f"SCAN {SUFFIXES}", "")


def _hero_counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "heroes_hero" in q["sql"]]


@pytest.fixture
def heroes_of_every_age(make_hero) -> None:
    ages = {"Kid": 17, "Young": 18, "Thirty": 30, "Thirty-One": 31, "Fifty": 50, "Old": 51}
    for name, age in {**ages, "Ancient": 2_147_483_647, "Ageless": None}.items():
        make_hero(name, age=age)


@pytest.mark.speed
@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"age_range": "under-18"}, ["Kid"]),
        ({"age_range": "18-30"}, ["Young", "Thirty"]),
        ({"age_range": "31-50"}, ["Thirty-One", "Fifty"]),
        ({"age_range": "over-50"}, ["Old", "Ancient"]),
        ({"has_age": "yes"}, ["Kid", "Young", "Thirty", "Thirty-One", "Fifty", "Old", "Ancient"]),
        ({"has_age": "no"}, ["Ageless"]),
        ({"age_range": "31-50", "has_age": "yes"}, ["Thirty-One", "Fifty"]),
        ({"age_range": "31-50", "has_age": "no"}, []),
        ({"age_range": "over-50", "o": "-3"}, ["Ancient", "Old"]),
        (
            {"has_age": "yes", "_facets": "True"},
            ["Kid", "Young", "Thirty", "Thirty-One", "Fifty", "Old", "Ancient"],
        ),
    ],
)
def test_admin_filters_heroes_by_age_counted_by_the_tallies(
    staff_client, heroes_of_every_age, query, names
):
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(CHANGELIST, query)

    assert response.status_code == HTTPStatus.OK
    changelist = response.context["cl"]
    assert [hero.name for hero in changelist.result_list] == names
    assert changelist.result_count == len(names)
    assert _hero_counts(queries) == []


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"q": "Thirty", "age_range": "31-50"}, ["Thirty-One"]),
        ({"q": "Age", "has_age": "no"}, ["Ageless"]),
        ({"age_range": "teens"}, None),  # no such range: every hero, as Django filters it
    ],
)
def test_admin_age_filter_beside_anything_else_is_counted_by_count(
    staff_client, heroes_of_every_age, query, names
):
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(CHANGELIST, query)

    changelist = response.context["cl"]
    shown = [hero.name for hero in changelist.result_list]
    assert shown == (
        names if names is not None else list(Hero.objects.values_list("name", flat=True))
    )
    assert changelist.result_count == len(shown)
    assert len(_hero_counts(queries)) == 1


def test_admin_age_filters_offer_ranges_and_has_age_without_counts(
    staff_client, heroes_of_every_age
):
    response = staff_client.get(CHANGELIST, {"_facets": "True"})

    html = response.content.decode()
    filters = html[html.index('id="changelist-filter"') :]
    choices = re.findall(r'<a href="\?[^"]*">([^<]*)</a>', filters)
    assert choices == ["All", "Under 18", "18 to 30", "31 to 50", "Over 50", "All", "Yes", "No"]
    assert "Show counts" not in html
    assert "Hide counts" not in html


@pytest.mark.parametrize(
    "query",
    [{"age_range": value} for value in AGE_RANGES] + [{"has_age": "yes"}, {"has_age": "no"}],
)
def test_admin_age_filters_read_the_age_index(staff_client, make_hero, query):
    make_hero(age=30)
    queryset = staff_client.get(CHANGELIST, query).context["cl"].queryset.order_by().values("pk")

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As in the search test: only an index of the filtered column may answer.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()

    # The list orders' indexes that start with age (heroes.models), or heroes without one.
    assert re.search(r"\bhero_(no_)?age(_desc)?_id\b", plan), plan


def test_admin_is_branded_for_heroes(staff_client):
    response = staff_client.get(reverse("admin:index"))

    html = response.content.decode()
    assert '<div id="site-name"><a href="/admin/">Heroes administration</a></div>' in html
    assert "<title>Heroes site administration | Heroes administration</title>" in html
    assert "Django administration" not in html
    assert "Django site admin" not in html


LOGIN_ATTEMPTS_URL = reverse("admin:heroes_loginattempts_changelist")


@pytest.fixture
def login_attempts(settings) -> dict[str, LoginAttempts]:
    settings.LOGIN_ATTEMPTS = 3
    settings.LOGIN_WINDOW_SECONDS = 60
    now = timezone.now()
    rows = {
        "locked": ("203.0.113.7", 3, now - timedelta(seconds=10)),
        "trying": ("198.51.100.9", 2, now - timedelta(seconds=5)),
        "window closed": ("192.0.2.1", 3, now - timedelta(seconds=61)),
    }
    return {
        key: LoginAttempts.objects.create(client=client, attempts=attempts, window_start=start)
        for key, (client, attempts, start) in rows.items()
    }


def _login_attempt_rows(response) -> dict[str, tuple[str, str]]:
    """Each client's row: whether it is locked out (the icon's alt text), and until when."""
    html = response.content.decode()
    rows = re.findall(
        r'<th class="field-client"><a [^>]*>([^<]*)</a></th>.*?'
        r'<td class="field-locked_out"><img [^>]*alt="(True|False)"></td>'
        r'<td class="field-locked_out_until[^"]*">([^<]*)</td>',
        html,
        re.DOTALL,
    )
    return {client: (locked, until) for client, locked, until in rows}


def _until(row: LoginAttempts) -> re.Pattern:
    """The lockout end the admin shows for a row of three attempts in a 60-second window."""
    end = timezone.localtime(row.window_start + timedelta(seconds=60))
    return re.compile(re.escape(date_format(end, UNTIL_FORMAT)) + r" \(in (\d+) s\)")


def test_admin_login_attempts_show_who_is_locked_out_until_when(staff_client, login_attempts):
    response = staff_client.get(LOGIN_ATTEMPTS_URL)

    rows = _login_attempt_rows(response)
    assert response.status_code == HTTPStatus.OK
    assert set(rows) == {"203.0.113.7", "198.51.100.9", "192.0.2.1"}
    locked, until = rows["203.0.113.7"]
    assert locked == "True"
    assert 49 <= int(_until(login_attempts["locked"]).fullmatch(until).group(1)) <= 50
    assert rows["198.51.100.9"] == ("False", "-")  # under the limit
    assert rows["192.0.2.1"] == ("False", "-")  # its window has closed


@pytest.mark.parametrize(
    ("locked_out", "clients"), [("yes", {"203.0.113.7"}), ("no", {"198.51.100.9", "192.0.2.1"})]
)
def test_admin_login_attempts_filter_by_locked_out_now(
    staff_client, login_attempts, locked_out, clients
):
    response = staff_client.get(LOGIN_ATTEMPTS_URL, {"locked_out": locked_out})

    assert set(_login_attempt_rows(response)) == clients


def test_admin_login_attempt_page_shows_its_lockout(staff_client, login_attempts):
    locked = login_attempts["locked"]

    response = staff_client.get(reverse("admin:heroes_loginattempts_change", args=[locked.pk]))

    html = response.content.decode()
    shown = re.search(r"<label>Until:</label>\s*<div class=\"readonly\">([^<]*)</div>", html)
    assert _until(locked).fullmatch(shown.group(1))
    assert re.search(
        r"<label>Locked out:</label>\s*<div class=\"readonly\"><img [^>]*alt=\"True\">", html
    )


def _history_form(hero_id: int, entry) -> str:
    return reverse("admin:heroes_hero_simple_history", args=[hero_id, entry.history_id])


def _staff(*codenames: str) -> Client:
    user = User.objects.create_user("staff", password="correct horse battery", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def test_admin_history_shows_what_changed_by_whom(staff_client, make_hero):
    hero = make_hero("Deadpond", age=30, secret_name="Dive Wilson")
    form = {"name": "Deadpool", "age": "31", "secret_name": "Wade Wilson", "_save": "1"}
    staff_client.post(reverse("admin:heroes_hero_change", args=[hero.pk]), form)
    with running_command("shell"):
        Hero.objects.filter(pk=hero.pk).get().delete()

    response = staff_client.get(reverse("admin:heroes_hero_history", args=[hero.pk]))

    assert response.status_code == HTTPStatus.OK
    table = response.content.decode().split('<table id="change-history"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)[1:]  # after the header
    cells = [
        [_text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.DOTALL)] for row in rows
    ]
    assert [(row[1], row[3], row[4]) for row in cells] == [
        ("shell", "Deleted", "None"),
        ("-", "Changed", "admin"),
        ("-", "Created", "None"),
    ]
    changes = cells[1][6]
    for change in ("Age: 30 → 31", "Name: Deadpond → Deadpool", "Secret name: Dive Wilson →"):
        assert change in changes
    assert "Version" not in changes


def _text(html: str) -> str:
    return " ".join(
        re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").replace("&rarr;", "→").split()
    )


def test_admin_lists_deleted_heroes_not_restored_ones(staff_client, make_hero):
    gone = make_hero("Deadpond", age=30, secret_name="Dive Wilson")
    back = make_hero("Rusty-Man", secret_name="Tommy Sharp")
    kept = make_hero("Spider-Boy", secret_name="Pedro Parqueador")
    gone_id, back_id = gone.pk, back.pk
    gone.delete()
    back.delete()
    deletion = Hero.history.filter(id=back_id).latest("history_id")
    restore(deletion.instance, deletion)

    response = staff_client.get(reverse("admin:heroes_deletedhero_changelist"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Dive Wilson" in html
    assert "Rusty-Man" not in html
    assert kept.name not in html
    entry = Hero.history.get(id=gone_id, history_type="-")
    assert f'href="{_history_form(gone_id, entry)}"' in html


def test_admin_restores_deleted_hero_at_its_old_url(staff_client, make_hero, api_client):
    hero = make_hero("Deadpond", age=30, secret_name="Dive Wilson")
    hero_id = hero.pk
    hero.delete()
    deletion = Hero.history.get(id=hero_id, history_type="-")
    form = {"name": "Deadpond", "age": "30", "secret_name": "Dive Wilson", "_save": "1"}

    page = staff_client.get(_history_form(hero_id, deletion))
    response = staff_client.post(_history_form(hero_id, deletion), form)

    assert page.status_code == HTTPStatus.OK
    assert response.status_code == HTTPStatus.FOUND
    assert Hero.objects.values_list("id", "name", "age", "secret_name", "version").get() == (
        hero_id,
        "Deadpond",
        30,
        "Dive Wilson",
        2,
    )
    read = api_client.get(detail_url(hero_id))
    assert read.status_code == HTTPStatus.OK
    assert read.json() == {"id": hero_id, "name": "Deadpond", "age": 30}
    restored = Hero.history.latest("history_id")
    assert (restored.history_type, restored.history_user.username) == ("+", "admin")
    assert restored.history_change_reason.startswith("Restored after its deletion")
    assert LogEntry.objects.get().object_id == str(hero_id)


def test_admin_reverts_hero_to_earlier_version(staff_client, make_hero):
    hero = make_hero("Deadpond", age=30, secret_name="Dive Wilson")
    first = Hero.history.get()
    hero.name = "Deadpool"
    hero.save()
    form = {"name": "Deadpond", "age": "30", "secret_name": "Dive Wilson", "_save": "1"}

    response = staff_client.post(_history_form(hero.pk, first), form)

    assert response.status_code == HTTPStatus.FOUND
    assert Hero.objects.values_list("name", "version").get() == ("Deadpond", 3)
    reverted = Hero.history.latest("history_id")
    assert reverted.history_change_reason.startswith("Reverted to the version of")


@pytest.mark.parametrize(
    ("codenames", "deleted"),
    [
        (["view_hero"], False),
        (["view_hero"], True),
        (["view_hero", "change_hero"], True),  # restoring a deleted hero creates it
    ],
)
def test_admin_restore_without_permission_is_refused(make_hero, codenames, deleted):
    hero = make_hero("Deadpond", age=30, secret_name="Dive Wilson")
    hero_id = hero.pk
    hero.name = "Deadpool"
    hero.save()
    if deleted:
        hero.delete()
    entry = Hero.history.filter(id=hero_id).earliest("history_id")
    before = list(Hero.objects.values_list("name", "version"))
    client = _staff(*codenames)
    form = {"name": "Deadpond", "age": "30", "secret_name": "Dive Wilson", "_save": "1"}

    response = client.post(_history_form(hero_id, entry), form)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert list(Hero.objects.values_list("name", "version")) == before
    assert Hero.history.filter(id=hero_id).count() == (3 if deleted else 2)


def test_admin_deleted_heroes_need_view_permission(make_hero):
    make_hero().delete()

    allowed = _staff("view_hero").get(reverse("admin:heroes_deletedhero_changelist"))
    User.objects.all().delete()
    refused = _staff().get(reverse("admin:heroes_deletedhero_changelist"))

    assert allowed.status_code == HTTPStatus.OK
    assert refused.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    "path", ["abc/history/", "abc/history/1/", "1/history/abc/", "1/history/99999999999999999999/"]
)
def test_admin_history_of_no_such_hero_or_version_answers_404(staff_client, make_hero, path):
    make_hero()

    response = staff_client.get(f"{CHANGELIST}{path}")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_admin_history_page_reads_its_users_with_its_entries(
    staff_client, make_hero, django_assert_max_num_queries
):
    hero = make_hero(age=0)
    form = {"name": hero.name, "secret_name": "Dive Wilson", "_save": "1"}
    for age in range(1, 30):
        staff_client.post(reverse("admin:heroes_hero_change", args=[hero.pk]), {**form, "age": age})

    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:heroes_hero_history", args=[hero.pk]))

    assert response.content.decode().count(">admin</a>") == 29
