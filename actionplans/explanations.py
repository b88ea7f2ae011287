"""The engine's explanation of a rolled-up figure, in the words and numbers a page shows.

One adapter from rules.NodeResult / rules.Explanation to what templates/components/explanation.html
renders. The officer's action page and the dashboard's explanation page both use it, so the same
objective is explained the same way on both. Pure: no queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from programmes import rules


@dataclass(frozen=True)
class ExplainedChild:
    """One child of the figure: the engine's contribution and how the page writes it."""

    child: rules.ChildContribution
    percent_shown: int | None
    weight_shown: str
    counted: str  # "Yes", "In the percent; weight 0", "No: Cancelled"


@dataclass(frozen=True)
class ExplainedFigure:
    """A programme's or objective's figure: how its percent and its RAG were worked out."""

    reference: str
    percent_shown: int | None
    rag: rules.Rag
    method: str  # "weighted mean of children"
    percent_formula: str
    policy: str  # "proportion"
    rag_reason: str
    distribution: list  # (rag, label, count) in RAG_ORDER
    children: list  # ExplainedChild
    left_out: str  # "cancelled or deferred", the statuses left out of every roll-up
    manual_difference_flag: bool
    calculated_percent_shown: int | None
    manual_difference_points: str
    text: str  # the engine's own plain-text account, the same words as exports


def explained_child(child: rules.ChildContribution) -> ExplainedChild:
    if child.included_in_percent and child.included_in_rag:
        counted = "Yes"
    elif child.included_in_percent:
        counted = f"In the percent; {child.reason_excluded}"
    else:
        counted = f"No: {child.reason_excluded}"
    return ExplainedChild(
        child=child, percent_shown=rules.display_percent(child.percent),
        weight_shown=rules.plain_number(child.weight), counted=counted,
    )


def explained(result: rules.NodeResult | None) -> ExplainedFigure | None:
    """The figure of a programme or objective as pages explain it; None for no result."""
    if result is None:
        return None
    explanation = result.explanation
    thresholds = explanation.thresholds
    left_out = [rules.Status(status).label.lower() for status in thresholds.get("excluded_statuses", ())]
    return ExplainedFigure(
        reference=explanation.ref or result.ref,
        percent_shown=rules.display_percent(result.percent),
        rag=result.rag,
        method=explanation.method.label,
        percent_formula=explanation.percent_formula,
        policy=explanation.policy.value,
        rag_reason=explanation.rag_reason,
        distribution=[(rag, rag.label, explanation.distribution.get(rag, 0)) for rag in rules.RAG_ORDER],
        children=[explained_child(child) for child in explanation.children],
        left_out=" or ".join(left_out),
        manual_difference_flag=result.manual_difference_flag,
        calculated_percent_shown=rules.display_percent(result.calculated_percent),
        manual_difference_points=rules.plain_number(thresholds.get("manual_difference_points", 0)),
        text=explanation.as_text(),
    )
