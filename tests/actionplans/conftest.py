"""People and a small plan for the officers' pages: one officer, a colleague, and every role.

Dates are relative to today, because the pages group actions by what is overdue now.
Factories write with the ORM; `programme_refresh` then makes the stored figures true,
as the services would have.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from actionplans.models import Action
from actionplans.rollup import programme_refresh
from programmes.models import Objective, Person, Programme
from programmes.roles import ADMIN, CLERK, LEADERSHIP, OFFICER, PROGRAMME_MANAGER
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)


def make_user(role, username, *, name=None):
    user = UserFactory(role=role, username=username, first_name=(name or username).split()[0], last_name="")
    PersonFactory(name=name or username.replace(".", " ").title(), user=user)
    return user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def officer(db):
    return make_user(OFFICER, "olly.officer", name="Olly Officer")


@pytest.fixture
def colleague(db):
    return make_user(OFFICER, "cara.colleague", name="Cara Colleague")


@pytest.fixture
def leadership(db):
    return make_user(LEADERSHIP, "dana.director", name="Dana Director")


@pytest.fixture
def manager(db):
    return make_user(PROGRAMME_MANAGER, "max.manager", name="Max Manager")


@pytest.fixture
def admin_user(db):
    return make_user(ADMIN, "ada.admin", name="Ada Admin")


@pytest.fixture
def clerk(db):
    return make_user(CLERK, "cleo.clerk", name="Cleo Clerk")


@pytest.fixture
def nobody(db):
    """Signed in, but in no role group."""
    return make_user(None, "nick.nobody", name="Nick Nobody")


@dataclass
class Plan:
    programme: Programme
    theme: Objective
    objective: Objective
    overdue: Action
    due_soon: Action
    not_updated: Action
    later: Action
    delegated: Action
    completed: Action
    colleagues: Action

    def refresh(self):
        programme_refresh(programme_id=self.programme.pk)
        for name in ("programme", "theme", "objective"):
            getattr(self, name).refresh_from_db()


@pytest.fixture
def plan(db, officer, colleague, today) -> Plan:
    return build_plan(officer, colleague, today)


def build_plan(officer, colleague, today) -> Plan:
    """Olly's actions, one in each group, plus one delegated to him and one that is Cara's alone."""
    me, cara = Person.objects.get(user=officer), Person.objects.get(user=colleague)
    programme = ProgrammeFactory(name="Adult social care action plan", short_name="ASC",
                                 start_date=today - timedelta(days=300), end_date=today + timedelta(days=400))
    theme = ObjectiveFactory(programme=programme, reference="ASC24", title="People are safe and well")
    objective = ObjectiveFactory(programme=programme, parent=theme, reference="ASC2401",
                                 title="Improve the front door")

    def action(reference, title, *, due_in, percent=50, updated_days_ago=0, responsible=me, **fields):
        return ActionFactory(
            objective=objective, reference=reference, title=title, responsible=responsible,
            start_date=today - timedelta(days=200), due_date=today + timedelta(days=due_in),
            percent=percent, last_updated_on=today - timedelta(days=updated_days_ago), **fields,
        )

    overdue = action("ASC2401.A", "Review the contact centre scripts", due_in=-5, percent=40)
    due_soon = action("ASC2401.B", "Train the duty team", due_in=10, percent=90)
    not_updated = action("ASC2401.C", "Publish the carers' offer", due_in=200, percent=60,
                         updated_days_ago=80)
    later = action("ASC2401.D", "Set up the reablement pilot", due_in=200, percent=55)
    delegated = action("ASC2401.E", "Agree the data sharing protocol", due_in=150, percent=50,
                       responsible=cara)
    delegated.delegates.add(me)
    completed = action("ASC2401.F", "Recruit two social workers", due_in=-30, percent=100,
                       status="completed")
    colleagues = action("ASC2401.G", "Close the waiting list", due_in=100, percent=50, responsible=cara)
    made = Plan(programme, theme, objective, overdue, due_soon, not_updated, later, delegated, completed,
                colleagues)
    made.refresh()
    return made
