"""The people governance's page tests sign in as, and a small register to look at.

Import the fixtures into a test module: `from tests.governance.people import *  # noqa: F403`.
"""

from datetime import date

import pytest

from governance.models import Board, BoardMembership, Risk
from governance.services import board_save, membership_save, risk_save
from programmes.audit import Channel
from programmes.models import Person
from programmes.roles import ADMIN, CLERK, LEADERSHIP, OFFICER, PROGRAMME_MANAGER
from tests.factories import ObjectiveFactory, PersonFactory, ProgrammeFactory, UserFactory

__all__ = ["admin_user", "clerk", "leadership", "manager", "other_manager", "officer", "owner", "register",
           "boards", "sign_in"]


def _user(role, username) -> tuple:
    user = UserFactory(role=role, username=username)
    return user, PersonFactory(name=username.replace(".", " ").title(), user=user)


@pytest.fixture
def leadership(db):
    return _user(LEADERSHIP, "dana.director")[0]


@pytest.fixture
def clerk(db):
    return _user(CLERK, "cleo.clerk")[0]


@pytest.fixture
def admin_user(db):
    return _user(ADMIN, "ada.admin")[0]


@pytest.fixture
def officer(db):
    return _user(OFFICER, "olly.officer")[0]


@pytest.fixture
def owner(db):
    """An officer who owns risk R1 of the register."""
    return _user(OFFICER, "rita.owner")[0]


@pytest.fixture
def manager(db):
    return _user(PROGRAMME_MANAGER, "max.manager")[0]


@pytest.fixture
def other_manager(db):
    """A programme manager, but of another programme."""
    user, person = _user(PROGRAMME_MANAGER, "mo.elsewhere")
    ProgrammeFactory(short_name="OTHER").managers.add(person)
    return user


@pytest.fixture
def register(db, owner, manager):
    """A programme managed by `manager`, with project P1 and three open risks scored 4, 5 and 15
    (the edges of the bands) and one of 12; R1 is owned by `owner` and due for review on 1 June 2024."""
    programme = ProgrammeFactory(name="Adult social care improvement programme", short_name="ASCIP")
    programme.managers.add(Person.objects.get(user=manager))
    project = ObjectiveFactory(programme=programme, reference="P1", title="Front door", kind="project")
    rita = Person.objects.get(user=owner)
    for ref, title, (likelihood, impact), who in (("R1", "Demand at the front door", (1, 4), rita),
                                                  ("R2", "Workforce", (1, 5), None),
                                                  ("R3", "Budget", (3, 4), None),
                                                  ("R4", "Systems", (3, 5), None)):
        risk_save(Risk(programme=programme, objective=project, reference=ref, title=title, owner=who,
                       current_likelihood=likelihood, current_impact=impact, inherent_likelihood=5,
                       inherent_impact=5, review_date=date(2024, 6, 1) if ref == "R1" else None),
                  by=None, channel=Channel.ADMIN, reviewed_on=date(2024, 4, 1))
    return programme


@pytest.fixture
def boards(db, register):
    """DMT at the top; ASCCIB reports to it (with the programme reporting to ASCCIB); UCRG to ASCCIB."""
    dmt = board_save(Board(name="Departmental management team", short_name="DMT"), by=None)
    cib = board_save(Board(name="Adult social care change and improvement board", short_name="ASCCIB",
                           reports_to=dmt, purpose="Drive the improvement programme.",
                           terms_of_reference="Meets every 8 weeks.", meeting_frequency="Every 8 weeks"),
                     by=None, programmes=[register])
    ucrg = board_save(Board(name="User and carer reference group", short_name="UCRG", reports_to=cib), by=None)
    membership_save(BoardMembership(board=cib, person=PersonFactory(name="Chris Chair"),
                                    role=BoardMembership.Role.CHAIR), by=None)
    return {"DMT": dmt, "ASCCIB": cib, "UCRG": ucrg}


@pytest.fixture
def sign_in(client):
    def signed_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return signed_in
