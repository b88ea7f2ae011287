"""Reads of governance's records: risks (as they stood on a date) and the boards a programme reports to.

The dashboards compose their pages from these; they do not query boards or risks themselves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import BigIntegerField, Value
from django.utils import timezone

from programmes import rules

from .charts import BoardNode
from .models import Assurance, Board, BoardMembership, Risk, RiskReview

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


@dataclass
class BoardsIndex:
    roots: list  # charts.BoardNode, the boards that report to none, each with those below it
    rows: list[dict]  # every board by name: id, name, short_name, reports_to, meeting_frequency, chair


def boards_index() -> BoardsIndex:
    """Every board, its chair and the board it reports to, and the tree they make. Queries: 2."""
    rows = list(Board.objects.order_by("name").values("id", "name", "short_name", "reports_to_id",
                                                       "meeting_frequency"))
    chairs = defaultdict(list)
    for board_id, name in (BoardMembership.objects.filter(role=BoardMembership.Role.CHAIR)
                           .order_by("person__name").values_list("board_id", "person__name")):
        chairs[board_id].append(name)
    by_id = {row["id"]: row for row in rows}
    nodes = {row["id"]: BoardNode(row["id"], row["short_name"], row["name"]) for row in rows}
    roots = []
    for row in rows:
        row["chair"] = ", ".join(chairs[row["id"]])
        parent = by_id.get(row["reports_to_id"])
        row["reports_to"] = parent
        if parent is None:
            roots.append(nodes[row["id"]])
        else:
            nodes[parent["id"]].children.append(nodes[row["id"]])
    # A loop written before the services refused them would hide its boards: show each at the top.
    reached = set()

    def reach(node):
        reached.add(node.id)
        for child in node.children:
            reach(child)

    for root in roots:
        reach(root)
    for row in rows:
        if row["id"] not in reached:
            node = nodes[row["id"]]
            node.children = [child for child in node.children if child.id not in reached]
            roots.append(node)
            reach(node)
    return BoardsIndex(roots, rows)


@dataclass
class BoardPage:
    board: Board
    members: list  # BoardMembership with person, chair first
    meetings: list  # Meeting, latest first
    programmes: list[dict]  # id, name, short_name
    objectives: list[dict]  # id, reference, title, programme_id, programme__short_name
    sub_boards: list[dict]  # id, name, short_name

    @property
    def chairs(self):
        return [m for m in self.members if m.role == BoardMembership.Role.CHAIR]

    @property
    def deputies(self):
        return [m for m in self.members if m.role == BoardMembership.Role.DEPUTY_CHAIR]


ROLE_ORDER = {role: index for index, role in enumerate(BoardMembership.Role.values)}


def board_page(board_id: int) -> BoardPage | None:
    """A board with its members, meetings, what reports to it and the boards below it. Queries: 6."""
    board = Board.objects.select_related("reports_to").filter(pk=board_id).first()
    if board is None:
        return None
    members = sorted(board.memberships.select_related("person"),
                     key=lambda m: (ROLE_ORDER.get(m.role, 99), m.person.name))
    return BoardPage(
        board=board, members=members, meetings=list(board.meetings.order_by("-date")),
        programmes=list(board.programmes.order_by("name").values("id", "name", "short_name")),
        objectives=list(board.objectives.order_by("programme__short_name", "reference").values(
            "id", "reference", "title", "programme_id", "programme__short_name")),
        sub_boards=list(board.sub_boards.order_by("name").values("id", "name", "short_name")),
    )


def assurance_cells(objective_ids: list[int]) -> dict[tuple[int, int], str]:
    """The assurance matrix of these objectives: (objective id, source id) -> note. One query."""
    return {(o, s): note for o, s, note in Assurance.objects.filter(objective_id__in=objective_ids)
            .values_list("objective_id", "source_id", "note")}


# ---------------------------------------------------------------- risks


# What a review records (governance.services.REVIEWED_FIELDS), read back for a date.
RISK_FIGURES = ("inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact",
                "target_likelihood", "target_impact", "review_date", "status", "owner_id")


def _as_at(rows: list[dict], as_at: date) -> list[dict]:
    """Give the risk rows the figures of their latest review on or before the end of `as_at`: one
    query. A risk first reviewed later is shown as first reviewed, as an action added later is (a
    register imported today still has a past); one never reviewed (the import's bulk writes) as it
    is recorded now."""
    if not rows or as_at >= timezone.localdate():
        return rows
    by_id = {row["id"]: row for row in rows}
    chosen = {}
    reviews = (RiskReview.objects.filter(risk_id__in=list(by_id)).order_by("risk_id", "reviewed_on", "id")
               .values("risk_id", "reviewed_on", "owner__name", *RISK_FIGURES))
    for review in reviews:
        if review["risk_id"] not in chosen or review["reviewed_on"] <= as_at:
            chosen[review["risk_id"]] = review
    for risk_id, review in chosen.items():
        row = by_id[risk_id]
        row.update({name: review[name] for name in RISK_FIGURES})
        if "owner__name" in row:
            row["owner__name"] = review["owner__name"]
        row["reviewed_on"] = review["reviewed_on"]
    return rows


def risks_as_at(programme_id: int, as_at: date, *fields: str) -> list[dict]:
    """The programme's open risks as they stood at the end of `as_at` (their reviews), with `fields`
    too. Owners are the reviews'; other names are today's. Queries: 1, and 1 more for a past date."""
    rows = list(Risk.objects.filter(programme_id=programme_id).order_by("reference")
                .values("id", *RISK_FIGURES, *fields))
    return [row for row in _as_at(rows, as_at) if row["status"] == Risk.Status.OPEN]


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
    programme_id: int | None = None
    programme_ref: str = ""
    objective_title: str = ""
    owner_id: int | None = None
    inherent_likelihood: int = 0
    inherent_impact: int = 0
    inherent_score: int = 0
    inherent_band: rules.Rag = rules.Rag.GREY
    target_likelihood: int = 0
    target_impact: int = 0
    target_band: rules.Rag = rules.Rag.GREY
    reviewed_on: date | None = None
    actions: list = field(default_factory=list)  # (action id, reference, title) that mitigate it

    @property
    def band_label(self) -> str:
        return rules.risk_band_label(self.band)

    @property
    def inherent_band_label(self) -> str:
        return rules.risk_band_label(self.inherent_band)

    @property
    def target_band_label(self) -> str:
        return rules.risk_band_label(self.target_band)


REGISTER_FIELDS = ("reference", "title", "owner__name", "objective__reference", "objective__title", "objective_id",
                   "mitigation", "programme_id", "programme__short_name", "programme__risk_amber_from",
                   "programme__risk_red_from")


def _row(r: dict, as_at: date, settings_: rules.RollupSettings | None) -> RiskRow:
    if settings_ is None:
        settings_ = rules.RollupSettings(risk_amber_from=r["programme__risk_amber_from"],
                                         risk_red_from=r["programme__risk_red_from"])
    score = rules.risk_score(r["current_likelihood"], r["current_impact"])
    inherent = rules.risk_score(r["inherent_likelihood"], r["inherent_impact"])
    target = rules.risk_score(r["target_likelihood"], r["target_impact"])
    return RiskRow(
        id=r["id"], ref=r["reference"], title=r["title"], owner=r["owner__name"] or "",
        objective=r["objective__reference"] or "", likelihood=r["current_likelihood"],
        impact=r["current_impact"], score=score, band=rules.risk_band(score, settings_),
        target_score=target, review_date=r["review_date"],
        review_overdue=rules.risk_review_overdue(r["review_date"], as_at),
        mitigation=r["mitigation"], objective_id=r["objective_id"], programme_id=r["programme_id"],
        programme_ref=r["programme__short_name"], objective_title=r["objective__title"] or "",
        owner_id=r["owner_id"], inherent_likelihood=r["inherent_likelihood"],
        inherent_impact=r["inherent_impact"], inherent_score=inherent,
        inherent_band=rules.risk_band(inherent, settings_), target_likelihood=r["target_likelihood"],
        target_impact=r["target_impact"], target_band=rules.risk_band(target, settings_),
        reviewed_on=r.get("reviewed_on"),
    )


def risk_register(*, as_at: date, programme_id: int | None = None,
                  settings_: rules.RollupSettings | None = None, with_actions: bool = False) -> list[RiskRow]:
    """The open risks on the date, of one programme or of all, highest current score first, each
    banded by its programme's settings (or `settings_`). Queries: 1, 1 more for a past date, 1 more
    `with_actions` (the actions that mitigate each)."""
    risks = Risk.objects.all() if programme_id is None else Risk.objects.filter(programme_id=programme_id)
    raw = list(risks.order_by("programme__short_name", "reference").values("id", *RISK_FIGURES, *REGISTER_FIELDS))
    rows = [_row(r, as_at, settings_) for r in _as_at(raw, as_at) if r["status"] == Risk.Status.OPEN]
    if with_actions and rows:
        by_id = {row.id: row for row in rows}
        links = (Risk.mitigating_actions.through.objects.filter(risk_id__in=list(by_id))
                 .order_by("action__reference").values_list("risk_id", "action_id", "action__reference",
                                                             "action__title"))
        for risk_id, action_id, reference, title in links:
            by_id[risk_id].actions.append((action_id, reference, title))
    rows.sort(key=lambda row: (-row.score, row.programme_ref, row.ref))
    return rows


def risk_list(programme_id: int, *, as_at: date, likelihood: int | None = None, impact: int | None = None,
              settings_: rules.RollupSettings = rules.DEFAULT_SETTINGS) -> list[RiskRow]:
    """The open risks on the date, highest score first; `likelihood` and `impact` pick one cell of the heat map."""
    return [row for row in risk_register(as_at=as_at, programme_id=programme_id, settings_=settings_)
            if (not likelihood or row.likelihood == likelihood) and (not impact or row.impact == impact)]


BAND_WORDS = {"high": rules.Rag.RED, "medium": rules.Rag.AMBER, "low": rules.Rag.GREEN}


def filter_register(rows: list[RiskRow], *, q: str = "", programme: int | None = None, owner: int | None = None,
                    band: str | None = None, overdue: str | None = None, likelihood: int | None = None,
                    impact: int | None = None, **_ignored) -> list[RiskRow]:
    """The register's rows that pass the filters (the as-at date was applied when reading them)."""
    q, band_rag = (q or "").lower(), BAND_WORDS.get(band or "")
    return [
        row for row in rows
        if (not q or q in f"{row.ref} {row.title}".lower())
        and (not programme or row.programme_id == programme)
        and (not owner or row.owner_id == owner)
        and (not band_rag or row.band == band_rag)
        and (not overdue or row.review_overdue == (overdue == "yes"))
        and (not likelihood or row.likelihood == likelihood)
        and (not impact or row.impact == impact)
    ]


def heat_counts(rows: list[RiskRow], scores: str = "current") -> dict[tuple[int, int], int]:
    """How many of the rows sit in each (likelihood, impact) cell, by current or inherent scores."""
    counts = defaultdict(int)
    for row in rows:
        if scores == "inherent":
            counts[(row.inherent_likelihood, row.inherent_impact)] += 1
        else:
            counts[(row.likelihood, row.impact)] += 1
    return dict(counts)


@dataclass(frozen=True)
class ScoreWords:
    likelihood: int
    impact: int
    score: int
    band: rules.Rag

    @property
    def band_label(self) -> str:
        return rules.risk_band_label(self.band)


def scores_of(record, settings_: rules.RollupSettings) -> dict[str, ScoreWords]:
    """A risk's or a review's inherent, current and target scores with their bands."""
    words = {}
    for stage in ("inherent", "current", "target"):
        likelihood, impact = getattr(record, f"{stage}_likelihood"), getattr(record, f"{stage}_impact")
        score = rules.risk_score(likelihood, impact)
        words[stage] = ScoreWords(likelihood, impact, score, rules.risk_band(score, settings_))
    return words


@dataclass
class RiskPage:
    risk: Risk
    scores: dict
    actions: list[dict]
    reviews: list  # (RiskReview, its scores), latest first
    review_overdue: bool


def risk_page(risk_id: int, *, today: date) -> RiskPage | None:
    """A risk with its programme, owner and objective, its mitigating actions and every review, latest
    first. Queries: 3."""
    risk = Risk.objects.select_related("programme", "owner", "objective").filter(pk=risk_id).first()
    if risk is None:
        return None
    settings_ = rules.RollupSettings(risk_amber_from=risk.programme.risk_amber_from,
                                     risk_red_from=risk.programme.risk_red_from)
    actions = list(risk.mitigating_actions.order_by("reference").values("id", "reference", "title"))
    reviews = [(review, scores_of(review, settings_)) for review in
               risk.reviews.select_related("owner", "recorded_by").order_by("-reviewed_on", "-id")]
    return RiskPage(risk, scores_of(risk, settings_), actions, reviews,
                    rules.risk_review_overdue(risk.review_date, today))


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
