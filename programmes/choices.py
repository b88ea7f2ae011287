"""Database choices. Their values are the rules engine's enum values (a test keeps them equal).

A status's and a colour's words are the engine's labels (rules.Status.label, rules.Rag.label),
so the admin, the forms, the pages and the exports all say the same thing.
"""

from django.db import models

from . import rules


class Status(models.TextChoices):
    NOT_STARTED = "not_started", rules.Status.NOT_STARTED.label
    IN_PROGRESS = "in_progress", rules.Status.IN_PROGRESS.label
    COMPLETED = "completed", rules.Status.COMPLETED.label
    ON_HOLD = "on_hold", rules.Status.ON_HOLD.label
    CANCELLED = "cancelled", rules.Status.CANCELLED.label
    DEFERRED = "deferred", rules.Status.DEFERRED.label


class Rag(models.TextChoices):
    BLUE = "blue", rules.Rag.BLUE.label
    GREEN = "green", rules.Rag.GREEN.label
    AMBER = "amber", rules.Rag.AMBER.label
    RED = "red", rules.Rag.RED.label
    GREY = "grey", rules.Rag.GREY.label


# What a colour means, in a few words, where a form or a filter offers the colours to choose:
# "Amber (at risk)". The colour's own word stays its label.
RAG_MEANINGS = {
    Rag.BLUE: "complete",
    Rag.GREEN: "on track",
    Rag.AMBER: "at risk",
    Rag.RED: "off track",
}


def rag_with_meaning(rag) -> str:
    """"Blue (complete)": the colour's label, then what it means."""
    rag = Rag(rag)
    return f"{rag.label} ({RAG_MEANINGS[rag]})"


class PercentMethod(models.TextChoices):
    MEAN_OF_CHILDREN = "mean_of_children", "Mean of children"
    MEAN_OF_DESCENDANT_ACTIONS = "mean_of_descendant_actions", "Mean of all descendant actions"
    SHARE_COMPLETED = "share_completed", "Share of children completed"
    MANUAL = "manual", "Manual (owner enters it)"


class RagPolicy(models.TextChoices):
    PROPORTION = "proportion", "Proportion (a third Red makes Red)"
    WORST = "worst", "Worst child"
    MAJORITY = "majority", "Majority by weight"


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class ObjectiveKind(models.TextChoices):
    THEME = "theme", "Theme"
    WORKSTREAM = "workstream", "Workstream"
    PROJECT = "project", "Project"
    OBJECTIVE = "objective", "Objective"


class OrgUnitKind(models.TextChoices):
    DIRECTORATE = "directorate", "Directorate"
    SERVICE = "service", "Service"
    TEAM = "team", "Team"


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    WITHIN_BAND = "band", "Within a band"


class ToleranceKind(models.TextChoices):
    PERCENT = "percent", "Percent of the target"
    ABSOLUTE = "absolute", "Absolute amount"


class MeasureUnit(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    NUMBER = "number", "Number"
    CURRENCY = "currency", "Currency (£)"
    RATIO = "ratio", "Ratio"
    DAYS = "days", "Days"
    YES_NO = "yes_no", "Yes/No"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"
