"""The people of the officers' pages (an officer, a colleague, every role) and their small plan, for the
people pages' tests."""

import pytest

from programmes.roles import ADMIN
from tests.actionplans.conftest import (  # noqa: F401 (fixtures)
    clerk,
    colleague,
    leadership,
    make_user,
    manager,
    nobody,
    officer,
    plan,
    today,
)


@pytest.fixture
def office_admin(db):
    """Ada, who has the admin role (not a Django superuser: pytest-django's admin_user is that one)."""
    return make_user(ADMIN, "ada.admin", name="Ada Admin")
