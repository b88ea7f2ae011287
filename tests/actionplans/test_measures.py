"""A measure's figures and targets read the same wherever they are shown: the officer's measure page,
the programme dashboard and the workbook export all go through actionplans.measures."""

import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from actionplans import measures, selectors
from actionplans.models import MeasureValue
from governance.imports.export import export_xlsx
from governance.imports.values import parse_target
from programmes.models import ReportingPeriod
from tests.factories import (
    MeasureFactory,
    MeasureTargetFactory,
    ProgrammeFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db


def year(name: str) -> ReportingPeriod:
    first = int(name[:4])
    return ReportingPeriodFactory(kind=ReportingPeriod.Kind.YEAR, name=name, financial_year=name, quarter=None,
                                  start=date(first, 4, 1), end=date(first + 1, 3, 31))


def officer_page_target(client, measure, period_name: str) -> tuple[str, str]:
    """(the target in the period's row, the target in the latest-figure sentence) on the measure page."""
    html = client.get(reverse("measure_detail", args=[measure.pk])).content.decode()
    row = re.search(rf'data-period="{re.escape(period_name)}".*?</th>\s*<td class="govuk-table__cell">(.*?)</td>',
                    html, re.S)
    latest = re.search(r"against a target of (.*?)\.\s", html)
    return row.group(1), latest.group(1)


def dashboard_target(client, measure) -> str:
    html = client.get(reverse("programme_dashboard", args=[measure.programme_id])).content.decode()
    section = re.search(rf'<section class="dashboard-measure"[^>]*data-ref="{measure.reference}".*?</section>',
                        html, re.S).group(0)
    return re.search(r'Target</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>', section, re.S).group(1)


def export_target(measure, period_name: str) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(measure.programme)))["Measures"]
    headings, *rows = sheet.iter_rows(values_only=True)
    row = next(r for r in rows if r[0] == measure.reference)
    return row[headings.index(f"Target {period_name}")]


IMPORTED = parse_target("£850K")  # the import keeps the number it reads and the words as written


@pytest.mark.parametrize(("measure_fields", "target_fields", "shown"), [
    ({"unit": "currency"}, {"value": IMPORTED.value, "text": IMPORTED.text}, "£850K"),
    ({"unit": "number"}, {"value": parse_target("Six").value, "text": parse_target("Six").text}, "Six"),
    ({"unit": "percentage"}, {"value": None, "text": "TBC"}, "TBC"),
    ({"unit": "percentage", "polarity": "band"},
     {"value": None, "band_low": Decimal("80"), "band_high": Decimal("90")}, "80% to 90%"),
    ({"unit": "days", "polarity": "band"}, {"value": None, "band_low": None, "band_high": Decimal("14")},
     "any to 14 days"),
], ids=["imported-850K", "imported-six", "tbc", "band", "open-band"])
def test_a_target_reads_the_same_on_the_measure_page_the_dashboard_and_the_export(
        client, leadership, measure_fields, target_fields, shown):
    earlier, latest = year("2022/23"), year("2023/24")
    measure = MeasureFactory(programme=ProgrammeFactory(), reference="MLIL002", frequency="annual", **measure_fields)
    MeasureTargetFactory(measure=measure, period=latest, **target_fields)
    MeasureValue.objects.create(measure=measure, period=earlier, value=Decimal("80"))
    MeasureValue.objects.create(measure=measure, period=latest, value=Decimal("85"))
    client.force_login(leadership)

    assert officer_page_target(client, measure, "2023/24") == (shown, shown)
    assert dashboard_target(client, measure) == shown
    assert export_target(measure, "2023/24") == shown


def test_a_target_that_is_just_its_number_is_exported_as_the_number_the_import_reads_back(client, leadership):
    measure = MeasureFactory(programme=ProgrammeFactory(), unit="currency", frequency="annual")
    latest = year("2023/24")
    MeasureTargetFactory(measure=measure, period=latest, value=Decimal("850000"))
    MeasureValue.objects.create(measure=measure, period=latest, value=Decimal("900000"))
    client.force_login(leadership)

    assert officer_page_target(client, measure, "2023/24") == ("£850,000", "£850,000")
    assert dashboard_target(client, measure) == "£850,000"
    assert export_target(measure, "2023/24") == "850000"
    assert parse_target("850000") == parse_target(Decimal("850000"))  # a number, with no words of its own


def test_a_band_is_the_target_of_a_within_band_measure_only():
    target = MeasureTargetFactory.build(value=Decimal("75"), band_low=Decimal("70"), band_high=Decimal("80"))
    assert measures.target_text(target, "percentage", "band") == "70% to 80%"
    assert measures.target_text(target, "percentage", "higher") == "75%"
    assert measures.target_text(None, "percentage", "higher") == ""


def test_a_figure_given_as_a_float_is_shown_as_written():
    assert measures.format_measure_value(0.1, "number") == "0.1"
    assert measures.format_measure_value(None, "percentage") == ""


# ---------------------------------------------------------------- periods


def month(start: date, end: date) -> ReportingPeriod:
    return ReportingPeriodFactory(kind=ReportingPeriod.Kind.MONTH, name=f"From {start}", quarter=None,
                                  start=start, end=end)


def test_the_year_earlier_of_29_february_is_365_days_back():
    assert measures.year_earlier(date(2024, 2, 29)) == date(2023, 3, 1)
    assert measures.year_earlier(date(2024, 4, 1)) == date(2023, 4, 1)


def test_a_period_starting_on_29_february_is_compared_with_the_year_before_on_every_page():
    """Red by the tolerance, Amber because it is better than a year earlier ("Amber if improving")."""
    programme = ProgrammeFactory()
    before, leap = month(date(2023, 3, 1), date(2023, 3, 28)), month(date(2024, 2, 29), date(2024, 3, 27))
    measure = MeasureFactory(programme=programme, frequency="monthly", unit="number", polarity="higher",
                             amber_if_improving=True)
    MeasureTargetFactory(measure=measure, period=leap, value=Decimal("100"))
    MeasureValue.objects.create(measure=measure, period=before, value=Decimal("40"))
    MeasureValue.objects.create(measure=measure, period=leap, value=Decimal("50"))

    officer = selectors.measure_page(measure, as_at=date(2024, 6, 30)).rows[0]
    assert (officer.period, officer.rag) == (leap, "amber")

    periods = list(ReportingPeriod.objects.values("id", "name", "kind", "start", "end"))
    (read,) = measures.programme_measures(programme.pk, as_at=date(2024, 6, 30), periods=periods)
    assert (read.with_values[-1].period_id, read.with_values[-1].rag) == (leap.pk, "amber")


def test_travel_compares_with_the_latest_earlier_value_on_the_measure_page_and_the_dashboard():
    programme = ProgrammeFactory()
    q1, _q2, q3 = (ReportingPeriodFactory(quarter=q) for q in (1, 2, 3))
    measure = MeasureFactory(programme=programme, unit="percentage", polarity="higher")
    MeasureValue.objects.create(measure=measure, period=q1, value=Decimal("80"))
    MeasureValue.objects.create(measure=measure, period=q3, value=Decimal("70"))
    as_at = date(2025, 1, 31)

    rows = {row.period: row for row in selectors.measure_page(measure, as_at=as_at).rows}
    assert (rows[q3].direction, rows[q3].direction_label) == ("worse", "Worse than the previous period")

    periods = list(ReportingPeriod.objects.values("id", "name", "kind", "start", "end"))
    (read,) = measures.programme_measures(programme.pk, as_at=as_at, periods=periods)
    latest = read.with_values[-1]
    assert (latest.period_id, latest.previous.period_id, latest.direction) == (q3.pk, q1.pk, "worse")
