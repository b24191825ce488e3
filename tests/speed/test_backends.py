from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User

from heroes.speed.backends import CompiledModelBackend


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission caches


def test_permissions_are_modelbackends_direct_and_group(db):
    user = User.objects.create_user("mixed", password="pw")
    user.user_permissions.set(Permission.objects.filter(codename="add_hero"))
    group = Group.objects.create(name="editors")
    group.permissions.set(Permission.objects.filter(codename__in=["change_hero", "view_group"]))
    user.groups.add(group)

    found = CompiledModelBackend().get_all_permissions(_fresh(user))

    assert found == ModelBackend().get_all_permissions(_fresh(user))
    assert found == {"heroes.add_hero", "heroes.change_hero", "auth.view_group"}


def test_permissions_of_inactive_and_super_users(db):
    inactive = User.objects.create_user("inactive", password="pw", is_active=False)
    inactive.user_permissions.set(Permission.objects.filter(codename="add_hero"))
    boss = User.objects.create_superuser("boss", password="pw")

    assert CompiledModelBackend().get_all_permissions(_fresh(inactive)) == set()
    assert CompiledModelBackend().get_all_permissions(
        _fresh(boss)
    ) == ModelBackend().get_all_permissions(_fresh(boss))


def test_permission_change_takes_effect_on_the_next_request(db):
    user = User.objects.create_user("late", password="pw")
    assert not _fresh(user).has_perm("heroes.add_hero")

    user.user_permissions.set(Permission.objects.filter(codename="add_hero"))

    assert _fresh(user).has_perm("heroes.add_hero")
