from rest_framework import serializers

from heroes.models import Hero


class HeroSerializer(serializers.ModelSerializer):
    """A hero as clients send it and see it: the secret name is write-only."""

    class Meta:
        model = Hero
        fields = ["id", "name", "age", "secret_name"]
        read_only_fields = ["id"]
        extra_kwargs = {
            # The HTML form must not echo a submitted secret back on a validation error.
            "secret_name": {
                "write_only": True,
                "style": {"template": "heroes/secret_input.html"},
            },
            # PUT replaces the hero: an age left out is cleared, as in a new hero.
            "age": {"min_value": 0, "default": None},
        }
