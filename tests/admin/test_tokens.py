"""The admin's API tokens: staff see whose they are and until when, and revoke them."""

import html
import re
from http import HTTPStatus

from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import LIST_URL, api_token

CHANGELIST = reverse("admin:heroes_apitoken_changelist")


def _visible_text(response) -> str:
    """The page as a person reads it: no tags, hence no URLs or form values.

    A row's digest is its primary key, so it is in the admin's URLs and checkboxes; it
    names the row, and being a digest it is no token and cannot be turned into one.
    """
    return html.unescape(re.sub(r"<[^>]*>", " ", response.content.decode()))


def _token_works(token: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(LIST_URL, {}, format="json").status_code != HTTPStatus.UNAUTHORIZED


def test_admin_lists_each_users_tokens_without_token_or_digest(staff_client, writer):
    token = api_token(writer)
    stored = AuthToken.objects.get()

    response = staff_client.get(CHANGELIST)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    for column in ("column-user", "column-created", "column-expiry", "column-expired"):
        assert column in page
    assert token[:15] not in page  # neither the token, nor its start (token_key)
    text = _visible_text(response)
    assert "writer" in text
    assert stored.digest not in text


def test_admin_token_page_shows_no_token_or_digest(staff_client, writer):
    token = api_token(writer)
    stored = AuthToken.objects.get()
    url = reverse("admin:heroes_apitoken_change", args=[stored.pk])

    response = staff_client.get(url)

    assert response.status_code == HTTPStatus.OK
    text = _visible_text(response)
    assert f"writer's token of {stored.created:%Y-%m-%d %H:%M:%S} UTC" in text
    assert token[:15] not in response.content.decode()
    assert stored.digest not in text


def test_admin_deleting_a_token_revokes_it(staff_client, writer):
    revoked, kept = api_token(writer), api_token(writer)
    digest = AuthToken.objects.get(token_key=revoked[:15]).digest

    response = staff_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [digest], "post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not _token_works(revoked)
    assert _token_works(kept)


def test_admin_cannot_add_or_change_tokens(staff_client, writer):
    api_token(writer)
    stored = AuthToken.objects.get()
    change = reverse("admin:heroes_apitoken_change", args=[stored.pk])

    added = staff_client.get(reverse("admin:heroes_apitoken_add"))
    changed = staff_client.post(change, {"user": writer.pk, "expiry_0": "", "expiry_1": ""})

    assert added.status_code == HTTPStatus.FORBIDDEN
    assert changed.status_code == HTTPStatus.FORBIDDEN
    assert AuthToken.objects.get().expiry == stored.expiry
    assert "heroes_apitoken_add" not in staff_client.get(CHANGELIST).content.decode()


def test_admin_no_longer_offers_knoxs_own_token_admin(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert "/admin/knox/" not in response.content.decode()
    assert staff_client.get("/admin/knox/authtoken/").status_code == HTTPStatus.NOT_FOUND


def test_staff_without_the_permission_see_no_tokens(db, writer):
    api_token(writer)
    staff = User.objects.create_user("clerk", password="pw", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_hero"))
    client = Client()
    client.force_login(staff)

    assert client.get(CHANGELIST).status_code == HTTPStatus.FORBIDDEN
