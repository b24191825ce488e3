from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token


def _hero_token(username: str) -> str:
    out = StringIO()
    call_command("hero_token", username, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_hero_token_prints_only_a_new_token():
    user = User.objects.create_user("ada")

    printed = _hero_token("ada")

    assert printed == f"{Token.objects.get(user=user).key}\n"


@pytest.mark.django_db
def test_hero_token_prints_the_existing_token():
    token = Token.objects.create(user=User.objects.create_user("ada"))

    assert _hero_token("ada") == f"{token.key}\n"
    assert Token.objects.count() == 1


@pytest.mark.django_db
def test_hero_token_of_a_missing_user_fails():
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        _hero_token("nobody")

    assert not Token.objects.exists()
