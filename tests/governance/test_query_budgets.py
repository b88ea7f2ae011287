"""Each governance page makes a fixed, small number of queries, however many boards, members,
meetings, risks and reviews there are."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Board, BoardMembership, Meeting, Risk
from governance.services import board_save, risk_record_review, risk_save
from tests.factories import ActionFactory, AssuranceSourceFactory, ObjectiveFactory, PersonFactory
from tests.governance.people import *  # noqa: F403

pytestmark = pytest.mark.django_db

# The signed-in request itself (session, user, roles) is part of every count.
BUDGETS = {
    "boards": 6,
    "board": 10,
    "all risks": 7,
    "programme risks": 7,
    "programme risks as at": 8,
    "risk": 8,
    "risk review": 7,
    "assurance matrix": 9,
    "board form": 10,
    "member form": 6,
    "meeting form": 5,
}


def urls(register, boards) -> dict:
    cib, r1 = boards["ASCCIB"], Risk.objects.get(programme=register, reference="R1")
    return {
        "boards": reverse("boards"),
        "board": reverse("board", args=[cib.pk]),
        "all risks": reverse("risks"),
        "programme risks": reverse("risk_list", args=[register.pk]),
        "programme risks as at": reverse("risk_list", args=[register.pk]) + "?as_at=2024-05-01",
        "risk": reverse("risk", args=[r1.pk]),
        "risk review": reverse("risk_review", args=[r1.pk]),
        "assurance matrix": reverse("assurance_matrix", args=[register.pk]),
        "board form": reverse("board_edit", args=[cib.pk]),
        "member form": reverse("membership_new", args=[cib.pk]),
        "meeting form": reverse("meeting_new", args=[cib.pk]),
    }


def counted(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(register, boards) -> None:
    """Many more of everything each page lists."""
    cib = boards["ASCCIB"]
    r1 = Risk.objects.get(programme=register, reference="R1")
    for n in range(20):
        person = PersonFactory()
        BoardMembership.objects.create(board=cib, person=person)
        Meeting.objects.create(board=cib, date=date(2024, 1, 1 + n))
        board_save(Board(name=f"Sub-group {n}", short_name=f"SG{n}", reports_to=cib), by=None)
        risk = risk_save(Risk(programme=register, reference=f"X{n:02d}", title=f"Risk {n}", owner=person),
                         by=None, reviewed_on=date(2024, 4, 1))
        risk.mitigating_actions.add(ActionFactory(programme=register))
        risk_record_review(risk=r1, by=None, reviewed_on=date(2024, 4, 2 + n), current_likelihood=1 + n % 5)
        ObjectiveFactory(programme=register, kind="project", reference=f"P{n + 2}")
        AssuranceSourceFactory(name=f"Source {n}")


@pytest.mark.parametrize("page", BUDGETS)
def test_each_page_keeps_to_its_query_budget_however_much_it_lists(
        sign_in, admin_user, register, boards, page, django_assert_max_num_queries):
    client = sign_in(admin_user)
    url = urls(register, boards)[page]
    with django_assert_max_num_queries(BUDGETS[page]):
        assert client.get(url).status_code == 200
    few = counted(client, url)
    grow(register, boards)
    assert counted(client, url) == few
