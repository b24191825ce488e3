from rest_framework import serializers

from heroes import speed
from heroes.api import serializers as api_serializers


class InspectOnceMixin:
    """A ModelSerializer that inspects its model once per class, not once per instance.

    ModelSerializer derives its fields, and its unique-together and unique-for-date
    validators, from the model every time a serializer is built, and the result never
    changes. Here it is derived once; each serializer binds its own copies of the fields.
    Nothing inside a field changes once it is built, so a shallow copy will do, and
    validators keep no state between calls. Switched off, it is ModelSerializer's own.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        if not speed.on("serializers"):
            return super().get_fields()
        fields = _FIELDS.get(type(self))
        if fields is None:
            fields = _FIELDS[type(self)] = super().get_fields()
        return {name: _copy(field) for name, field in fields.items()}

    def get_validators(self) -> list:
        if not speed.on("serializers"):
            return super().get_validators()
        validators = _VALIDATORS.get(type(self))
        if validators is None:
            validators = _VALIDATORS[type(self)] = super().get_validators()
        return list(validators)


class HeroSerializer(InspectOnceMixin, api_serializers.HeroSerializer):
    """The API's HeroSerializer, inspecting Hero once (settings: HEROES_SERIALIZER_CLASS)."""

    # Same name, same schema component ("Hero"): only the cost differs.
    class Meta(api_serializers.HeroSerializer.Meta):
        pass


# The schema describes a component by its serializer's docstring: the API's, not this one.
HeroSerializer.__doc__ = api_serializers.HeroSerializer.__doc__


_FIELDS: dict[type, dict[str, serializers.Field]] = {}
_VALIDATORS: dict[type, list] = {}


def _copy(field: serializers.Field) -> serializers.Field:
    # copy.copy() by hand: the same instance attributes, without copyreg's detour.
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone
