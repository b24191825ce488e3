"""Property-level authorization (OWASP API3): no response, in any format, reveals a secret name.

One test per path. Each sends every method, in JSON, the browsable API (Accept: text/html,
?format=api) and ?format=json, as anonymous, as a token user without permissions, and as
a writer by token and by session, and checks that no secret name comes back. Searching,
filtering and ordering by secret_name must answer exactly as if it did not exist.
"""

import json
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from heroes.models import Hero
from tests.factories import api_token
from tests.system.figures import record_figures

SECRETS = {"alpha": "Zelda Quartermaine", "beta": "Aaron Mbeki"}
SENT_SECRET = "Yusuf Xenakis"  # sent in writes: stored, or echoed by nothing
OLD_SECRET = "Olga Vantablack"  # alpha's secret name before a change: only in its history
REPRESENTATIONS = {
    "json": ({"HTTP_ACCEPT": "application/json"}, {}),
    "html": ({"HTTP_ACCEPT": "text/html"}, {}),
    "format=api": ({}, {"format": "api"}),
    "format=json": ({}, {"format": "json"}),
}
METHODS = ["get", "head", "options", "post", "put", "patch", "delete"]
READS = ["get", "head", "options"]
BODIES = {
    "valid": {"name": "Gamma", "age": 40, "secret_name": SENT_SECRET},
    "invalid": {"name": "", "age": "old", "secret_name": SENT_SECRET},
    "secret too long": {"name": "Gamma", "secret_name": SENT_SECRET * 20},
}
CHECKED: dict[str, int] = {}


@pytest.fixture
def heroes(db) -> dict[str, Hero]:
    # Sorting by secret name would put beta before alpha, unlike id, name or age.
    alpha = Hero.objects.create(name="Alpha", age=20, secret_name=OLD_SECRET)
    alpha.secret_name = SECRETS["alpha"]
    alpha.save()
    return {
        "alpha": alpha,
        "beta": Hero.objects.create(name="Beta", age=30, secret_name=SECRETS["beta"]),
    }


@pytest.fixture
def clients(reader_client, writer_client, writer) -> dict[str, Client]:
    session = Client()
    session.force_login(writer)
    return {
        "anonymous": Client(),
        "reader (token)": reader_client,
        "writer (token)": writer_client,
        "writer (session)": session,
    }


def _secrets() -> set[str]:
    return {*SECRETS.values(), SENT_SECRET, OLD_SECRET}


def _check(label: str, response) -> None:
    content = response.content.decode(errors="replace")
    for secret in _secrets():
        assert secret not in content, f"{label} reveals {secret!r}"
    if response.get("Content-Type", "").startswith("application/json") and content:
        _assert_no_secret_field(label, json.loads(content))


def _assert_no_secret_field(label: str, body) -> None:
    # A hero in any body: no secret_name key. Error bodies may name the field, never a value.
    if isinstance(body, dict):
        if "id" in body and "name" in body:
            assert "secret_name" not in body, label
        for key, value in body.items():
            if key != "actions":  # OPTIONS describes the inputs a writer may send
                _assert_no_secret_field(label, value)
    elif isinstance(body, list):
        for item in body:
            _assert_no_secret_field(label, item)


def _send(client: Client, method: str, url: str, headers: dict, body, encoding: str):
    if body is None:
        return getattr(client, method)(url, **headers)
    if encoding == "json":
        data, content_type = json.dumps(body), "application/json"
    else:
        data, content_type = urlencode(body), "application/x-www-form-urlencoded"
    return getattr(client, method)(url, data, content_type=content_type, **headers)


def _requests(path: str, clients: dict[str, Client], bodies: dict, methods=METHODS):
    """Reads in every representation; writes, as JSON and as a form, for JSON and HTML."""
    for who, client in clients.items():
        for representation, (headers, query) in REPRESENTATIONS.items():
            url = f"{path}?{urlencode(query)}" if query else path
            for method in methods:
                writes = method in ("post", "put", "patch")
                if writes and (not bodies or representation.startswith("format=")):
                    continue
                for body_name, body in (bodies if writes else {"": None}).items():
                    for encoding in ("json", "form") if writes else ("",):
                        label = f"{who} {method.upper()} {url} {body_name} {encoding}"
                        yield label, _send(client, method, url, headers, body, encoding)


def _check_all(test: str, path: str, clients, bodies=BODIES, methods=METHODS) -> list:
    responses = list(_requests(path, clients, bodies, methods))
    for label, response in responses:
        _check(label, response)
    CHECKED[test] = CHECKED.get(test, 0) + len(responses)
    return responses


@pytest.fixture(scope="module", autouse=True)
def _record_checked():
    yield
    record_figures("secret_name", {"responses checked, by path": CHECKED})


def _list(client: Client, **params) -> tuple[int, object]:
    response = client.get(reverse("hero-list"), params, HTTP_ACCEPT="application/json")
    return response.status_code, response.json()


def test_hero_list_never_reveals_secret_names(heroes, clients):
    responses = _check_all("/heroes/", reverse("hero-list"), clients)

    assert {r.status_code for _, r in responses} >= {
        HTTPStatus.OK,
        HTTPStatus.CREATED,
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
    }


@pytest.mark.parametrize(
    "param",
    [
        "search",
        "name",
        "name__icontains",
        "secret_name",
        "secret_name__icontains",
        "secret_name__startswith",
        "secret_name__exact",
        "secret",
    ],
)
def test_hero_list_query_by_secret_name_reveals_nothing(heroes, clients, param):
    client = clients["writer (token)"]
    known, unknown = SECRETS["beta"], "No Such Secret Anywhere"

    # Asking with a real secret must answer exactly as asking with a made-up one.
    assert _list(client, **{param: known}) == _list(client, **{param: unknown})
    assert _list(client, **{param: known[:3]}) == _list(client, **{param: "Qqq"})
    _check(param, client.get(reverse("hero-list"), {param: known}))
    CHECKED["/heroes/ (search, filter)"] = CHECKED.get("/heroes/ (search, filter)", 0) + 3


@pytest.mark.parametrize(
    "ordering", ["secret_name", "-secret_name", "name,secret_name", "secret_name__x"]
)
def test_hero_list_ordering_by_secret_name_is_refused(heroes, clients, ordering):
    status, body = _list(clients["writer (token)"], ordering=ordering)

    assert status == HTTPStatus.BAD_REQUEST
    assert list(body) == ["ordering"]
    CHECKED["/heroes/ (ordering)"] = CHECKED.get("/heroes/ (ordering)", 0) + 1


def test_hero_detail_never_reveals_secret_names(heroes, clients):
    hero = heroes["alpha"]
    path = reverse("hero-detail", args=[hero.id])
    responses = _check_all("/heroes/{id}/", path, clients, methods=METHODS[:-1])
    # Last, so that every request above found the hero.
    deletes = _check_all("/heroes/{id}/", path, clients, methods=["delete"])
    missing = _check_all("/heroes/{id}/", reverse("hero-detail", args=[999]), clients)

    assert {r.status_code for _, r in responses} >= {
        HTTPStatus.OK,
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
    }
    assert HTTPStatus.NO_CONTENT in {r.status_code for _, r in deletes}
    assert HTTPStatus.NOT_FOUND in {r.status_code for _, r in missing}


@pytest.fixture
def history_clients(clients, db) -> dict[str, Client]:
    historian = User.objects.create_user("historian", password="correct horse battery")
    historian.user_permissions.add(Permission.objects.get(codename="view_hero"))
    session = Client()
    session.force_login(historian)
    token = Client(headers={"Authorization": f"Token {api_token(historian)}"})
    return {**clients, "historian (token)": token, "historian (session)": session}


def test_hero_history_never_reveals_secret_names(heroes, history_clients):
    hero = heroes["alpha"]
    path = reverse("hero-history", args=[hero.id])
    responses = _check_all("/heroes/{id}/history/", path, history_clients)
    hero.delete()
    deleted = _check_all("/heroes/{id}/history/", path, history_clients, methods=READS)
    missing = _check_all(
        "/heroes/{id}/history/", reverse("hero-history", args=[999]), history_clients, methods=READS
    )

    statuses = {r.status_code for _, r in responses + deleted}
    assert statuses >= {
        HTTPStatus.OK,
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.METHOD_NOT_ALLOWED,
    }
    assert HTTPStatus.NOT_FOUND in {r.status_code for _, r in missing}
    # Entries are listed, and none of them the change of the secret name alone.
    answer = history_clients["historian (token)"].get(path, HTTP_ACCEPT="application/json")
    assert [entry["change"] for entry in answer.json()["results"]] == ["deleted", "created"]


@pytest.mark.parametrize(
    "param", ["secret_name", "secret_name__icontains", "search", "ordering", "history_type"]
)
def test_hero_history_query_by_secret_name_reveals_nothing(heroes, history_clients, param):
    client = history_clients["historian (token)"]
    path = reverse("hero-history", args=[heroes["alpha"].id])

    def answer(value: str) -> tuple[int, object]:
        response = client.get(path, {param: value}, HTTP_ACCEPT="application/json")
        _check(param, response)
        return response.status_code, response.json()

    for known, unknown in [
        (OLD_SECRET, "No Such Secret Anywhere"),
        (SECRETS["alpha"][:3], "Qqq"),
        ("secret_name", "name"),
        ("-secret_name", "-name"),
    ]:
        assert answer(known) == answer(unknown)
    CHECKED["/heroes/{id}/history/ (query)"] = CHECKED.get("/heroes/{id}/history/ (query)", 0) + 8


def test_format_suffix_routes_never_reveal_secret_names(heroes, clients):
    hero = heroes["alpha"]
    for path in (
        "/heroes.json",
        "/heroes.api",
        f"/heroes/{hero.id}.json",
        f"/heroes/{hero.id}.api",
    ):
        responses = _check_all("format suffixes", path, clients, methods=READS)
        assert HTTPStatus.OK in {r.status_code for _, r in responses}, path


def test_api_root_never_reveals_secret_names(heroes, clients):
    responses = _check_all("/", "/", clients, methods=READS)

    assert HTTPStatus.OK in {r.status_code for _, r in responses}


def test_options_describes_secret_name_as_an_input_never_a_value(heroes, clients):
    hero = heroes["alpha"]
    detail = clients["writer (token)"].options(
        reverse("hero-detail", args=[hero.id]), HTTP_ACCEPT="application/json"
    )
    anonymous = clients["anonymous"].options(
        reverse("hero-detail", args=[hero.id]), HTTP_ACCEPT="application/json"
    )

    _check("OPTIONS", detail)
    # Like HeroRequest in the schema and the HTML form: which inputs a writer may send.
    assert detail.json()["actions"]["PUT"]["secret_name"] == {
        "type": "string",
        "required": True,
        "read_only": False,
        "label": "Secret name",
        "max_length": 255,
    }
    assert "actions" not in anonymous.json()


def test_openapi_schema_never_describes_secret_name_in_responses(heroes, clients):
    responses = _check_all("/openapi.json", reverse("schema"), clients, bodies={})
    schema = json.loads(responses[0][1].content)
    response_refs = {
        content["schema"]["$ref"].rsplit("/", 1)[-1]
        for item in schema["paths"].values()
        for operation in item.values()
        for response in operation["responses"].values()
        for content in response.get("content", {}).values()
        if "$ref" in content["schema"]
    }

    for name in response_refs - {"HeroValidationError"}:  # names the field, never its value
        assert "secret_name" not in json.dumps(schema["components"]["schemas"][name]), name
    assert "secret_name" in schema["components"]["schemas"]["HeroRequest"]["properties"]


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_docs_pages_never_reveal_secret_names(heroes, clients, name):
    responses = _check_all(reverse(name), reverse(name), clients, bodies={})

    assert HTTPStatus.OK in {r.status_code for _, r in responses}


def test_token_endpoint_never_reveals_secret_names(heroes, clients):
    bodies = {"credentials": {"username": "writer", "password": "correct horse battery"}}
    responses = _check_all("/auth/token/", reverse("api-token"), clients, bodies)

    assert HTTPStatus.OK in {r.status_code for _, r in responses}


def test_browsable_api_login_never_reveals_secret_names(heroes, clients):
    bodies = {"credentials": {"username": "writer", "password": "correct horse battery"}}
    responses = _check_all("/api-auth/login/", reverse("rest_framework:login"), clients, bodies)

    assert HTTPStatus.OK in {r.status_code for _, r in responses}


@pytest.mark.parametrize("name", ["livez", "readyz"])
def test_health_checks_never_reveal_secret_names(heroes, clients, name):
    responses = _check_all(f"/{name}/", reverse(name), clients, bodies={})

    assert HTTPStatus.OK in {r.status_code for _, r in responses}


def test_admin_shows_secret_names_to_staff_only(heroes, clients):
    changelist = reverse("admin:heroes_hero_changelist")
    change = reverse("admin:heroes_hero_change", args=[heroes["alpha"].id])
    for path in (changelist, change, f"{changelist}?q={SECRETS['alpha']}"):
        responses = _check_all("/admin/ (not staff)", path, clients, bodies={})
        assert {r.status_code for _, r in responses} <= {HTTPStatus.FOUND, HTTPStatus.OK}
    staff = Client()
    staff.force_login(User.objects.create_superuser("staff", password="correct horse battery"))

    # By design: staff read and search secret names in the admin.
    assert SECRETS["alpha"] in staff.get(change).content.decode()
