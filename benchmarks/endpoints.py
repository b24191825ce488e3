"""What each server is asked, endpoint by endpoint."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from benchmarks.dataset import Dataset
from benchmarks.lineup import FASTAPI, FLOOR
from benchmarks.measure import Request

AGE_RANGE = "age__gte=30&age__lte=31"
CREATE_BODY = json.dumps({"name": "Bench Hero", "age": 30, "secret_name": "Bench Secret"})
PATCH_BODY = json.dumps({"name": "Patched Hero", "age": 31})


@dataclass
class Endpoint:
    """One benchmark endpoint: its key, title, and the request each server gets (or None)."""

    key: str
    title: str
    request: Callable[[str, Dataset], Request | None]
    reads: bool = True


def _one_path(server: str, dataset: Dataset) -> str:
    # Each server's own canonical URL: FastAPI answers the slashed form with a redirect.
    return f"/heroes/{dataset.hero_id}" + ("" if server == FASTAPI else "/")


def _get(path: Callable[[Dataset], str]) -> Callable[[str, Dataset], Request]:
    return lambda server, dataset: Request("GET", path(dataset))


def _create(server: str, dataset: Dataset) -> Request | None:
    if server == FLOOR:
        return None
    auth = "" if server == FASTAPI else f"Token {dataset.token}"
    return Request("POST", "/heroes/", CREATE_BODY, authorization=auth)


def _patch(server: str, dataset: Dataset) -> Request | None:
    if server == FLOOR:
        return None
    auth = "" if server == FASTAPI else f"Token {dataset.token}"
    return Request("PATCH", _one_path(server, dataset), PATCH_BODY, authorization=auth)


def deep_offset(dataset: Dataset) -> int:
    return max(dataset.rows - 100, 0)


ENDPOINTS = [
    Endpoint("list", "list, limit=100", _get(lambda d: "/heroes/?limit=100")),
    Endpoint("one", "one hero", lambda s, d: Request("GET", _one_path(s, d))),
    Endpoint("name", "name filter", _get(lambda d: f"/heroes/?name={quote(d.hero_name)}")),
    Endpoint("age", "age range 30-31", _get(lambda d: f"/heroes/?{AGE_RANGE}")),
    Endpoint("deep", "deep page", _get(lambda d: f"/heroes/?limit=100&offset={deep_offset(d)}")),
    Endpoint("create", "create", _create, reads=False),
    Endpoint("patch", "patch", _patch, reads=False),
]
ENDPOINT_KEYS = [endpoint.key for endpoint in ENDPOINTS]

ADMIN_ENDPOINTS = {
    "admin": ("admin changelist", lambda d: "/admin/heroes/hero/"),
    "admin_search": (
        "admin search by name",
        lambda d: f"/admin/heroes/hero/?q={quote(d.hero_name)}",
    ),
}
