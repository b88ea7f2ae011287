"""A risk's page shows its change history with its reviews', to whoever may see the risk, in a fixed
number of queries however long the history."""

from datetime import date

import pytest
from django.urls import reverse

from governance.models import Risk
from governance.services import risk_record_review, risk_save
from programmes.models import Person
from tests.factories import PersonFactory
from tests.governance.people import *  # noqa: F403
from tests.governance.test_query_budgets import counted

pytestmark = pytest.mark.django_db

RISK_PAGE_BUDGET = 10  # the risk page for its manager with its history (10: the entries and the people they name are 2)


def r1(register):
    return Risk.objects.get(programme=register, reference="R1")


def test_the_owner_sees_the_risks_changes_and_its_reviews_in_its_history(sign_in, register, owner, manager):
    risk = r1(register)
    risk.owner = Person.objects.get(user=manager)
    risk_save(risk, by=manager)
    risk_record_review(risk=risk, by=manager, reviewed_on=date(2024, 5, 1), current_likelihood=2)
    client = sign_in(manager)

    body = client.get(reverse("risk", args=[risk.pk])).content.decode()

    panel = body.split('id="change-history"')[1].split("</section>")[0]
    assert "Rita Owner" in panel and "Max Manager" in panel  # the owner, by name, old and new
    assert "Risk review" in panel  # the review's own entry, a child of the risk


def test_an_officer_who_neither_owns_nor_manages_the_risk_sees_neither_it_nor_its_history(sign_in, register,
                                                                                        officer):
    response = sign_in(officer).get(reverse("risk", args=[r1(register).pk]), {"history": "all"})

    assert response.status_code == 403 and "Change history" not in response.content.decode()


def test_the_risk_page_costs_the_same_with_one_change_or_thirty(sign_in, register, manager):
    risk, client = r1(register), sign_in(manager)
    url = reverse("risk", args=[risk.pk]) + "?history=all"

    def change_owner(times):
        for n in range(times):
            risk.owner = PersonFactory(name=f"Owner {times}.{n}")
            risk_save(risk, by=manager)

    change_owner(1)
    one = counted(client, url)
    change_owner(29)

    assert one == counted(client, url) <= RISK_PAGE_BUDGET
