"""A programme as the layouts the import reads back: one sheet of objective rows, each followed
by its actions (CSV), and in a workbook also a sheet of measures with their yearly targets and
one of risks. Small on purpose: it exists so that export-then-import can be tested; the
committee exports come later. Text that a spreadsheet would run as a formula is escaped
(programmes.spreadsheets) and the import reads it back as it was.

The columns the import kept without reading (a record's `extra`: "Directorate", "Measure",
"Links to") go out after the others, under their own headings, so a round trip keeps them.

A measure's targets and values go out a column per period ("Target 2024/25", "Target 2024/25 Q1",
"Target April 2024", "Actual 2024/25 Q1"), headed so that the import finds the same period.

What the import does not read is not exported: a measure's tolerance, a risk's links to
mitigating actions. A target goes out in the words
the pages show (actionplans.measures: "£850K", "80% to 90%"), or as its bare number when it has
no words; the import reads a band's words back as the target's text.
"""

import csv
import io

from actionplans.measures import target_words
from actionplans.models import Action, Measure, MeasureTarget, MeasureValue
from governance.models import Risk
from programmes import rules
from programmes.choices import ObjectiveKind, Status
from programmes.models import Objective, Programme, ReportingPeriod
from programmes.spreadsheets import safe_row

from .existing import latest_commentary
from .values import MONTH_NAMES

HEADINGS = ("Ref.", "Type", "Name", "Parent", "Owner", "Start Date", "Due Date", "Revised Due Date",
            "Status", "% Complete", "RAG", "RAG reason", "Latest Note", "Weight", "Delivers against",
            "Description")
OWNER_SEPARATOR = " / "


def export_rows(programme: Programme) -> list[list]:
    """Headings, then every objective (tree order) followed by its actions. Queries: 7."""
    objectives = list(Objective.objects.filter(programme=programme).select_related("owner", "parent")
                      .prefetch_related("leads", "contributes_to").order_by("order", "reference"))
    actions = list(Action.objects.filter(programme=programme).select_related("responsible", "objective")
                   .prefetch_related("leads", "contributes_to").order_by("order", "reference"))
    notes = latest_commentary(programme.pk)
    children, actions_of = {}, {}
    for objective in objectives:
        children.setdefault(objective.parent_id, []).append(objective)
    for action in actions:
        actions_of.setdefault(action.objective_id, []).append(action)
    kept = kept_headings(objectives + actions, HEADINGS)
    rows = [list(HEADINGS) + kept]

    def walk(parent_id):
        for objective in children.get(parent_id, ()):
            rows.append(objective_row(objective) + kept_cells(objective, kept))
            rows.extend(action_row(a, notes.get(a.pk, "")) + kept_cells(a, kept) for a in actions_of.get(objective.pk, ()))
            walk(objective.pk)

    walk(None)
    return rows


def kept_headings(records, headings) -> list[str]:
    """The headings of the columns kept with these records, in the order first met, except any
    that would be read back as one of the sheet's own columns."""
    taken = {h.casefold() for h in headings}
    found = {}
    for record in records:
        for heading in record.extra or {}:
            if heading.casefold() not in taken:
                found.setdefault(heading, None)
    return list(found)


def kept_cells(record, kept: list[str]) -> list[str]:
    extra = record.extra or {}
    return [extra.get(heading, "") for heading in kept]


def owners(first, others) -> str:
    people = ([first] if first else []) + sorted((p for p in others if p != first), key=lambda p: p.name)
    return OWNER_SEPARATOR.join(p.name for p in people)


def refs(objectives) -> str:
    return ", ".join(sorted(o.reference for o in objectives))


def number(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def objective_row(objective: Objective) -> list:
    if objective.manual_percent is not None:
        percent = rules.display_percent(objective.manual_percent)
    else:
        percent = rules.display_percent(objective.rollup_percent)
    return [
        objective.reference, ObjectiveKind(objective.kind).label, objective.title,
        objective.parent.reference if objective.parent else "",
        owners(objective.owner, objective.leads.all()),
        "", rules.uk_date(objective.due_date) or objective.timeframe, "", "",
        "" if percent is None else f"{percent}%", "", "", "", number(objective.weight),
        refs(objective.contributes_to.all()), objective.description,
    ]


def action_row(action: Action, note: str) -> list:
    return [
        action.reference, "Milestone" if action.is_milestone else "Action", action.title,
        action.objective.reference, owners(action.responsible, action.leads.all()),
        rules.uk_date(action.start_date), rules.uk_date(action.due_date) or action.due_note,
        rules.uk_date(action.revised_due_date), Status(action.status).label, f"{action.percent}%",
        rules.Rag(action.declared_rag).label if action.declared_rag else "",
        action.declared_rag_reason, note, number(action.weight), refs(action.contributes_to.all()),
        action.description,
    ]


MEASURE_HEADINGS = ("Reference", "Measure Description", "Objective", "Responsible Officer", "Unit",
                    "Polarity", "Frequency", "Description")
# The words the import reads back for each stored choice.
UNIT_WORDS = {"yes_no": "yes/no"}
RISK_HEADINGS = ("Risk Reference", "Risk Description", "Objective", "Risk Owner", "Inherent likelihood",
                 "Inherent impact", "Likelihood", "Impact", "Target likelihood", "Target impact",
                 "Review date", "Status", "Mitigation", "Description")


def period_label(period: ReportingPeriod) -> str:
    """A period as a heading names it, whatever the period is called here ("2024/25 M01")."""
    if period.kind == ReportingPeriod.Kind.MONTH:
        return f"{MONTH_NAMES[period.start.month - 1]} {period.start.year}"
    if period.kind == ReportingPeriod.Kind.QUARTER and period.quarter:
        return f"{period.financial_year} Q{period.quarter}"
    return period.financial_year or period.name


def measure_rows(programme: Programme) -> list[list]:
    """Headings, then a row per measure with a column per period for its targets, then for its
    values. Queries: 4."""
    measures = list(Measure.objects.filter(programme=programme).select_related("owner")
                    .prefetch_related("objectives").order_by("reference"))
    targets, values, periods = {}, {}, {}
    for target in MeasureTarget.objects.filter(measure__in=measures).select_related("period"):
        targets.setdefault(target.measure_id, {})[target.period_id] = target
        periods[target.period_id] = target.period
    for value in MeasureValue.objects.filter(measure__in=measures).select_related("period"):
        values.setdefault(value.measure_id, {})[value.period_id] = value
        periods[value.period_id] = value.period
    order = sorted(periods.values(), key=lambda p: (p.start, -p.end.toordinal()))
    target_periods = [p for p in order if any(p.pk in by_period for by_period in targets.values())]
    value_periods = [p for p in order if any(p.pk in by_period for by_period in values.values())]
    kept = kept_headings(measures, MEASURE_HEADINGS)
    rows = [list(MEASURE_HEADINGS) + [f"Target {period_label(p)}" for p in target_periods]
            + [f"Actual {period_label(p)}" for p in value_periods] + kept]
    for m in measures:
        mine = values.get(m.pk, {})
        rows.append([
            m.reference, m.title, refs(m.objectives.all()), m.owner.name if m.owner else "",
            UNIT_WORDS.get(m.unit, m.unit), m.polarity, m.frequency, m.description,
            *(target_cell(targets.get(m.pk, {}).get(p.pk), m) for p in target_periods),
            *(number(mine[p.pk].value) if p.pk in mine else "" for p in value_periods), *kept_cells(m, kept),
        ])
    return rows


def target_cell(target: MeasureTarget | None, measure: Measure) -> str:
    """The target in the words every page shows (actionplans.measures); a target that is just its
    number as the bare number, which the import reads back as it was (a formatted "£850,000"
    would come back with those words as its text)."""
    if target is None:
        return ""
    return target_words(target, measure.unit, measure.polarity) or number(target.value)


def risk_rows(programme: Programme) -> list[list]:
    """Headings, then a row per risk. Queries: 1."""
    risks = list(Risk.objects.filter(programme=programme).select_related("owner", "objective").order_by("reference"))
    kept = kept_headings(risks, RISK_HEADINGS)
    rows = [list(RISK_HEADINGS) + kept]
    for r in risks:
        rows.append([
            r.reference, r.title, r.objective.reference if r.objective else "", r.owner.name if r.owner else "",
            r.inherent_likelihood, r.inherent_impact, r.current_likelihood, r.current_impact,
            r.target_likelihood, r.target_impact, rules.uk_date(r.review_date), Risk.Status(r.status).label,
            r.mitigation, r.description, *kept_cells(r, kept),
        ])
    return rows


def export_csv(programme: Programme) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(safe_row(row) for row in export_rows(programme))
    return out.getvalue().encode("utf-8")


def export_xlsx(programme: Programme) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheets = (("Action Plan", export_rows(programme)), ("Measures", measure_rows(programme)),
              ("Risks", risk_rows(programme)))
    for title, rows in sheets:
        if title == "Action Plan" or len(rows) > 1:
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(safe_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
