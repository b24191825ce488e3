"""The generated Python client (openapi-python-client) against a running Heroes API.

    python heroes_usage.py BASE_URL WRITER PASSWORD READER PASSWORD

`heroes_client`, generated from the server's /openapi.json, must be importable. WRITER
may add, change and delete heroes; READER may not. Exits non-zero on the first surprise,
and deletes the heroes it made.
"""

import sys
import uuid
from datetime import datetime
from http import HTTPStatus
from typing import Any, TypeVar

from heroes_client import AuthenticatedClient, Client
from heroes_client.api.auth import auth_logout_create, auth_logoutall_create, auth_token_create
from heroes_client.api.heroes import (
    heroes_create,
    heroes_destroy,
    heroes_list,
    heroes_partial_update,
    heroes_retrieve,
    heroes_update,
)
from heroes_client.models import (
    AuthTokenRequest,
    Error,
    Hero,
    HeroesListOrdering,
    HeroQueryError,
    HeroRequest,
    HeroValidationError,
    PaginatedHeroList,
    PatchedHeroRequest,
    Token,
    TokenError,
)
from heroes_client.types import UNSET, Response

T = TypeVar("T")


def expect(response: Response[Any], status: HTTPStatus, model: type[T]) -> T:
    """The parsed body, once it is the documented model for the expected status."""
    if response.status_code != status or not isinstance(response.parsed, model):
        raise SystemExit(
            f"expected {status} {model.__name__}, got {response.status_code}: {response.content!r}"
        )
    return response.parsed


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(message)


def get_token(client: Client, username: str, password: str) -> str:
    body = AuthTokenRequest(username=username, password=password)
    token = expect(auth_token_create.sync_detailed(client=client, body=body), HTTPStatus.OK, Token)
    # The server's tokens expire (DJANGO_TOKEN_TTL); once one answers 401, log in again.
    check(isinstance(token.expiry, datetime), f"expiry {token.expiry!r}")
    return token.token


def log_out(client: AuthenticatedClient, everywhere: bool) -> None:
    """Revokes the client's token (all of its user's, `everywhere`); then it answers 401."""
    logout = (auth_logoutall_create if everywhere else auth_logout_create).sync_detailed
    done = logout(client=client)
    check(done.status_code == HTTPStatus.NO_CONTENT, f"logout {done.status_code}")
    again = expect(logout(client=client), HTTPStatus.UNAUTHORIZED, Error)
    body = HeroRequest(name="Too late", secret_name="T")
    refused = expect(
        heroes_create.sync_detailed(client=client, body=body), HTTPStatus.UNAUTHORIZED, Error
    )
    check(again.detail == refused.detail == "Invalid token.", f"{again} {refused}")


def names(page: PaginatedHeroList) -> list[str]:
    return [hero.name for hero in page.results]


def main(
    base_url: str, writer_name: str, writer_password: str, reader_name: str, reader_password: str
) -> None:
    public = Client(base_url=base_url)  # no credentials: reads and the token endpoint
    writer = AuthenticatedClient(
        base_url=base_url, token=get_token(public, writer_name, writer_password), prefix="Token"
    )
    reader = AuthenticatedClient(
        base_url=base_url, token=get_token(public, reader_name, reader_password), prefix="Token"
    )

    wrong = auth_token_create.sync_detailed(
        client=public, body=AuthTokenRequest(username=writer_name, password="wrong")
    )
    check(
        expect(wrong, HTTPStatus.BAD_REQUEST, TokenError).non_field_errors != [],
        "no credentials error",
    )

    created: list[int] = []
    try:
        for name, age in [("Deadpond", None), ("Spider-Boy", 16), ("Rusty-Man", 48)]:
            body = HeroRequest(name=name, secret_name=f"Secret {name}", age=age)
            key = str(uuid.uuid4())  # one per hero: a retry with it creates nothing more
            answer = heroes_create.sync_detailed(client=writer, body=body, idempotency_key=key)
            hero = expect(answer, HTTPStatus.CREATED, Hero)
            check(hero.name == name and hero.age == age, f"created {hero}")
            retry = heroes_create.sync_detailed(client=writer, body=body, idempotency_key=key)
            check(expect(retry, HTTPStatus.CREATED, Hero).id == hero.id, f"retried {hero}")
            created.append(hero.id)
        spider = created[1]

        lists = {
            "name": (heroes_list.sync_detailed(client=public, name="Spider-Boy"), ["Spider-Boy"]),
            "name__icontains": (
                heroes_list.sync_detailed(client=public, name_icontains="MAN"),
                ["Rusty-Man"],
            ),
            "age": (heroes_list.sync_detailed(client=public, age=16), ["Spider-Boy"]),
            "age__gte": (heroes_list.sync_detailed(client=public, age_gte=20), ["Rusty-Man"]),
            "age__lte": (heroes_list.sync_detailed(client=public, age_lte=20), ["Spider-Boy"]),
            "age__isnull": (
                heroes_list.sync_detailed(client=public, age_isnull=True),
                ["Deadpond"],
            ),
            "search": (
                heroes_list.sync_detailed(client=public, search="spider boy"),
                ["Spider-Boy"],
            ),
            # Sent as ordering=-age: one field, heroes without an age last.
            "ordering": (
                heroes_list.sync_detailed(client=public, ordering=HeroesListOrdering.AGE_DESC),
                ["Rusty-Man", "Spider-Boy", "Deadpond"],
            ),
        }
        for parameter, (listed, expected) in lists.items():
            page = expect(listed, HTTPStatus.OK, PaginatedHeroList)
            check(names(page) == expected, f"{parameter}: {names(page)} != {expected}")
            check(
                page.count == len(expected) and page.next_ is None and page.previous is None,
                f"{page}",
            )

        read = heroes_retrieve.sync_detailed(client=public, id=spider)
        hero = expect(read, HTTPStatus.OK, Hero)
        check((hero.id, hero.name, hero.age) == (spider, "Spider-Boy", 16), f"read {hero}")
        etag = read.headers.get("ETag", UNSET)
        if isinstance(etag, str):  # servers with conditional requests: unchanged, so 304, no body
            again = heroes_retrieve.sync_detailed(client=public, id=spider, if_none_match=etag)
            check(again.status_code == HTTPStatus.NOT_MODIFIED and again.parsed is None, f"{again}")

        replaced = heroes_update.sync_detailed(
            spider,
            client=writer,
            body=HeroRequest(name="Spider-Man", secret_name="Pedro", age=17),
            if_match=etag,
        )
        hero = expect(replaced, HTTPStatus.OK, Hero)
        check((hero.name, hero.age) == ("Spider-Man", 17), f"put {hero}")

        patched = heroes_partial_update.sync_detailed(
            spider, client=writer, body=PatchedHeroRequest(age=None)
        )
        hero = expect(patched, HTTPStatus.OK, Hero)
        check((hero.name, hero.age) == ("Spider-Man", None), f"patch {hero}")

        deleted = heroes_destroy.sync_detailed(spider, client=writer)
        check(deleted.status_code == HTTPStatus.NO_CONTENT, f"delete {deleted}")
        created.remove(spider)

        missing = expect(
            heroes_retrieve.sync_detailed(client=public, id=spider), HTTPStatus.NOT_FOUND, Error
        )
        check(missing.detail == "Hero not found", missing.detail)

        invalid = heroes_create.sync_detailed(
            client=writer, body=HeroRequest(name=" ", secret_name="S")
        )
        check(
            expect(invalid, HTTPStatus.BAD_REQUEST, HeroValidationError).name != [], "no name error"
        )
        bad_query = heroes_list.sync_detailed(client=public, age=-1)
        check(expect(bad_query, HTTPStatus.BAD_REQUEST, HeroQueryError).age != [], "no age error")

        stranger = AuthenticatedClient(base_url=base_url, token="not-a-token", prefix="Token")
        body = HeroRequest(name="Nobody", secret_name="N")
        unauthorized = expect(
            heroes_create.sync_detailed(client=stranger, body=body), HTTPStatus.UNAUTHORIZED, Error
        )
        forbidden = expect(
            heroes_create.sync_detailed(client=reader, body=body), HTTPStatus.FORBIDDEN, Error
        )
        check(unauthorized.detail != "" and forbidden.detail != "", "errors without detail")
    finally:
        for hero_id in created:
            heroes_destroy.sync_detailed(hero_id, client=writer)
    log_out(writer, everywhere=False)
    log_out(reader, everywhere=True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
