"""A measure's value only within what its unit allows, and a note of at most 10,000 characters: refused
beside the field with an error summary, nothing written, nothing audited, whatever the way in."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplans.models import MeasureValue, value_outside_unit
from actionplans.services import measure_record_value
from programmes.audit import Channel
from programmes.models import AuditEntry, Person
from programmes.roles import LEADERSHIP, OFFICER
from tests.actionplans.conftest import make_user
from tests.factories import MeasureFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return ReportingPeriodFactory(quarter=2, name="2024/25 Q2")


def owned_measure(officer, unit):
    return MeasureFactory(owner=Person.objects.get(user=officer), unit=unit, reference="KPI9", title="A measure")


@pytest.mark.parametrize(("unit", "value", "message"), [
    ("percentage", "120", "A percentage must be between 0 and 100."),
    ("percentage", "-1", "A percentage must be between 0 and 100."),
    ("number", "-3", "A count cannot be negative."),
    ("days", "-0.5", "A number of days cannot be negative."),
    ("ratio", "-2", "A ratio cannot be negative."),
    ("yes_no", "2", "Enter 1 for yes or 0 for no."),
])
def test_a_value_its_unit_does_not_allow_is_refused_beside_the_field(client, officer, period, unit, value, message,
                                                                      django_assert_max_num_queries):
    measure = owned_measure(officer, unit)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.post(reverse("measure_record", args=[measure.pk]), {"period": period.pk, "value": value})

    html = response.content.decode()
    assert response.status_code == 422
    assert message in html.split('id="id_value-error"')[1].split("</p>")[0]
    assert message in html.split('class="govuk-error-summary"')[1]
    assert not MeasureValue.objects.filter(measure=measure).exists()
    assert not AuditEntry.objects.filter(model="actionplans.measurevalue").exists()


@pytest.mark.parametrize(("unit", "value"), [
    ("percentage", "0"), ("percentage", "100"), ("percentage", "72.5"), ("number", "0"), ("days", "14"),
    ("currency", "-1200.50"), ("yes_no", "1"), ("yes_no", "0"),
])
def test_a_value_its_unit_allows_is_saved_and_audited(client, officer, period, unit, value):
    measure = owned_measure(officer, unit)
    client.force_login(officer)
    response = client.post(reverse("measure_record", args=[measure.pk]), {"period": period.pk, "value": value})

    assert response.status_code == 302
    assert MeasureValue.objects.get(measure=measure).value == Decimal(value)
    entry = AuditEntry.objects.get(model="actionplans.measurevalue")
    assert (entry.user, entry.channel, entry.action) == (officer, "browser", "created")


def test_the_service_refuses_whatever_the_way_in(officer, period):
    measure = owned_measure(officer, "number")
    with pytest.raises(ValidationError) as refused:
        measure_record_value(measure=measure, period=period, value=Decimal("-1"), channel=Channel.IMPORT)
    assert refused.value.message_dict == {"value": ["A count cannot be negative."]}


def test_a_note_of_more_than_10000_characters_is_refused(client, officer, period):
    measure = owned_measure(officer, "number")
    client.force_login(officer)
    response = client.post(reverse("measure_record", args=[measure.pk]),
                           {"period": period.pk, "value": "4", "note": "n" * 10_001})
    assert response.status_code == 422
    assert "The note must be 10,000 characters or fewer." in response.content.decode()
    with pytest.raises(ValidationError):
        measure_record_value(measure=measure, period=period, value=Decimal("4"), note="n" * 10_001)
    assert not MeasureValue.objects.exists()


def test_the_value_field_says_what_the_unit_allows(client, officer, period):
    measure = owned_measure(officer, "percentage")
    client.force_login(officer)
    html = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    assert "A percentage from 0 to 100, like 72.5." in html


def test_the_measure_page_has_breadcrumbs_and_a_back_link(client, officer, period):
    measure = owned_measure(officer, "percentage")
    client.force_login(officer)
    html = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    assert 'class="govuk-breadcrumbs"' in html and 'class="govuk-back-link"' in html
    assert f'href="{reverse("programme_dashboard", args=[measure.programme_id])}"' in html
    # The owner of a measure reads its programme's dashboard, where the link goes.
    assert client.get(reverse("programme_dashboard", args=[measure.programme_id])).status_code == 200


def test_only_the_owner_enters_values(client, officer, period):
    measure = owned_measure(officer, "number")
    url = reverse("measure_record", args=[measure.pk])
    assert client.post(url, {"period": period.pk, "value": "4"}).status_code == 302  # to sign in
    client.force_login(make_user(LEADERSHIP, "lee.leader"))
    assert client.post(url, {"period": period.pk, "value": "4"}).status_code == 403
    client.force_login(make_user(OFFICER, "otto.other"))
    assert client.post(url, {"period": period.pk, "value": "4"}).status_code == 403
    assert not MeasureValue.objects.exists()


def test_what_each_unit_allows():
    assert value_outside_unit(None, "number") == ""
    assert value_outside_unit(Decimal("100.0001"), "percentage")
    assert value_outside_unit(Decimal("-999999"), "currency") == ""
