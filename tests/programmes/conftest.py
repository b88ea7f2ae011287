"""The people of the officers' pages (an officer, a colleague, every role) and their small plan, for the
people pages' tests."""

from tests.actionplans.conftest import (  # noqa: F401 (fixtures)
    admin_user,
    clerk,
    colleague,
    leadership,
    manager,
    nobody,
    officer,
    plan,
    today,
)
