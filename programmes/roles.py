"""Roles are Django groups. Views ask these helpers; templates never decide access alone."""

from django.contrib.auth.models import Group

OFFICER = "officer"
PROGRAMME_MANAGER = "programme manager"
LEADERSHIP = "leadership"
ADMIN = "admin"
CLERK = "clerk"
ALL_ROLES = (OFFICER, PROGRAMME_MANAGER, LEADERSHIP, ADMIN, CLERK)


def ensure_role_groups() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))
