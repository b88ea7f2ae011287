"""The roll-up and RAG rules of docs/rules.md, over plain dataclasses.

Every page, export, import check and API reads its figures from here, so one
action shows the same number everywhere. Pure standard library: selectors load
the facts, this module computes, services store or render the results.

Percents are floats, unrounded; `display_percent` rounds half up for people.
Numbers from the database may arrive as Decimal: they are turned into floats
where they are used, so callers need not convert them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache, wraps


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"
    DEFERRED = "deferred"

    @property
    def label(self) -> str:
        """The status in words, the same on every page, export and e-mail: "Not started"."""
        return self.value.replace("_", " ").capitalize()


class Rag(StrEnum):
    BLUE = "blue"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        """The colour's one word on every page, export and e-mail: "Blue" (a key may add what it means)."""
        return self.value.capitalize()


class PercentMethod(StrEnum):
    MEAN_OF_CHILDREN = "mean_of_children"
    MEAN_OF_DESCENDANT_ACTIONS = "mean_of_descendant_actions"
    SHARE_COMPLETED = "share_completed"
    MANUAL = "manual"

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


class RagPolicy(StrEnum):
    PROPORTION = "proportion"
    WORST = "worst"
    MAJORITY = "majority"


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"
    WITHIN_BAND = "band"


class ToleranceKind(StrEnum):
    PERCENT = "percent"
    ABSOLUTE = "absolute"


class Direction(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


_METHOD_LABELS = {
    PercentMethod.MEAN_OF_CHILDREN: "weighted mean of children",
    PercentMethod.MEAN_OF_DESCENDANT_ACTIONS: "weighted mean of all descendant actions",
    PercentMethod.SHARE_COMPLETED: "weighted share of children completed",
    PercentMethod.MANUAL: "entered by the owner",
}

# Dashboards list the distribution in this order.
RAG_ORDER = (Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)

# For "is the declared RAG greener than the computed one". Grey is never compared.
_GREENNESS = {Rag.BLUE: 3, Rag.GREEN: 2, Rag.AMBER: 1, Rag.RED: 0}

# Majority ties go to the worse colour.
_SEVERITY = {Rag.BLUE: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# A formula with thousands of terms helps nobody; the children list has them all.
_FORMULA_TERMS = 25


# ---------------------------------------------------------------- facts in


@dataclass(frozen=True, slots=True)
class RollupSettings:
    """One per programme; defaults as rules.md states them."""

    percent_method: PercentMethod = PercentMethod.MEAN_OF_CHILDREN
    rag_policy: RagPolicy = RagPolicy.PROPORTION
    green_threshold: float = 90.0
    red_threshold: float = 70.0
    excluded_statuses: frozenset[Status] = frozenset({Status.CANCELLED, Status.DEFERRED})
    stale_days: int = 45
    manual_difference_points: float = 5.0
    risk_amber_from: int = 5
    risk_red_from: int = 15

    def __post_init__(self) -> None:
        if self.red_threshold > self.green_threshold:
            raise ValueError("The red threshold must not be above the green threshold.")
        if self.risk_amber_from > self.risk_red_from:
            raise ValueError("Risk amber must start at or below risk red.")


DEFAULT_SETTINGS = RollupSettings()


@dataclass(frozen=True, slots=True)
class ActionFacts:
    """An action as at the date; the caller has picked the right progress update."""

    key: object
    ref: str
    title: str = ""
    status: Status = Status.NOT_STARTED
    percent: float | None = None
    start: date | None = None
    due: date | None = None  # the revised due date when there is one
    milestone: bool = False
    weight: float = 1.0
    declared_rag: Rag | None = None
    last_updated: date | None = None  # effective date of the latest update on/before as-at
    created: date | None = None


@dataclass(frozen=True, slots=True)
class ObjectiveFacts:
    key: object
    ref: str
    title: str = ""
    weight: float = 1.0
    manual_percent: float | None = None
    children: tuple[ObjectiveFacts | ActionFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgrammeFacts:
    key: object
    ref: str
    title: str = ""
    start: date | None = None
    settings: RollupSettings = DEFAULT_SETTINGS
    children: tuple[ObjectiveFacts | ActionFacts, ...] = ()
    period_start: date | None = None  # start of the current reporting period


# ---------------------------------------------------------------- results out


@dataclass(frozen=True, slots=True)
class ActionResult:
    key: object
    ref: str
    percent: float | None
    rag: Rag
    declared_rag: Rag | None
    declared_greener: bool
    excluded: bool
    exclusion_reason: str | None
    stale: bool
    expected: float | None  # set only when the colour came from the schedule
    performance: float | None
    reason: str
    title: str = ""
    status: Status = Status.NOT_STARTED
    weight: float = 1.0
    kind: str = "action"


@dataclass(frozen=True, slots=True)
class ChildContribution:
    key: object
    ref: str
    title: str
    kind: str  # "action" | "objective"
    percent: float | None
    rag: Rag
    weight: float
    included_in_percent: bool
    included_in_rag: bool
    reason_excluded: str | None

    def as_dict(self) -> dict:
        return {
            "key": _jsonable_key(self.key),
            "ref": self.ref,
            "title": self.title,
            "kind": self.kind,
            "percent": self.percent,
            "rag": self.rag.value,
            "weight": float(self.weight),
            "included_in_percent": self.included_in_percent,
            "included_in_rag": self.included_in_rag,
            "reason_excluded": self.reason_excluded,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    method: PercentMethod
    policy: RagPolicy
    thresholds: dict
    children: tuple[ChildContribution, ...]
    percent_formula: str
    rag_reason: str
    distribution: dict[Rag, int]
    ref: str = ""
    percent: float | None = None

    def as_text(self) -> str:
        shown = display_percent(self.percent)
        lines = [
            f"{self.ref}: {'no percent (no included children)' if shown is None else f'{shown}%'}",
            f"Percent ({self.method.label}): {self.percent_formula}",
            f"RAG ({self.policy.value} rule): {self.rag_reason}",
            "Distribution: " + _distribution_text(self.distribution),
        ]
        if self.children:
            lines.append("Children:")
            lines.extend(f"- {_child_line(child)}" for child in self.children)
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "ref": self.ref,
            "percent": self.percent,
            "method": self.method.value,
            "policy": self.policy.value,
            "thresholds": dict(self.thresholds),
            "percent_formula": self.percent_formula,
            "rag_reason": self.rag_reason,
            "distribution": {rag.value: count for rag, count in self.distribution.items()},
            "children": [child.as_dict() for child in self.children],
        }


@dataclass(frozen=True, slots=True)
class NodeResult:
    key: object
    ref: str
    kind: str  # "programme" | "objective"
    percent: float | None
    calculated_percent: float | None
    manual_difference_flag: bool
    rag: Rag
    distribution: dict[Rag, int]  # every descendant action; excluded ones count as grey
    explanation: Explanation
    children: tuple[NodeResult | ActionResult, ...]
    title: str = ""
    weight: float = 1.0


# ---------------------------------------------------------------- display


def display_percent(value: float | Decimal | int | None) -> int | None:
    """Whole number, half up (47.5 -> 48). Decimal(repr) so 0.1-style floats round as written."""
    if value is None:
        return None
    return int(_decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_text(value: float | Decimal | int | None) -> str:
    """A percent as people read it: "48%" (display_percent), or a dash when there is none."""
    shown = display_percent(value)
    return "–" if shown is None else f"{shown}%"


@lru_cache(maxsize=1024)  # every action's reason names the as-at date, most the same start date
def uk_date(day: date | None) -> str:
    """30 March 2025, or "" for no date: the one way a date is written, on pages, in exports,
    reasons and the admin.

    Not strftime("%B") or Django's date filter: those follow the server's or the request's locale.
    A datetime must be made a local date first (programmes.templatetags.ui.uk_date does).
    """
    return "" if day is None else f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _decimal(value: float | Decimal | int) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def _floats_cached(function):
    """Remember `function`'s answer for floats only, in a bounded cache.

    Formulas and reasons repeat the same few floats a thousand times a roll-up. Other numbers
    are not cached: 1.005 == Decimal(1.005) and Decimal("2.5") == 2.5 as keys, but they format
    and parse differently.
    """
    cached = lru_cache(maxsize=4096)(function)

    @wraps(function)
    def call(value):
        return cached(value) if type(value) is float else function(value)

    return call


def plain_number(value: float | Decimal | int) -> str:
    """A weight or threshold as the engine's own explanations write it: 75, 47.78, 0.5."""
    return _number(value)


@_floats_cached
def _number(value: float | Decimal | int) -> str:
    """Up to two decimal places, no trailing zeros: 75, 47.78, 0.5."""
    # This runs for every child, so Decimal is kept for the one case where the
    # float format rounds differently from half up as written: a 5 in the third place.
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    if isinstance(value, float):
        written = repr(value)
        if "e" not in written and not (len(written) - written.index(".") == 4 and written[-1] == "5"):
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            return "0" if text == "-0" else text
    text = f"{_decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------- actions


def effective_percent(action: ActionFacts) -> float | None:
    """The percent the rules use: Completed is 100, a milestone is 100 or 0, Not started is 0."""
    if action.status == Status.COMPLETED:
        return 100.0
    if action.milestone:
        return 100.0 if action.percent is not None and float(action.percent) == 100 else 0.0
    if action.status == Status.NOT_STARTED:
        return 0.0
    return None if action.percent is None else float(action.percent)


def action_result(
    action: ActionFacts,
    *,
    as_at: date,
    settings: RollupSettings,
    programme_start: date | None = None,
    period_start: date | None = None,
) -> ActionResult:
    entered = effective_percent(action)
    if action.status in settings.excluded_statuses:
        label = Status(action.status).label
        return ActionResult(
            key=action.key, ref=action.ref, percent=entered, rag=Rag.GREY,
            declared_rag=action.declared_rag, declared_greener=False,
            excluded=True, exclusion_reason=label, stale=False, expected=None, performance=None,
            reason=f"{label}, so left out of roll-ups and RAG counts",
            title=action.title, status=action.status, weight=action.weight,
        )
    # An included action with no figure entered has shown no progress; leaving it
    # out of the mean would flatter its parent.
    percent = 0.0 if entered is None else entered
    rag, expected, performance, reason = _schedule_rag(action, percent, as_at, settings, programme_start)
    # In field order, not by keyword: through the class, keywords cost a dict a call, and
    # this runs for every action of every roll-up.
    return ActionResult(
        action.key,
        action.ref,
        percent,
        rag,
        action.declared_rag,
        is_greener(action.declared_rag, rag),  # declared_greener
        False,  # excluded
        None,  # exclusion_reason
        _is_stale(action, as_at, settings, period_start),
        expected,
        performance,
        reason,
        action.title,
        action.status,
        action.weight,
    )


def _schedule_rag(
    action: ActionFacts, percent: float, as_at: date, settings: RollupSettings, programme_start: date | None
) -> tuple[Rag, float | None, float | None, str]:
    if action.status == Status.COMPLETED:
        return Rag.BLUE, None, None, "Completed"
    start, start_source = _start_date(action, programme_start)
    if start is not None and start > as_at and percent == 0:
        return Rag.GREY, None, None, f"Not due to start until {uk_date(start)}"
    due = action.due
    if due is None:
        declared = action.declared_rag
        if declared is not None:
            # The officer's declared colour is then the computed one, and it rolls up.
            return declared, None, None, (
                f"No due date, so the officer's declared RAG ({Rag(declared).label}) is its colour"
            )
        return Rag.GREEN, None, None, "No due date and no declared RAG, so green"
    if due < as_at:
        return Rag.RED, None, None, f"Due {uk_date(due)} has passed and it is not completed"
    expected, performance = _expected_and_performance(percent, start, due, as_at)
    rag = performance_rag(performance, settings)
    return rag, expected, performance, _schedule_reason(
        percent, expected, performance, rag, as_at, start, start_source, settings
    )


def _start_date(action: ActionFacts, programme_start: date | None) -> tuple[date | None, str]:
    if action.start is not None:
        return action.start, "its start date"
    if programme_start is not None:
        return programme_start, "the programme's start date"
    if action.created is not None:
        return action.created, "the date it was created"
    return None, "no start date"


def _expected_and_performance(
    percent: float, start: date | None, due: date, as_at: date
) -> tuple[float, float]:
    # No start at all: nothing can be expected yet, so the action is on track.
    if start is None or as_at < start:
        return 0.0, 100.0
    elapsed = (as_at - start).days
    window = (due - start).days
    # Also covers a zero-length window (due == start): all of it is expected from the start.
    if elapsed >= window:
        return 100.0, percent
    if elapsed == 0:
        return 0.0, 100.0
    # One division each, from whole numbers, so 30% done at a third expected is exactly 90.
    return elapsed * 100 / window, percent * window / elapsed


def performance_rag(performance: float, settings: RollupSettings = DEFAULT_SETTINGS) -> Rag:
    if performance >= float(settings.green_threshold):
        return Rag.GREEN
    if performance < float(settings.red_threshold):
        return Rag.RED
    return Rag.AMBER


def _schedule_reason(
    percent: float, expected: float, performance: float, rag: Rag, as_at: date,
    start: date | None, start_source: str, settings: RollupSettings,
) -> str:
    green, red = _number(settings.green_threshold), _number(settings.red_threshold)
    rule = {
        Rag.GREEN: f"green from {green}%",
        Rag.AMBER: f"amber from {red}% to under {green}%",
        Rag.RED: f"red below {red}%",
    }[rag]
    if start is None:
        return f"{display_percent(percent)}% done; no start date, so no progress is expected yet"
    shown = performance_text(performance, settings)
    return (
        f"{display_percent(percent)}% done against {display_percent(expected)}% expected by {uk_date(as_at)} "
        f"(from {start_source}, {uk_date(start)}): performance {shown}, {rule}"
    )


def performance_text(performance: float | None, settings: RollupSettings = DEFAULT_SETTINGS) -> str:
    """Performance as people read it, a whole percent ("161%"), but never rounded up onto a threshold
    it is below: 89.6 beside "green from 90%" is "just under 90%", not a Green-looking 90%."""
    if performance is None:
        return ""
    shown = display_percent(performance)
    for threshold in (settings.green_threshold, settings.red_threshold):
        if performance < float(threshold) <= shown:
            return f"just under {_number(threshold)}%"
    return f"{shown}%"


def is_greener(declared: Rag | None, computed: Rag) -> bool:
    """Whether an officer's declared RAG is greener than the computed one (grey never is)."""
    if declared is None or declared not in _GREENNESS or computed not in _GREENNESS:
        return False
    return _GREENNESS[declared] > _GREENNESS[computed]


# Nobody is asked to update these, whatever the programme's excluded statuses are.
_NEVER_STALE = frozenset({Status.COMPLETED, Status.CANCELLED, Status.DEFERRED})


def _is_stale(action: ActionFacts, as_at: date, settings: RollupSettings, period_start: date | None) -> bool:
    if action.status in _NEVER_STALE:
        return False
    last = action.last_updated or action.created
    if last is None:
        return True
    if period_start is not None:
        return last < period_start
    return (as_at - last).days > settings.stale_days


# ---------------------------------------------------------------- roll-up


@dataclass(frozen=True, slots=True)
class _Context:
    as_at: date
    settings: RollupSettings
    programme_start: date | None
    period_start: date | None


# (ref, percent, weight) of an included descendant action, for the descendant-actions method.
_Term = tuple[str, float, float]


def rollup_programme(programme: ProgrammeFacts, *, as_at: date) -> NodeResult:
    """The whole tree, bottom-up in one pass."""
    context = _Context(as_at, programme.settings, programme.start, programme.period_start)
    node, _ = _rollup_node(
        context, kind="programme", key=programme.key, ref=programme.ref, title=programme.title,
        weight=1.0, manual_percent=None, children=programme.children,
    )
    return node


def iter_results(node: NodeResult | ActionResult) -> Iterator[NodeResult | ActionResult]:
    """Every result in the tree, parents before children, in order."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, NodeResult):
            stack.extend(reversed(item.children))


def _rollup_node(
    context: _Context, *, kind: str, key: object, ref: str, title: str, weight: float,
    manual_percent: float | None, children: Iterable[ObjectiveFacts | ActionFacts],
) -> tuple[NodeResult, list[_Term]]:
    settings = context.settings
    results: list[NodeResult | ActionResult] = []
    contributions: list[ChildContribution] = []
    descendant_terms: list[_Term] = []
    distribution = dict.fromkeys(RAG_ORDER, 0)

    for child in children:
        if isinstance(child, ActionFacts):
            result = action_result(
                child, as_at=context.as_at, settings=settings,
                programme_start=context.programme_start, period_start=context.period_start,
            )
            distribution[result.rag] += 1
            left_out = result.exclusion_reason or _weight_or_value_reason(child.weight, result.percent)
            if left_out is None:
                descendant_terms.append((child.ref, result.percent, float(child.weight)))
            child_kind = "action"
        else:
            result, child_terms = _rollup_node(
                context, kind="objective", key=child.key, ref=child.ref, title=child.title,
                weight=child.weight, manual_percent=child.manual_percent, children=child.children,
            )
            for rag, count in result.distribution.items():
                distribution[rag] += count
            left_out = _weight_or_value_reason(child.weight, result.percent)
            # A weight-0 objective takes its whole branch out, whatever the method.
            if float(child.weight) > 0:
                descendant_terms.extend(child_terms)
            child_kind = "objective"
        results.append(result)
        contributions.append(_contribution(child, child_kind, result, left_out))

    percent, calculated, formula = _node_percent(settings, contributions, descendant_terms, manual_percent)
    flag = _manual_differs(settings, calculated, manual_percent)
    if settings.percent_method == PercentMethod.MANUAL and manual_percent is not None:
        formula = _manual_formula(settings, manual_percent, calculated, formula, flag)
    rag, rag_reason = parent_rag(
        [(c.rag, c.weight) for c in contributions if c.included_in_rag], settings.rag_policy
    )
    explanation = Explanation(
        method=settings.percent_method, policy=settings.rag_policy, thresholds=_thresholds(settings),
        children=tuple(contributions), percent_formula=formula, rag_reason=rag_reason,
        distribution=distribution, ref=ref, percent=percent,
    )
    node = NodeResult(
        key=key, ref=ref, kind=kind, percent=percent, calculated_percent=calculated,
        manual_difference_flag=flag, rag=rag, distribution=distribution,
        explanation=explanation, children=tuple(results), title=title, weight=weight,
    )
    return node, descendant_terms


def _weight_or_value_reason(weight: float, percent: float | None) -> str | None:
    if float(weight) <= 0:
        return f"weight {_number(weight)}"
    if percent is None:
        return "no included children"
    return None


def _contribution(
    child: ObjectiveFacts | ActionFacts, kind: str, result: NodeResult | ActionResult, left_out: str | None
) -> ChildContribution:
    included = left_out is None
    counted = included and result.rag != Rag.GREY
    if included and not counted:
        left_out = "grey, so not counted in the RAG"
    # In field order, as ActionResult above: one for every child of every roll-up.
    return ChildContribution(
        child.key,
        child.ref,
        child.title,
        kind,
        result.percent,
        result.rag,
        child.weight,
        included,  # included_in_percent
        counted,  # included_in_rag
        left_out,  # reason_excluded
    )


def _node_percent(
    settings: RollupSettings, contributions: list[ChildContribution],
    descendant_terms: list[_Term], manual_percent: float | None,
) -> tuple[float | None, float | None, str]:
    """(percent, calculated percent, formula)."""
    method = settings.percent_method
    if method == PercentMethod.MEAN_OF_DESCENDANT_ACTIONS:
        value, formula = weighted_mean(descendant_terms)
        return value, value, f"{len(descendant_terms):,} included actions: {formula}"
    if method == PercentMethod.SHARE_COMPLETED:
        value, formula = _share_completed(contributions)
        return value, value, formula
    terms = [(c.ref, c.percent, float(c.weight)) for c in contributions if c.included_in_percent]
    calculated, formula = weighted_mean(terms)
    if method != PercentMethod.MANUAL:
        return calculated, calculated, formula
    if manual_percent is None:
        return calculated, calculated, f"no figure entered, so the weighted mean of children: {formula}"
    return float(manual_percent), calculated, formula


def weighted_mean(terms: list[_Term]) -> tuple[float | None, str]:
    """Weighted mean of (ref, value, weight) terms, with its formula.

    The mean is the exact one rounded once, so a mean of 47.3s is 47.3 and a
    mean that is exactly a half displays rounded up, whatever the weights.
    """
    if not terms:
        return None, "no included children, so no percent"
    if all(value.is_integer() and weight.is_integer() for _, value, weight in terms):
        # Whole numbers sum exactly in floats: one rounding, in the division. The usual case.
        total = math.fsum(weight for _, _, weight in terms)
        mean = math.fsum(value * weight for _, value, weight in terms) / total
    else:
        exact_total = sum(_fraction(weight) for _, _, weight in terms)
        total = float(exact_total)
        mean = float(sum(_fraction(value) * _fraction(weight) for _, value, weight in terms) / exact_total)
    shown = " + ".join(f"{_number(value)}×{_number(weight)}" for _, value, weight in terms[:_FORMULA_TERMS])
    if len(terms) > _FORMULA_TERMS:
        shown += f" + … ({len(terms) - _FORMULA_TERMS:,} more)"
    return mean, f"({shown}) ÷ {_number(total)} = {_number(mean)}"


@_floats_cached  # parsing is most of the cost, and the same weights and percents come back
def _fraction(value: float) -> Fraction:
    return Fraction(repr(value))


def _share_completed(contributions: list[ChildContribution]) -> tuple[float | None, str]:
    # The share is the weighted mean of 100 for each completed child and 0 for the rest.
    terms = [
        (c.ref, 100.0 if _is_complete(c) else 0.0, float(c.weight))
        for c in contributions if c.included_in_percent
    ]
    share, formula = weighted_mean(terms)
    return share, f"completed children count 100, the rest 0: {formula}"


def _is_complete(contribution: ChildContribution) -> bool:
    # An action counts when Completed (the same thing that makes it Blue); an objective at 100.
    if contribution.kind == "action":
        return contribution.rag == Rag.BLUE
    return contribution.percent is not None and contribution.percent >= 100


def _manual_differs(settings: RollupSettings, calculated: float | None, manual_percent: float | None) -> bool:
    if settings.percent_method != PercentMethod.MANUAL or manual_percent is None or calculated is None:
        return False
    # Decimal so 52.3 against 47.3 is exactly 5 points, not 5.000000000000004.
    difference = abs(_decimal(manual_percent) - _decimal(calculated))
    return difference > _decimal(settings.manual_difference_points)


def _manual_formula(
    settings: RollupSettings, manual_percent: float | None, calculated: float | None, formula: str, flag: bool
) -> str:
    text = f"{_number(manual_percent)} entered by the owner; calculated: {formula}"
    if calculated is None:
        return text
    difference = _number(abs(_decimal(manual_percent) - _decimal(calculated)))
    limit = _number(settings.manual_difference_points)
    if flag:
        return f"{text}; {difference} points apart, more than {limit}, so flagged"
    return f"{text}; {difference} points apart, within {limit}"


def _thresholds(settings: RollupSettings) -> dict:
    return {
        "green_threshold": float(settings.green_threshold),
        "red_threshold": float(settings.red_threshold),
        "red_share": "1/3",
        "amber_share": "1/3",
        "manual_difference_points": float(settings.manual_difference_points),
        "excluded_statuses": sorted(str(status) for status in settings.excluded_statuses),
        "stale_days": settings.stale_days,
    }


# ---------------------------------------------------------------- parent RAG


def parent_rag(counted: Iterable[tuple[Rag, float]], policy: RagPolicy) -> tuple[Rag, str]:
    """Colour of a parent from its counted (non-grey, included) children's colours and weights."""
    weights = dict.fromkeys((Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED), 0)
    for rag, weight in counted:
        weights[rag] += _exact(weight)
    total = sum(weights.values())
    if total == 0:
        return Rag.GREY, "Grey: no included children with a colour to count"
    if weights[Rag.BLUE] == total:
        return Rag.BLUE, "Blue: every counted child is complete"
    if policy == RagPolicy.WORST:
        return _worst_rag(weights)
    if policy == RagPolicy.MAJORITY:
        return _majority_rag(weights, total)
    return _proportion_rag(weights, total)


def _exact(weight: float) -> int | Fraction:
    # Exact arithmetic so one child in three is exactly a third, never a hair under.
    if isinstance(weight, float):
        return int(weight) if weight.is_integer() else Fraction(repr(weight))
    if isinstance(weight, int):
        return weight
    return Fraction(weight)


def _proportion_rag(weights: dict[Rag, int | Fraction], total: int | Fraction) -> tuple[Rag, str]:
    red, amber = weights[Rag.RED], weights[Rag.AMBER]
    of_total = f"of the counted weight {_number(float(total))}"
    if 3 * red >= total:
        return Rag.RED, f"Red: red weight {_number(float(red))} is at least a third {of_total}"
    if red > 0:
        return Rag.AMBER, (
            f"Amber: red weight {_number(float(red))} is under a third {of_total}, but some is red"
        )
    if 3 * amber >= total:
        return Rag.AMBER, f"Amber: amber weight {_number(float(amber))} is at least a third {of_total}"
    return Rag.GREEN, f"Green: no red, and amber weight {_number(float(amber))} is under a third {of_total}"


def _worst_rag(weights: dict[Rag, int | Fraction]) -> tuple[Rag, str]:
    if weights[Rag.RED] > 0:
        return Rag.RED, "Red: at least one counted child is red"
    if weights[Rag.AMBER] > 0:
        return Rag.AMBER, "Amber: no red, but at least one counted child is amber"
    return Rag.GREEN, "Green: no counted child is red or amber"


def _majority_rag(weights: dict[Rag, int | Fraction], total: int | Fraction) -> tuple[Rag, str]:
    top = max(weights.values())
    tied = [rag for rag, weight in weights.items() if weight == top]
    winner = max(tied, key=_SEVERITY.__getitem__)
    reason = (
        f"{winner.label}: the largest weight, {_number(float(top))} of {_number(float(total))}"
    )
    if len(tied) > 1:
        others = " and ".join(rag.label.lower() for rag in tied if rag != winner)
        reason += f", tied with {others}; ties go to the worse colour"
    return winner, reason


# ---------------------------------------------------------------- text helpers


def _distribution_text(distribution: dict[Rag, int]) -> str:
    return ", ".join(f"{rag.label} {distribution.get(rag, 0)}" for rag in RAG_ORDER)


def _child_line(child: ChildContribution) -> str:
    percent = "no percent" if child.percent is None else f"{_number(child.percent)}%"
    line = f"{child.ref} ({child.kind}): {percent}, {child.rag.label}, weight {_number(child.weight)}"
    if not child.included_in_percent:
        return f"{line}; left out: {child.reason_excluded}"
    if not child.included_in_rag:
        return f"{line}; {child.reason_excluded}"
    return line


def _jsonable_key(key: object) -> object:
    if key is None or isinstance(key, (bool, int, float, str)):
        return key
    return str(key)  # UUIDs and the like


# ---------------------------------------------------------------- measures


def measure_rag(
    *,
    value: float | None,
    target: float | None,
    polarity: Polarity,
    tolerance: float = 10.0,
    tolerance_kind: ToleranceKind = ToleranceKind.PERCENT,
    band_low: float | None = None,
    band_high: float | None = None,
    amber_if_improving: bool = False,
    same_period_last_year: float | None = None,
) -> Rag:
    """Green meets the target, Amber misses by no more than the tolerance, Red beyond.

    A band measure's target is its band, so `target` is not used for it; it is
    Grey when neither edge is set.
    """
    if value is None:
        return Rag.GREY
    polarity = Polarity(polarity)
    if polarity == Polarity.WITHIN_BAND:
        if band_low is None and band_high is None:
            return Rag.GREY
        miss, edge = _band_miss(_decimal(value), band_low, band_high)
    else:
        if target is None:
            return Rag.GREY
        miss, edge = _target_miss(_decimal(value), _decimal(target), polarity), _decimal(target)
    if miss <= 0:
        return Rag.GREEN
    if miss <= _allowed_miss(tolerance, tolerance_kind, edge):
        return Rag.AMBER
    if amber_if_improving and same_period_last_year is not None:
        travel = direction_of_travel(
            current=value, previous=same_period_last_year, polarity=polarity,
            band_low=band_low, band_high=band_high,
        )
        if travel == Direction.BETTER:
            return Rag.AMBER
    return Rag.RED


def _target_miss(value: Decimal, target: Decimal, polarity: Polarity) -> Decimal:
    if polarity == Polarity.LOWER_IS_BETTER:
        return value - target
    return target - value


def _band_miss(value: Decimal, low: float | None, high: float | None) -> tuple[Decimal, Decimal]:
    """How far outside the band, and the edge it missed (tolerance is measured from it)."""
    if low is not None and value < _decimal(low):
        return _decimal(low) - value, _decimal(low)
    if high is not None and value > _decimal(high):
        return value - _decimal(high), _decimal(high)
    return Decimal(0), Decimal(0)


def _allowed_miss(tolerance: float, kind: ToleranceKind, edge: Decimal) -> Decimal:
    if tolerance < 0:
        raise ValueError("Tolerance cannot be negative.")
    if ToleranceKind(kind) == ToleranceKind.ABSOLUTE:
        return _decimal(tolerance)
    return _decimal(tolerance) * abs(edge) / 100


def direction_of_travel(
    *,
    current: float | None,
    previous: float | None,
    polarity: Polarity,
    band_low: float | None = None,
    band_high: float | None = None,
) -> Direction | None:
    """Better, same or worse than the previous value, judged by the polarity."""
    if current is None or previous is None:
        return None
    polarity = Polarity(polarity)
    now, before = _decimal(current), _decimal(previous)
    if polarity == Polarity.WITHIN_BAND:
        if band_low is None and band_high is None:
            return None
        # Closer to the band is better; anywhere inside it is distance 0.
        now, before = -_band_miss(now, band_low, band_high)[0], -_band_miss(before, band_low, band_high)[0]
    elif polarity == Polarity.LOWER_IS_BETTER:
        now, before = -now, -before
    if now > before:
        return Direction.BETTER
    if now == before:
        return Direction.SAME
    return Direction.WORSE


# ---------------------------------------------------------------- risks


def risk_score(likelihood: int, impact: int) -> int:
    for name, value in (("Likelihood", likelihood), ("Impact", impact)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValueError(f"{name} must be a whole number from 1 to 5, not {value!r}.")
    return likelihood * impact


def risk_band(score: int, settings: RollupSettings = DEFAULT_SETTINGS) -> Rag:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 25:
        raise ValueError(f"A risk score is a whole number from 1 to 25, not {score!r}.")
    if score >= settings.risk_red_from:
        return Rag.RED
    if score >= settings.risk_amber_from:
        return Rag.AMBER
    return Rag.GREEN


# A risk's band has its own words (rules.md: 1-4 low, 5-12 medium, 15-25 high): not the actions'
# RAG key, whose colours mean on track, behind or late.
RISK_BAND_LABELS = {Rag.GREEN: "Low", Rag.AMBER: "Medium", Rag.RED: "High"}


def risk_band_label(band: Rag) -> str:
    """"Low", "Medium" or "High": the one wording of a risk band on every page and export."""
    return RISK_BAND_LABELS[Rag(band)]


def risk_review_overdue(review_date: date | None, as_at: date) -> bool:
    # No review date set means nothing to be late against.
    return review_date is not None and review_date < as_at
