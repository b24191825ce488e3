"""What tests build heroes and hero URLs from."""

from django.urls import reverse

from heroes.models import Hero

LIST_URL = reverse("hero-list")
SECRET = "Pedro Parqueador"

# int() reads each of these as the id; only its ASCII digits may name a hero.
OTHER_SPELLINGS = ("space", "newline", "plus", "underscore", "arabic_digits")


def detail_url(pk) -> str:
    return reverse("hero-detail", args=[pk])


def make_hero(name: str = "Deadpond", age: int | None = None, secret_name: str = SECRET) -> Hero:
    return Hero.objects.create(name=name, age=age, secret_name=secret_name)


def spelled_otherwise(pk: int, kind: str) -> str:
    return {
        "space": f" {pk}",
        "newline": f"{pk}\n",
        "plus": f"+{pk}",
        "underscore": f"0_{pk}",
        "arabic_digits": str(pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    }[kind]
