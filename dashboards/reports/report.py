"""The reads that fill a report (model.py) for any as-at date, scoped to what the user may see.

Every figure is the engine's, from the same cached tree and the same row read (selectors.node_row)
as the dashboards, so a report and the page for the same date cannot disagree.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from actionplans.selectors import latest_commentary, owned_action_ids
from programmes import rules
from programmes.choices import RAG_MEANINGS
from programmes.html import rich_text_as_plain
from programmes.permissions import can_read_everything

from .. import selectors
from ..charts import RAG_FILL
from .model import ACTION_PLAN, KIND_TITLES, RagCount, RagKeyEntry, Report, ReportRow

OBJECTIVE, ACTION = "objective", "action"
GREY_MEANING = "not due to start, or nothing to measure against"


def rag_key() -> tuple[RagKeyEntry, ...]:
    return tuple(RagKeyEntry(rag.value, rag.label, RAG_MEANINGS.get(rag, GREY_MEANING), RAG_FILL[rag])
                 for rag in rules.RAG_ORDER)


def distribution(counts: dict) -> tuple[RagCount, ...]:
    return tuple(RagCount(rag.value, rag.label, counts.get(rag, 0)) for rag in rules.RAG_ORDER)


def _percent_shown(shown: int | None) -> str:
    return "–" if shown is None else f"{shown}%"


def _report_row(row: selectors.NodeRow, *, level: int, parent_ref: str, commentary: str) -> ReportRow:
    return ReportRow(
        kind=row.kind, level=level, ref=row.ref, title=row.title, parent_ref=parent_ref, due=row.due,
        due_shown=rules.uk_date(row.due), status=row.status or "", status_label=row.status_label,
        percent=row.percent, percent_shown=_percent_shown(row.percent_shown), rag=row.rag.value,
        rag_label=row.rag.label, owners=tuple(row.owners), commentary_html=commentary,
        commentary_text=rich_text_as_plain(commentary), milestone=row.milestone, excluded=row.excluded,
    )


def _visible_rows(tree, result, *, as_at: date, allowed: frozenset | None, notes: dict) -> list[ReportRow]:
    """Objectives in reading order (each, then its actions, then its child objectives); an objective
    with nothing the user may see under it is left out when the user sees only their own actions."""
    rows: list[ReportRow] = []

    def walk(node, level: int, parent_ref: str) -> bool:
        own = [_report_row(selectors.node_row(tree, node, as_at), level=level, parent_ref=parent_ref,
                           commentary="")]
        shown = False
        below: list[ReportRow] = []
        for child in node.children:
            if isinstance(child, rules.ActionResult):
                if allowed is not None and child.key[1] not in allowed:
                    continue
                below.append(_report_row(selectors.node_row(tree, child, as_at), level=level + 1,
                                         parent_ref=node.ref, commentary=notes.get(child.key[1], "")))
                shown = True
        start = len(rows)
        rows.extend(own + below)
        for child in node.children:
            if isinstance(child, rules.NodeResult):
                shown = walk(child, level + 1, node.ref) or shown
        if allowed is not None and not shown:
            del rows[start:]
        return shown

    for top in tree.result.children:
        if isinstance(top, rules.NodeResult):
            walk(top, 1, "")
    return rows


def action_plan_report(programme_id: int, *, as_at: date, user, version: tuple | None = None) -> Report | None:
    """The programme's action plan in the layout of the councils' own reports (seed 001): objectives
    nested as deep as the programme, each followed by its actions with their latest commentary.

    Leadership, managers, admins and clerks see every row; anyone else the actions they own and the
    objectives above them. Queries: the tree's (shared with the dashboards' cache), plus one for the
    commentary and, for an owner, one for their actions."""
    tree = selectors.programme_tree(programme_id, as_at=as_at, version=version or selectors.data_version())
    if tree is None:
        return None
    # The command line (no user) and every reader see all of it; anyone else what they own.
    allowed = None if user is None or can_read_everything(user) else owned_action_ids(user, programme_id)
    notes = latest_commentary(programme_id, as_at=as_at)
    rows = _visible_rows(tree, tree.result, as_at=as_at, allowed=allowed, notes=notes)
    programme = selectors.node_row(tree, tree.result, as_at)
    return Report(
        kind=ACTION_PLAN, title=KIND_TITLES[ACTION_PLAN], council=settings.COUNCIL_NAME,
        programme=programme.title, programme_ref=programme.ref, as_at=as_at, as_at_shown=rules.uk_date(as_at),
        percent_shown=_percent_shown(programme.percent_shown), rag=programme.rag.value,
        rag_label=programme.rag.label, distribution=distribution(programme.distribution), rag_key=rag_key(),
        rows=tuple(rows),
    )
