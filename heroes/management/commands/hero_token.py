from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import get_token_model


class Command(BaseCommand):
    """`hero_token USERNAME`: prints a new API token of that user and nothing else."""

    help = (
        "Prints a new API token of USERNAME, as /auth/token/ answers one (the database keeps "
        "only its digest, so it cannot be shown again). It expires after DJANGO_TOKEN_TTL "
        "seconds. The token is the only output: TOKEN=$(manage.py hero_token admin)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(options["username"])
        except User.DoesNotExist:
            raise CommandError(f"There is no user {options['username']!r}.") from None
        _, token = get_token_model().objects.create(user=user)
        self.stdout.write(token)
