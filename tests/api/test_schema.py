import json
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.exceptions import ValidationError

from heroes.api.idempotency import parse_key
from heroes.api.schema import NO_NUL_PATTERN, TEXT_PATTERN
from heroes.models import AGE_MAX, NAME_MAX_LENGTH

CHANGE_ANSWERS = {"200", "400", "401", "403", "404", "412", "413", "415", "428", "503"}
HERO_OPERATIONS = {
    ("/heroes/", "get"): {"200", "304", "400", "414", "503"},
    ("/heroes/", "post"): {"201", "400", "401", "403", "409", "413", "415", "422", "503"},
    ("/heroes/{id}/", "get"): {"200", "304", "404", "503"},
    ("/heroes/{id}/", "put"): CHANGE_ANSWERS,
    ("/heroes/{id}/", "patch"): CHANGE_ANSWERS,
    ("/heroes/{id}/", "delete"): {"204", "401", "403", "404", "412", "428", "503"},
    ("/heroes/{id}/history/", "get"): {"200", "400", "401", "403", "404", "503"},
}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_builds_and_validates(schema):
    validate_schema(schema)


@pytest.mark.parametrize("accept", ["application/json", "text/html", "application/xml", "*/*"])
def test_read_schema_as_json_whatever_the_accept_header(api_client, db, accept):
    response = api_client.get(reverse("schema"), HTTP_ACCEPT=accept)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert json.loads(response.content)["info"]["title"] == "Heroes API"


def test_schema_documents_every_hero_operation_and_its_errors(schema):
    found = {
        (path, method): set(operation["responses"])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if path.startswith("/heroes")
    }

    assert found == HERO_OPERATIONS


def test_schema_separates_request_and_response_components(schema):
    components = schema["components"]["schemas"]

    assert set(components["Hero"]["properties"]) == {"id", "name", "age"}
    assert set(components["HeroRequest"]["properties"]) == {"name", "age", "secret_name"}
    assert set(components["HeroRequest"]["required"]) == {"name", "secret_name"}
    assert "required" not in components["PatchedHeroRequest"]
    for field in ("name", "secret_name"):
        assert components["HeroRequest"]["properties"][field]["pattern"] == TEXT_PATTERN
    assert components["HeroRequest"]["properties"]["age"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": AGE_MAX,
        "nullable": True,
    }


def test_schema_response_components_never_mention_secret_name(schema):
    operations = [op for item in schema["paths"].values() for op in item.values()]
    response_refs = {
        content["schema"]["$ref"].rsplit("/", 1)[-1]
        for op in operations
        for response in op["responses"].values()
        for content in response.get("content", {}).values()
        if "$ref" in content["schema"]
    }
    response_refs.add("Hero")

    for name in response_refs:
        if name == "HeroValidationError":
            continue  # names the field whose input was rejected, never its value
        assert "secret_name" not in json.dumps(schema["components"]["schemas"][name]), name


def test_schema_documents_query_parameters_with_bounds(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/heroes/"]["get"]["parameters"]}

    # Larger limits are accepted and capped, so the schema sets no maximum and says so.
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "default": 100}
    assert "capped at 100" in parameters["limit"]["description"]
    assert parameters["offset"]["schema"] == {"type": "integer", "minimum": 0, "default": 0}
    for name in ("age", "age__gte", "age__lte"):
        assert parameters[name]["schema"] == {"type": "integer", "minimum": 0, "maximum": AGE_MAX}
    for name in ("name", "name__icontains", "search"):
        assert parameters[name]["schema"] == {
            "type": "string",
            "maxLength": NAME_MAX_LENGTH,
            "pattern": NO_NUL_PATTERN,
        }
    assert parameters["age__isnull"]["schema"] == {"type": "boolean"}
    assert parameters["cursor"]["schema"] == {"type": "string", "maxLength": 6144}
    assert "unless ordered by id" in parameters["offset"]["description"]
    # One field: no index serves a second (heroes.api.filters.ordering).
    assert parameters["ordering"]["schema"]["type"] == "string"
    assert set(parameters["ordering"]["schema"]["enum"]) == {
        "id",
        "-id",
        "name",
        "-name",
        "age",
        "-age",
    }
    assert not any("secret" in name for name in parameters)


def test_schema_documents_public_reads_and_authenticated_writes(schema):
    paths = schema["paths"]

    # `[]`: no requirement. `[{}]` would make typed clients demand credentials.
    assert paths["/heroes/"]["get"]["security"] == []
    assert paths["/heroes/{id}/"]["get"]["security"] == []
    assert paths["/auth/token/"]["post"]["security"] == []
    assert paths["/heroes/"]["post"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]
    assert paths["/heroes/{id}/"]["delete"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]


def test_schema_documents_error_bodies(schema):
    responses = schema["paths"]["/heroes/{id}/"]["patch"]["responses"]

    assert responses["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/HeroValidationError"
    )


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_docs_pages_use_local_assets(api_client, db, name):
    response = api_client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html
    assert "unpkg" not in html
    assert "fonts.googleapis.com" not in html
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)


def test_redoc_page_forbids_loading_from_other_hosts(api_client, db):
    # ReDoc's bundle asks for its vendor's logo from a CDN (heroes/static/heroes/redoc-init.js).
    policy = api_client.get(reverse("redoc"))["Content-Security-Policy"]

    assert "default-src 'self';" in f"{policy};"
    assert "img-src 'self' data:" in policy


def test_schema_documents_login_rate_limit(schema):
    responses = schema["paths"]["/auth/token/"]["post"]["responses"]

    assert set(responses) == {"200", "400", "413", "415", "429", "503"}
    assert responses["429"]["headers"]["Retry-After"] == {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds until this client may try again.",
        "required": True,
    }
    assert responses["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_schema_documents_503_with_retry_after_on_every_operation(schema):
    operations = [operation for item in schema["paths"].values() for operation in item.values()]

    assert len(operations) == 10
    for operation in operations:
        answer = operation["responses"]["503"]
        assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
        assert answer["headers"]["Retry-After"]["required"] is True
        assert answer["description"].startswith("The database cannot serve now")


def test_schema_documents_that_empty_filters_are_ignored(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/heroes/"]["get"]["parameters"]}

    empty_allowed = {name for name, p in parameters.items() if p.get("allowEmptyValue")}
    assert empty_allowed == {
        "name",
        "name__icontains",
        "age",
        "age__gte",
        "age__lte",
        "age__isnull",
        "search",
    }
    assert parameters["age"]["description"].endswith("Empty: no filter.")


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
@pytest.mark.parametrize("method", ["options", "post", "delete"])
def test_docs_pages_answer_only_get(api_client, db, name, method):
    response = getattr(api_client, method)(reverse(name), HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/heroes/", "post"),
        ("/heroes/{id}/", "put"),
        ("/heroes/{id}/", "patch"),
        ("/auth/token/", "post"),
    ],
)
def test_schema_documents_json_bodies_only_and_says_forms_work_too(schema, path, method):
    # Generated clients pick one content type per operation; listing forms too broke them.
    operation = schema["paths"][path][method]

    assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert "application/x-www-form-urlencoded" in operation["description"]
    assert "multipart/form-data" in operation["description"]


def test_schema_documents_hero_bodies_with_nullable_age(schema):
    components = schema["components"]["schemas"]
    body = schema["paths"]["/heroes/"]["post"]["requestBody"]["content"]["application/json"]

    assert body["schema"]["$ref"].endswith("/HeroRequest")
    assert components["HeroRequest"]["properties"]["age"]["nullable"] is True
    assert components["PatchedHeroRequest"]["properties"]["age"]["nullable"] is True
    assert not any("Form" in name for name in components)


def test_schema_marks_fields_every_answer_has_as_required(schema):
    components = schema["components"]["schemas"]

    assert components["Hero"]["required"] == ["id", "name", "age"]
    assert components["Hero"]["properties"]["age"]["nullable"] is True
    page = components["PaginatedHeroList"]
    assert set(page["required"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["next"]["nullable"] is True
    assert page["properties"]["previous"]["nullable"] is True


def test_schema_page_examples_are_this_api_s_urls(schema):
    page = schema["components"]["schemas"]["PaginatedHeroList"]["properties"]

    assert "cursor=" in page["next"]["example"]
    assert page["previous"]["example"].startswith("http://127.0.0.1:8000/heroes/?")
    assert "example.org" not in json.dumps(schema)


def test_schema_operations_have_a_summary_and_a_description_of_their_own(schema):
    operations = [op for item in schema["paths"].values() for op in item.values()]
    descriptions = [op["description"] for op in operations]

    assert all(op["summary"] for op in operations)
    assert all(descriptions)
    assert len(set(descriptions)) == len(descriptions)


def test_schema_declares_servers_and_described_tags(schema):
    tags = {tag["name"]: tag["description"] for tag in schema["tags"]}
    used = {tag for item in schema["paths"].values() for op in item.values() for tag in op["tags"]}

    assert schema["servers"] == [{"url": "/", "description": schema["servers"][0]["description"]}]
    assert used == set(tags) == {"heroes", "auth"}
    assert all(tags.values())


def test_schema_search_parameter_says_it_searches_the_hero_name(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/heroes/"]["get"]["parameters"]}

    assert parameters["search"]["description"].startswith("Searches the hero name:")
    assert "every word" in parameters["search"]["description"]


def test_schema_names_ordering_terms_for_generated_enums(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/heroes/"]["get"]["parameters"]}
    items = parameters["ordering"]["schema"]

    assert dict(zip(items["enum"], items["x-enum-varnames"], strict=True)) == {
        "id": "id",
        "-id": "id_desc",
        "name": "name",
        "-name": "name_desc",
        "age": "age",
        "-age": "age_desc",
    }
    assert "id order" in parameters["ordering"]["description"]


def _headers(operation: dict, location: str = "header") -> dict:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == location}


def _properties(schema: dict, response: dict) -> dict:
    name = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][name]["properties"]


@pytest.mark.parametrize(("path", "weak"), [("/heroes/", True), ("/heroes/{id}/", False)])
def test_schema_documents_conditional_reads(schema, path, weak):
    operation = schema["paths"][path]["get"]
    responses = operation["responses"]
    etag = {"type": "string", "pattern": '^W/"[^"]*"$' if weak else '^"[^"]*"$'}

    assert _headers(operation)["If-None-Match"].get("required", False) is False
    for code in ("200", "304"):
        assert responses[code]["headers"]["ETag"]["schema"] == etag
    assert "content" not in responses["304"]
    assert responses["304"]["description"].startswith("Not Modified")


def test_schema_documents_link_header_on_lists(schema):
    headers = schema["paths"]["/heroes/"]["get"]["responses"]["200"]["headers"]

    assert 'rel="next"' in headers["Link"]["description"]
    assert 'rel="prev"' in headers["Link"]["description"]
    assert 'rel="first"' in headers["Link"]["description"]
    # Left out past 2,048 bytes (heroes.api.pagination), so clients must not count on it.
    assert headers["Link"].get("required", False) is False


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_schema_documents_if_match_on_writes(schema, method):
    operation = schema["paths"]["/heroes/{id}/"][method]
    responses = operation["responses"]

    assert _headers(operation)["If-Match"].get("required", False) is False
    assert responses["412"]["description"] == (
        "The hero changed since the ETag in If-Match; read it again."
    )
    assert responses["428"]["description"].startswith("This server requires If-Match on writes")
    assert "DJANGO_REQUIRE_IF_MATCH=1" in responses["428"]["description"]
    for code in ("412", "428"):
        assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    if method != "delete":
        assert "ETag" in responses["200"]["headers"]


def test_schema_documents_idempotent_creates(schema):
    operation = schema["paths"]["/heroes/"]["post"]
    responses = operation["responses"]
    key = _headers(operation)["Idempotency-Key"]

    assert key.get("required", False) is False
    assert "1 to 255 printable ASCII characters" in key["description"]
    assert set(responses["201"]["headers"]) == {"Location", "ETag"}
    assert all(header["required"] for header in responses["201"]["headers"].values())
    assert set(_properties(schema, responses["400"])) >= {"Idempotency-Key", "name"}
    assert responses["409"]["description"] == (
        "A request with this Idempotency-Key is still being processed."
    )
    assert responses["422"]["description"] == "This Idempotency-Key was used with a different body."
    for code in ("409", "422"):
        assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_schema_documents_every_error_body_of_the_token_endpoint(schema):
    responses = schema["paths"]["/auth/token/"]["post"]["responses"]
    components = schema["components"]["schemas"]

    # A 400 is per field, or {"detail": ...} for unparsable JSON; 413, 415, 429 are {"detail"}.
    assert set(components["TokenError"]["properties"]) == {
        "username",
        "password",
        "non_field_errors",
        "detail",
    }
    for code in ("413", "415", "429"):
        assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


@pytest.mark.parametrize(
    "value",
    [
        "8e03978e-40d5-43e8-bc93-6894a57f9324",
        '"8e03978e"',
        '"say \\"hi\\""',
        "a b",
        "x" * 255,
        '"' + "x" * 255 + '"',
        "",
        " ",
        '""',
        '"open',
        "x" * 256,
        '"' + "x" * 256 + '"',
        "caf\u00e9",
        "a\tb",
    ],
)
def test_schema_idempotency_key_pattern_is_what_the_server_accepts(schema, value):
    operation = schema["paths"]["/heroes/"]["post"]
    pattern = _headers(operation)["Idempotency-Key"]["schema"]["pattern"]
    try:
        parse_key(value)
    except ValidationError:
        accepted = False
    else:
        accepted = True

    assert bool(re.fullmatch(pattern, value)) is accepted


def test_schema_documents_hero_history_without_secret_names(schema):
    operation = schema["paths"]["/heroes/{id}/history/"]["get"]
    page = schema["components"]["schemas"]["PaginatedHeroVersionList"]
    version = schema["components"]["schemas"]["HeroVersion"]

    assert operation["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"id", "limit", "offset"}
    assert page["required"] == ["count", "next", "previous", "results"]
    assert set(version["properties"]) == {
        "name",
        "age",
        "change",
        "changed_at",
        "changed_by",
        "command",
    }
    assert set(version["required"]) == set(version["properties"])
    assert schema["components"]["schemas"]["ChangeEnum"]["enum"] == [
        "created",
        "updated",
        "deleted",
    ]
