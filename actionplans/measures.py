"""Measures read and worded once: every page and export that shows a measure goes through here.

- `format_measure_value`: a figure as council reports write it (72.5%, £1,200, 14 days).
- `target_text`: a period's target in words; `target_words`: only what it says beyond a bare number.
- `read_periods`: a measure's periods, each with its target, value, RAG and direction of travel.
- `programme_measures`: every measure of a programme read that way, in two queries.

The officer's measure page (actionplans.selectors), the dashboards and the workbook export
(governance.imports.export) use these and nothing else, so a target shows the same words on each.
Colours and travel come from the rules engine (programmes.rules); none is worked out here.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import CharField, DecimalField, Q, Value

from programmes import rules
from programmes.choices import MeasureUnit, Polarity
from programmes.models import ReportingPeriod

from .models import Measure, MeasureTarget, MeasureValue

UNIT_LABELS = dict(MeasureUnit.choices)
POLARITY_LABELS = dict(Polarity.choices)

# The periods a measure of each frequency has figures for.
PERIOD_KIND = {
    "monthly": ReportingPeriod.Kind.MONTH,
    "quarterly": ReportingPeriod.Kind.QUARTER,
    "annual": ReportingPeriod.Kind.YEAR,
}


def period_kind(measure) -> str:
    return PERIOD_KIND.get(measure.frequency, ReportingPeriod.Kind.QUARTER)


# ---------------------------------------------------------------- what a unit allows

_UNIT_HINTS = {
    MeasureUnit.PERCENTAGE: "A percentage from 0 to 100, like 72.5.",
    MeasureUnit.NUMBER: "A count: 0 or more, like 42.",
    MeasureUnit.CURRENCY: "An amount in pounds, like 1200.50. An overspend may be negative.",
    MeasureUnit.RATIO: "A ratio: 0 or more, like 1.5.",
    MeasureUnit.DAYS: "A number of days: 0 or more, like 14.",
    MeasureUnit.YES_NO: "1 for yes, 0 for no.",
}


def unit_hint(unit: str) -> str:
    """What a value of the unit looks like and may be, said beside the field that takes it."""
    return _UNIT_HINTS.get(unit, UNIT_LABELS.get(unit, ""))



# ---------------------------------------------------------------- words


def format_measure_value(value, unit: str) -> str:
    """A measure's figure as written in council reports: 72.5%, £1,200, 14 days, Yes. "" for none."""
    if value is None:
        return ""
    number = Decimal(str(value) if isinstance(value, float) else value).normalize()
    if unit == MeasureUnit.YES_NO:
        return "Yes" if number else "No"
    text = f"{number:,f}"
    if unit == MeasureUnit.PERCENTAGE:
        return f"{text}%"
    if unit == MeasureUnit.CURRENCY:
        return f"£{text}"
    if unit == MeasureUnit.DAYS:
        return f"{text} day{'' if number == 1 else 's'}"
    return text


def _band_set(target) -> bool:
    return target.band_low is not None or target.band_high is not None


def target_words(target, unit: str, polarity: str) -> str:
    """What a target says beyond a bare number: the council's own words as imported or typed
    ("£850K", "Six", "TBC"), else the band of a within-band measure ("80% to 90%"); "" when it
    is just its number.

    The council's words come first: the import keeps them beside the number it reads from them
    ("£850K" is 850000) precisely so that the target reads as the council wrote it, and a
    number alone can lose words that matter ("25% reduction").
    """
    if target.text:
        return target.text
    if polarity == Polarity.WITHIN_BAND and _band_set(target):
        low = "any" if target.band_low is None else format_measure_value(target.band_low, unit)
        high = "any" if target.band_high is None else format_measure_value(target.band_high, unit)
        return f"{low} to {high}"
    return ""


def target_text(target, unit: str, polarity: str) -> str:
    """A period's target as every page shows it; "" when there is none.

    `target` is a MeasureTarget or anything with its value, band_low, band_high and text.
    A band is the target of a within-band measure only (the RAG reads it for no other).
    """
    if target is None:
        return ""
    return target_words(target, unit, polarity) or format_measure_value(target.value, unit)


@dataclass(frozen=True)
class TargetFigures:
    """A target's fields as read without its model."""

    value: Decimal | None
    band_low: Decimal | None
    band_high: Decimal | None
    text: str


# ---------------------------------------------------------------- periods


def year_earlier(start: date) -> date:
    """The start of the same period a year earlier: 365 days back from 29 February."""
    try:
        return start.replace(year=start.year - 1)
    except ValueError:  # 29 February
        return start - timedelta(days=365)


def _number(value) -> float | None:
    return None if value is None else float(value)


@dataclass
class PeriodReading:
    """One period of a measure: its target, its value, and the engine's colour and travel for them."""

    period_id: int
    target: object | None  # MeasureTarget or TargetFigures
    value: Decimal | None
    direction: rules.Direction | None
    previous: "PeriodReading | None"  # the latest earlier period with a value: what travel compares with
    measure: object = field(repr=False)
    year_earlier_value: Decimal | None = field(repr=False)

    @cached_property
    def rag(self) -> rules.Rag:
        """Worked out when asked for: a dashboard colours only the latest of many periods."""
        measure, target = self.measure, self.target
        if measure.data_only or self.value is None:
            return rules.Rag.GREY
        return rules.measure_rag(
            value=_number(self.value), target=_number(target.value) if target else None,
            polarity=rules.Polarity(measure.polarity), tolerance=float(measure.tolerance),
            tolerance_kind=rules.ToleranceKind(measure.tolerance_kind),
            amber_if_improving=measure.amber_if_improving,
            same_period_last_year=_number(self.year_earlier_value), **_band(target),
        )


def _band(target) -> dict:
    return {"band_low": _number(target.band_low), "band_high": _number(target.band_high)} if target else {}


def read_periods(measure, periods: Iterable[tuple[int, date]], *, targets: Mapping,
                 values: Mapping) -> list[PeriodReading]:
    """Each of the measure's periods, given oldest first as (id, start), read in the same order.

    `targets` and `values` are by period id (a MeasureTarget or TargetFigures; a Decimal).
    RAG is Grey for a data-only measure and where there is no value; "Amber if improving"
    compares with the same period a year earlier (`year_earlier`). Travel compares with the
    latest earlier period that has a value. No queries.
    """
    periods = list(periods)
    by_start = {start: period_id for period_id, start in periods}
    polarity = rules.Polarity(measure.polarity)
    readings, previous = [], None
    for period_id, start in periods:
        target, value = targets.get(period_id), values.get(period_id)
        direction = rules.direction_of_travel(
            current=_number(value), previous=_number(previous.value) if previous else None, polarity=polarity,
            **_band(target),
        )
        reading = PeriodReading(period_id, target, value, direction, previous if value is not None else None,
                                measure=measure, year_earlier_value=values.get(by_start.get(year_earlier(start))))
        readings.append(reading)
        if value is not None:
            previous = reading
    return readings


# ---------------------------------------------------------------- a programme's measures


@dataclass
class MeasureReadings:
    measure: Measure
    readings: list  # PeriodReading of each period of its frequency that has ended, oldest first

    @property
    def with_values(self) -> list:
        return [r for r in self.readings if r.value is not None]


_MEASURE_FIELDS = ("id", "reference", "title", "unit", "polarity", "tolerance", "tolerance_kind",
                   "amber_if_improving", "data_only", "frequency")


def programme_measures(programme_id: int, *, as_at: date, periods: list[dict]) -> list[MeasureReadings]:
    """Measures of the programme or its objectives, by reference, read over the periods of their
    frequency that ended by the date. `periods` are every reporting period as dicts (id, kind,
    start, end), oldest first. Two queries."""
    mine = Q(programme_id=programme_id) | Q(objectives__programme_id=programme_id)
    measures = list(Measure.objects.filter(mine).distinct().order_by("reference").only(*_MEASURE_FIELDS))
    if not measures:
        return []
    ids = [m.pk for m in measures]
    targets = MeasureTarget.objects.filter(measure_id__in=ids).values_list(
        "measure_id", "period_id", "value", "band_low", "band_high", "text", Value("target", output_field=CharField())
    )
    values = MeasureValue.objects.filter(measure_id__in=ids).values_list(
        "measure_id", "period_id", "value", Value(None, output_field=DecimalField()),
        Value(None, output_field=DecimalField()), Value("", output_field=CharField()),
        Value("value", output_field=CharField()),
    )
    targets_of, values_of = defaultdict(dict), defaultdict(dict)
    for measure_id, period_id, value, low, high, text, what in targets.union(values, all=True):
        if what == "target":
            targets_of[measure_id][period_id] = TargetFigures(value, low, high, text)
        else:
            values_of[measure_id][period_id] = value
    ended = defaultdict(list)
    for p in periods:
        if p["end"] <= as_at:
            ended[p["kind"]].append((p["id"], p["start"]))
    return [
        MeasureReadings(m, read_periods(m, ended[period_kind(m)], targets=targets_of[m.pk], values=values_of[m.pk]))
        for m in measures
    ]
