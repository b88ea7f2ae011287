"""Reads for the import pages: the runs, and a run's stored summary laid out for people.

The list never loads a run's file or summary (a file can be 5 MB); the run page loads one run
with its programme and uploader in one query. `run_report` is pure: it only rearranges the
summary (summary.py) that the task stored.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from programmes.models import ImportRun

from .headings import FIELD_LABELS, IGNORE, KEEP, SYNONYMS, TARGET_PREFIX
from .plan import KINDS

KIND_LABELS = {"objectives": "Objectives", "actions": "Actions", "measures": "Measures", "risks": "Risks",
               "people": "People"}
SHEET_KIND_LABELS = {"mixed": "Objectives and actions", "objectives": "Objectives", "actions": "Actions",
                     "measures": "Measures", "risks": "Risks"}
CHANGES_SHOWN = 500  # per kind: enough to check a file by eye without a page of megabytes


def import_runs() -> QuerySet[ImportRun]:
    """Every run, newest first, with its programme and uploader; not its file or summary, only
    whether the summary says it is clean (`preview_ok`)."""
    clean = ExpressionWrapper(Q(summary__ok=True), output_field=BooleanField())
    return (ImportRun.objects.select_related("programme", "created_by").defer("data", "summary", "mapping")
            .annotate(preview_ok=clean).order_by("-created_at", "-pk"))


def import_run_for_page(pk: int) -> ImportRun:
    """One run with its programme and uploader, without the file. Raises ImportRun.DoesNotExist."""
    return ImportRun.objects.select_related("programme", "created_by").defer("data").get(pk=pk)


def progress_label(progress: dict) -> str:
    """"Reading rows: 4,000 of 10,000", from import_run_progress; the commit's second half writes."""
    done, total = progress["rows_done"], progress["rows_total"]
    if progress["finished"]:
        return "Finished"
    if progress["status"] == ImportRun.Status.QUEUED:
        return "Waiting to start"
    if not total:
        return "Opening the file"
    verb = "Importing rows" if progress["progress"] > 50 else "Reading rows"
    return f"{verb}: {done:,} of {total:,}"


@dataclass
class Count:
    kind: str
    label: str
    created: int
    updated: int
    unchanged: int
    errors: int


@dataclass
class Changed:
    kind: str
    label: str
    records: list[dict]  # {ref, sheet, row, fields: [(label, old, new)]}
    total: int


@dataclass
class MappedColumn:
    name: str  # the form field's name
    letter: str
    heading: str
    field: str  # "ignore" when the column is not used
    source: str
    choices: list[tuple[str, str]]


@dataclass
class MappedSheet:
    key: str  # what ImportMapping.sheet_key and the run's mapping are keyed by: the sheet's kind
    name: str
    kind_label: str
    heading_row: int | None
    rows: int
    columns: list[MappedColumn] = field(default_factory=list)


@dataclass
class RunReport:
    ok: bool
    committed: bool
    dry_run: bool
    programme_name: str
    as_at: str
    counts: list[Count]
    changes: list[Changed]
    errors: list[dict]
    warnings: list[dict]
    reconciliation: list[dict]
    new_people: list[str]
    sheets: list[MappedSheet]
    generated: list[dict] = field(default_factory=list)  # references given to rows with none
    flat_objective: dict | None = None
    duplicates: list[dict] = field(default_factory=list)
    start_date: dict | None = None  # {"date": date, "source": words, "changes"}

    @property
    def changed(self) -> int:
        return sum(c.total for c in self.changes)


def run_report(summary: dict) -> RunReport | None:
    """What the run page shows; None until the task has stored a summary."""
    if not summary:
        return None
    return RunReport(
        ok=summary["ok"], committed=summary["committed"], dry_run=summary["dry_run"],
        programme_name=summary["programme"]["name"], as_at=summary["as_at"],
        counts=[Count(kind, KIND_LABELS[kind], summary["created"][kind], summary["updated"][kind],
                      summary["unchanged"][kind], summary["error_counts"][kind]) for kind in KINDS],
        changes=_changes(summary.get("changes", {})),
        errors=summary["errors"], warnings=summary["warnings"],
        reconciliation=summary["reconciliation"], new_people=summary["new_people"],
        sheets=mapped_sheets(summary.get("sheets", [])),
        generated=summary.get("generated", []), flat_objective=summary.get("flat_objective"),
        duplicates=summary.get("duplicates", []), start_date=_start_date(summary.get("start_date")),
    )


START_SOURCES = {"chosen": "as you chose it", "programme": "the programme's own start date",
                 "default": "1 April of the financial year of the as-at date"}


def _start_date(start: dict | None) -> dict | None:
    if not start:
        return None
    return {"date": date.fromisoformat(start["date"]), "source": START_SOURCES[start["source"]],
            "changes": start["changes"]}


def _changes(changes: dict) -> list[Changed]:
    out = []
    for kind, records in changes.items():
        if not records:
            continue
        shown = [{**record, "fields": [(field_label(name), old, new) for name, (old, new)
                                       in record["fields"].items()]} for record in records[:CHANGES_SHOWN]]
        out.append(Changed(kind, KIND_LABELS.get(kind, kind.capitalize()), shown, len(records)))
    return out


def field_label(name: str) -> str:
    """"due_date" -> "Due date"; "target 2024/25" -> "Target 2024/25"."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def mapped_sheets(sheets: list[dict]) -> list[MappedSheet]:
    """Each sheet's columns with the field each fills and the fields it could fill instead."""
    out = []
    for number, sheet in enumerate(sheets):
        mapped = MappedSheet(key=sheet["kind"], name=sheet["name"],
                             kind_label=SHEET_KIND_LABELS.get(sheet["kind"], sheet["kind"]),
                             heading_row=sheet["heading_row"], rows=sheet["rows"])
        fields = field_choices(sheet["kind"])
        for column in sheet["columns"]:
            if not column["heading"]:
                continue  # a mapping names headings, so a column without one cannot be mapped
            current = column["field"] or (KEEP if column.get("kept") else IGNORE)
            choices = fields if current in dict(fields) else fields + [(current, _target_label(current))]
            mapped.columns.append(MappedColumn(
                name=f"sheet-{number}-column-{column['column']}", letter=column["column"],
                heading=column["heading"], field=current, source=column["source"], choices=choices))
        out.append(mapped)
    return out


def field_choices(kind: str) -> list[tuple[str, str]]:
    """The fields a sheet of this kind can fill, in the order of FIELD_LABELS, then "leave out"."""
    known = SYNONYMS.get(kind, {})
    return [(name, label) for name, label in FIELD_LABELS.items() if name in known] + [
        (KEEP, FIELD_LABELS[KEEP]), (IGNORE, FIELD_LABELS[IGNORE])]


def _target_label(name: str) -> str:
    if name.startswith(TARGET_PREFIX):
        return f"Target for {name.removeprefix(TARGET_PREFIX)}"
    return FIELD_LABELS.get(name, field_label(name))
