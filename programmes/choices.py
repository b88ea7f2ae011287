"""Database choices. Their values are the rules engine's enum values (a test keeps them equal)."""

from django.db import models


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ON_HOLD = "on_hold", "On hold"
    CANCELLED = "cancelled", "Cancelled"
    DEFERRED = "deferred", "Deferred"


class Rag(models.TextChoices):
    BLUE = "blue", "Blue (complete)"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    GREY = "grey", "Grey"


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
