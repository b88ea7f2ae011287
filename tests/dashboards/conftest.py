import pytest

from programmes.roles import ADMIN, CLERK, LEADERSHIP, OFFICER, PROGRAMME_MANAGER
from tests.factories import PersonFactory, UserFactory


def _user(role, username):
    user = UserFactory(role=role, username=username)
    PersonFactory(name=username.replace(".", " ").title(), user=user)
    return user


@pytest.fixture
def leadership(db):
    return _user(LEADERSHIP, "dana.director")


@pytest.fixture
def officer(db):
    return _user(OFFICER, "olly.officer")


@pytest.fixture
def clerk(db):
    return _user(CLERK, "cleo.clerk")


@pytest.fixture
def admin_user(db):
    return _user(ADMIN, "ada.admin")


@pytest.fixture
def manager(db):
    return _user(PROGRAMME_MANAGER, "max.manager")


@pytest.fixture
def director(client, leadership):
    client.force_login(leadership)
    return client

