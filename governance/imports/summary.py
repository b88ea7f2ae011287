"""The JSON summary of an import: what `import_plan --format json` prints and ImportRun keeps.

    {"ok", "dry_run", "committed", "programme", "file", "as_at",
     "created", "updated", "unchanged", "error_counts"   (each: kind -> count, for objectives,
                                                           actions, measures, risks, people),
     "errors", "warnings"                                  (each: [{sheet, row, column, message}]),
     "reconciliation"                                      ([{ref, stated, computed, sheet, row}]),
     "new_people", "progress_updates", "changes", "sheets",
     "generated"     ([{kind, sheet, row, ref, title}]: references given to rows with none),
     "flat_objective" ({ref, title} or null), "duplicates" ([{name, like, like_is_new, sheet, row}]),
     "start_date"    ({date, source: chosen|programme|default, changes} or null)}

For a refused file or a failed commit the counts are what the plan found (nothing was written:
"committed" is false); for a file refused before it was read they are all 0.
"""

from datetime import date

from programmes import rules

from .plan import KINDS, UPDATE, Plan


def _zero() -> dict:
    return dict.fromkeys(KINDS, 0)


def import_summary(result) -> dict:
    plan: Plan | None = result.plan
    counts = plan.counts() if plan else {"created": _zero(), "updated": _zero(), "unchanged": _zero()}
    programme = result.programme
    return {
        "ok": result.ok,
        "dry_run": result.dry_run,
        "committed": result.committed,
        "programme": {
            "id": programme.pk if programme else None,
            "name": programme.name if programme else result.new_programme_name,
            "short_name": programme.short_name if programme else "",
            "created": result.programme_created,
        },
        "file": {"name": result.file_name, "bytes": result.file_size},
        "as_at": result.as_at.isoformat(),
        **counts,
        "error_counts": plan.error_counts if plan else _zero(),
        "errors": [issue.as_dict() for issue in result.errors],
        "warnings": [issue.as_dict() for issue in result.warnings],
        "reconciliation": plan.reconciliation if plan else [],
        "new_people": sorted(p.name for p in plan.people.new.values()) if plan else [],
        "progress_updates": plan.progress_updates if plan else 0,
        "changes": changes(plan) if plan else {},
        "sheets": [sheet.as_dict() for sheet in plan.sheets] if plan else [],
        "generated": plan.generated if plan else [],
        "flat_objective": plan.flat_objective if plan else None,
        "duplicates": plan.duplicates if plan else [],
        "start_date": plan.start_date if plan else None,
    }


def changes(plan: Plan) -> dict:
    """Each changed record's fields, old and new, by kind."""
    out = {}
    for kind, plural in (("objective", "objectives"), ("action", "actions"), ("measure", "measures"),
                         ("risk", "risks")):
        out[plural] = [{"ref": r.ref, "sheet": r.sheet, "row": r.row, "fields": r.changes}
                       for r in plan.of(kind).values() if r.op == UPDATE]
    return out


def summary_text(summary: dict) -> str:
    """The summary for people: counts, then every error, warning and difference."""
    lines = [_headline(summary)]
    labels = (("created", "Created" if summary["committed"] else "To create"),
              ("updated", "Updated" if summary["committed"] else "To update"),
              ("unchanged", "Unchanged"), ("error_counts", "Errors"))
    for key, label in labels:
        lines.append(f"{label}: " + ", ".join(_count(summary[key][kind], kind) for kind in KINDS))
    if summary.get("start_date"):
        start = summary["start_date"]
        lines.append(f"Programme start date: {_uk(start['date'])} ({START_SOURCES[start['source']]})")
    if summary["new_people"]:
        lines.append("New people: " + ", ".join(summary["new_people"]))
    for pair in summary.get("duplicates", []):
        lines.append(f"Maybe the same person: {pair['name']} and {pair['like']} (kept apart unless merged)")
    if summary.get("generated"):
        lines.append(f"References given to rows without one ({len(summary['generated'])}):")
        lines += [f"- {g['sheet']} row {g['row']}: {g['ref']} {g['title']}" for g in summary["generated"]]
    if summary.get("flat_objective"):
        flat = summary["flat_objective"]
        lines.append(f"The plan's actions sit under the objective {flat['ref']} “{flat['title']}”")
    for kind, changed in summary["changes"].items():
        if changed:
            lines.append(f"Changed {kind} ({len(changed)}):")
            lines += [f"- {c['ref']}: " + "; ".join(f"{name} {change_text(old)} → {change_text(new)}"
                                                      for name, (old, new) in c["fields"].items())
                      for c in changed]
    for title, issues in (("Errors", summary["errors"]), ("Warnings", summary["warnings"])):
        if issues:
            lines.append(f"{title} ({len(issues)}):")
            lines += [f"- {_where(i)}{i['message']}" for i in issues]
    if summary["reconciliation"]:
        lines.append("Stated percent differs from the calculated one:")
        lines += [f"- {d['ref']}: the file says {d['stated']}%, calculated {_percent(d['computed'])}"
                  for d in summary["reconciliation"]]
    return "\n".join(lines)


START_SOURCES = {"chosen": "as chosen", "programme": "the programme's own",
                 "default": "1 April of the financial year of the as-at date"}


def _uk(iso: str) -> str:
    return rules.uk_date(date.fromisoformat(iso))


_SINGULAR = {"objectives": "objective", "actions": "action", "measures": "measure", "risks": "risk",
             "people": "person"}


def _count(number: int, kind: str) -> str:
    return f"{number} {_SINGULAR[kind] if number == 1 else kind}"


def _headline(summary: dict) -> str:
    name = summary["programme"]["name"]
    if summary["committed"]:
        return f"Imported {summary['file']['name']} into {name}."
    if summary["ok"]:
        return f"Dry run of {summary['file']['name']} into {name}: no errors. Nothing was written."
    return f"Nothing was imported from {summary['file']['name']}: fix the errors below and try again."


def _where(issue: dict) -> str:
    parts = [issue["sheet"]] if issue["sheet"] else []
    if issue["row"]:
        parts.append(f"row {issue['row']}")
    if issue["column"]:
        parts.append(issue["column"])
    return f"{', '.join(parts)}: " if parts else ""


def change_text(value) -> str:
    """A changed field's old or new value for people: text in quotes, lists joined, blanks named."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return f"“{value}”" if isinstance(value, str) else str(value)


def _percent(value) -> str:
    return "no percent" if value is None else f"{value}%"
