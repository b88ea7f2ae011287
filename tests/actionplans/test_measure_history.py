"""A measure's page shows its change history with its targets' and values', to whoever may see the measure,
in a fixed number of queries however long the history."""

from decimal import Decimal

import pytest
from django.urls import reverse

from actionplans.services import TargetEntry, measure_record_value, measure_targets_set
from programmes.models import Person
from tests.actionplans.test_query_budgets import counted, quarters
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

MEASURE_PAGE_BUDGET = 11  # the measure page with its history (10: the entries and the periods and people they name)


@pytest.fixture
def measure(officer):
    return MeasureFactory(owner=Person.objects.get(user=officer), unit="percentage", reference="KPI1",
                          title="Reviews on time")


def test_the_owner_sees_each_value_changed_in_the_measures_history(client, measure, officer, colleague):
    [period] = quarters(1)
    measure_record_value(measure=measure, period=period, value=Decimal("60"), by=officer)
    measure_record_value(measure=measure, period=period, value=Decimal("65.5"), by=officer)
    client.force_login(officer)

    body = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()

    panel = body.split('id="change-history"')[1].split("</section>")[0]
    assert "Measure value" in panel and "<strong>Value</strong>: 60 " in panel and " 65.5</li>" in panel


def test_an_officer_who_does_not_own_the_measure_sees_neither_it_nor_its_history(client, measure, colleague):
    client.force_login(colleague)

    response = client.get(reverse("measure_detail", args=[measure.pk]), {"history": "all"})

    assert response.status_code == 403 and "Change history" not in response.content.decode()


def test_the_measure_page_costs_the_same_with_one_change_or_thirty(client, measure, officer, colleague):
    periods = quarters(30)
    client.force_login(officer)
    url = reverse("measure_detail", args=[measure.pk]) + "?history=all"

    def enter_twice(chosen):
        for period in chosen:
            for value, by in ((Decimal("50"), officer), (Decimal("55"), colleague)):
                measure_record_value(measure=measure, period=period, value=value, by=by)

    enter_twice(periods[:1])
    one = counted(client, "get", url, status=200)
    enter_twice(periods[1:])

    assert one == counted(client, "get", url, status=200) <= MEASURE_PAGE_BUDGET


def test_a_target_removed_since_stays_in_the_measures_history_with_what_it_held(client, measure, officer):
    [period] = quarters(1)
    measure_targets_set(measure=measure, entries=[TargetEntry(period=period, value=Decimal("75"))], by=officer)
    measure_targets_set(measure=measure, entries=[TargetEntry(period=period)], by=officer)  # all blank: removed
    client.force_login(officer)

    body = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()

    panel = body.split('id="change-history"')[1].split("</section>")[0]
    assert panel.count("Measure target") == 2  # created, then deleted
    assert "<strong>Value</strong>: 75" in panel  # what the deleted target held
