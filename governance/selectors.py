"""Reads of governance's records: risks (as they stood on a date) and the boards a programme reports to.

The dashboards compose their pages from these; they do not query boards or risks themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import BigIntegerField, Value
from django.utils import timezone

from programmes import rules
from programmes.audit import updates_after

from .models import Board, Risk

# ---------------------------------------------------------------- boards


def programme_boards(programme_id: int) -> tuple[tuple, dict]:
    """Boards this programme or its objectives report to, in one query: ((board id, "Name (SHORT)"), ...)
    by name, and board id -> the objective ids linked (None: the whole programme)."""
    by_objective = Board.objectives.through.objects.filter(objective__programme_id=programme_id).values_list(
        "board_id", "board__short_name", "board__name", "objective_id"
    )
    whole = Board.programmes.through.objects.filter(programme_id=programme_id).values_list(
        "board_id", "board__short_name", "board__name", Value(None, output_field=BigIntegerField())
    )
    labels, linked = {}, defaultdict(set)
    for board_id, short_name, name, objective_id in by_objective.union(whole, all=True):
        labels[board_id] = f"{name} ({short_name})"
        linked[board_id].add(objective_id)
    return tuple(sorted(labels.items(), key=lambda item: item[1])), dict(linked)


# ---------------------------------------------------------------- risks


# What a risk's scores, review date and status were is undone from the audit trail (risks keep
# no history of their own, and every write through a service records each field's old value).
RISK_FIGURES = ("current_likelihood", "current_impact", "target_likelihood", "target_impact", "review_date",
                "status")


def risks_as_at(programme_id: int, as_at: date, *fields: str) -> list[dict]:
    """The programme's open risks as they stood at the end of `as_at`, with `fields` too: today's rows,
    with every change audited after that day undone. A risk recorded later is shown as first
    recorded, as an action added later is (a register imported today still has a past); names
    (owner, objective) are today's. Queries: 1, and 1 more for a past date."""
    rows = list(Risk.objects.filter(programme_id=programme_id).order_by("reference")
                .values("id", *RISK_FIGURES, *fields))
    if rows and as_at < timezone.localdate():
        by_id = {str(row["id"]): row for row in rows}
        for object_id, _at, changes in updates_after(Risk, by_id, as_at):
            row = by_id[object_id]
            for name, (old, _new) in changes.items():
                if name in RISK_FIGURES:
                    row[name] = date.fromisoformat(old) if name == "review_date" and old else old
    return [row for row in rows if row["status"] == Risk.Status.OPEN]


def risk_counts(programme_id: int, as_at: date) -> tuple[dict, int]:
    """Open risks on the date by (current likelihood, current impact), and how many were past their review."""
    counts, overdue = defaultdict(int), 0
    for row in risks_as_at(programme_id, as_at):
        counts[(row["current_likelihood"], row["current_impact"])] += 1
        overdue += rules.risk_review_overdue(row["review_date"], as_at)
    return dict(counts), overdue


@dataclass
class RiskRow:
    id: int
    ref: str
    title: str
    owner: str
    objective: str
    likelihood: int
    impact: int
    score: int
    band: rules.Rag
    target_score: int
    review_date: date | None
    review_overdue: bool
    mitigation: str
    objective_id: int | None = None


def risk_list(programme_id: int, *, as_at: date, likelihood: int | None = None, impact: int | None = None,
              settings_: rules.RollupSettings = rules.DEFAULT_SETTINGS) -> list[RiskRow]:
    """The open risks on the date, highest score first; `likelihood` and `impact` pick one cell of the heat map."""
    rows = []
    for r in risks_as_at(programme_id, as_at, "reference", "title", "owner__name", "objective__reference",
                         "objective_id", "mitigation"):
        if (likelihood and r["current_likelihood"] != likelihood) or (impact and r["current_impact"] != impact):
            continue
        score = rules.risk_score(r["current_likelihood"], r["current_impact"])
        rows.append(RiskRow(
            id=r["id"], ref=r["reference"], title=r["title"], owner=r["owner__name"] or "",
            objective=r["objective__reference"] or "", likelihood=r["current_likelihood"],
            impact=r["current_impact"], score=score, band=rules.risk_band(score, settings_),
            target_score=rules.risk_score(r["target_likelihood"], r["target_impact"]),
            review_date=r["review_date"], review_overdue=rules.risk_review_overdue(r["review_date"], as_at),
            mitigation=r["mitigation"], objective_id=r["objective_id"],
        ))
    rows.sort(key=lambda row: (-row.score, row.ref))
    return rows


@dataclass(frozen=True)
class LinkedRisks:
    """The open risks on a date, in words, by the action that mitigates them and by their objective."""

    by_action: dict  # action id -> ["R03 Workforce shortage (current score 16, Red)", ...]
    by_objective: dict  # objective id -> [...]


def risk_words(row: RiskRow) -> str:
    """A risk as a report names it: reference, title, current score and band."""
    return f"{row.ref} {row.title} (current score {row.score}, {row.band.label})"


def linked_risks(programme_id: int, *, as_at: date,
                 settings_: rules.RollupSettings = rules.DEFAULT_SETTINGS) -> LinkedRisks:
    """Which open risks each action mitigates and each objective carries, as at the date, highest score
    first. Queries: the risk list's, plus one for the mitigating actions."""
    rows = risk_list(programme_id, as_at=as_at, settings_=settings_)
    words = {row.id: risk_words(row) for row in rows}
    by_action, by_objective = defaultdict(list), defaultdict(list)
    links = Risk.mitigating_actions.through.objects.filter(risk_id__in=list(words)).values_list("risk_id",
                                                                                                  "action_id")
    linked = defaultdict(list)
    for risk_id, action_id in links:
        linked[risk_id].append(action_id)
    for row in rows:  # highest score first, so each list is too
        for action_id in linked[row.id]:
            by_action[action_id].append(words[row.id])
        if row.objective_id:
            by_objective[row.objective_id].append(words[row.id])
    return LinkedRisks(dict(by_action), dict(by_objective))
