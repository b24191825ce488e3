import json
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from heroes.api.schema import NO_NUL_PATTERN, TEXT_PATTERN
from heroes.models import AGE_MAX, NAME_MAX_LENGTH

HERO_OPERATIONS = {
    ("/heroes/", "get"): {"200", "400"},
    ("/heroes/", "post"): {"201", "400", "401", "403", "413", "415"},
    ("/heroes/{id}/", "get"): {"200", "404"},
    ("/heroes/{id}/", "put"): {"200", "400", "401", "403", "404", "413", "415"},
    ("/heroes/{id}/", "patch"): {"200", "400", "401", "403", "404", "413", "415"},
    ("/heroes/{id}/", "delete"): {"204", "401", "403", "404"},
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
    assert parameters["ordering"]["schema"]["minItems"] == 1
    assert parameters["ordering"]["schema"]["uniqueItems"] is True
    assert set(parameters["ordering"]["schema"]["items"]["enum"]) == {
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

    assert paths["/heroes/"]["get"]["security"] == [{}]
    assert paths["/heroes/{id}/"]["get"]["security"] == [{}]
    assert paths["/heroes/"]["post"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]
    assert paths["/heroes/{id}/"]["delete"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]
    assert paths["/auth/token/"]["post"]["security"] == [{}]


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
    # ReDoc's bundle fetches its vendor's logo from a CDN; the page's policy stops it.
    html = api_client.get(reverse("redoc")).content.decode()

    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'self\';' in html
    assert "img-src 'self' data:" in html


def test_schema_documents_login_rate_limit(schema):
    responses = schema["paths"]["/auth/token/"]["post"]["responses"]

    assert set(responses) == {"200", "400", "413", "415", "429"}
    assert responses["429"]["headers"]["Retry-After"] == {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds until this client may try again.",
        "required": True,
    }
    assert responses["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


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


def test_schema_describes_form_bodies_apart(schema):
    body = schema["paths"]["/heroes/"]["post"]["requestBody"]["content"]
    components = schema["components"]["schemas"]

    assert body["application/json"]["schema"]["$ref"].endswith("/HeroRequest")
    for media_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        assert body[media_type]["schema"]["$ref"].endswith("/HeroFormRequest")
    # A form has no null: an empty age means none.
    assert components["HeroFormRequest"]["properties"]["age"] == {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": AGE_MAX},
            {"type": "string", "enum": [""], "description": "Empty: no age."},
        ]
    }
    assert components["HeroRequest"]["properties"]["age"]["nullable"] is True
