from heroes.api.serializers import HeroSerializer


def test_each_serializer_binds_its_own_fields():
    first, second = HeroSerializer(), HeroSerializer()

    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first
    assert second.fields["name"].parent is second
    assert list(first.fields) == ["id", "name", "age", "secret_name"]


def test_serializers_built_one_after_another_validate_alike():
    invalid = HeroSerializer(data={"name": "", "secret_name": "x" * 256})
    valid = HeroSerializer(data={"name": "Deadpond", "secret_name": "Dive Wilson"})

    assert not invalid.is_valid()
    assert set(invalid.errors) == {"name", "secret_name"}
    assert valid.is_valid(), valid.errors
    assert valid.validated_data == {"name": "Deadpond", "age": None, "secret_name": "Dive Wilson"}
