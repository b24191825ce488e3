from http import HTTPStatus

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.factories import LIST_URL


def test_api_responses_set_no_message_cookie(api_client, make_hero):
    response = api_client.get(LIST_URL)

    assert response.status_code == HTTPStatus.OK
    assert "messages" not in response.cookies


def test_admin_messages_still_reach_the_next_page(make_hero):
    hero = make_hero(age=30)
    client = Client()
    client.force_login(User.objects.create_superuser("admin", password="correct horse battery"))

    response = client.post(
        reverse("admin:heroes_hero_change", args=[hero.id]),
        {"name": "Deadpool", "age": "31", "secret_name": "Wade"},
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    assert "was changed successfully" in response.content.decode()


def test_message_level_set_on_a_request_applies_to_its_messages(rf):
    from django.contrib import messages
    from django.contrib.sessions.backends.db import SessionStore

    from heroes.speed.messages import LazyStorage

    request = rf.get("/")
    request.session = SessionStore()
    request._messages = LazyStorage(request)
    messages.set_level(request, messages.DEBUG)
    messages.debug(request, "shown at DEBUG level")

    assert [str(m) for m in messages.get_messages(request)] == ["shown at DEBUG level"]
