from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from programmes import rules
from programmes.choices import Frequency, MeasureUnit, Polarity, Rag, Status, ToleranceKind
from programmes.models import Objective, Person, Programme

PERCENT_0_100 = Q(percent__gte=0) & Q(percent__lte=100)


class Action(models.Model):
    # Denormalised from the objective so that a reference is unique within its programme.
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    responsible = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_actions",
        verbose_name="responsible officer",
    )
    leads = models.ManyToManyField(Person, blank=True, related_name="led_actions")
    delegates = models.ManyToManyField(
        Person,
        blank=True,
        related_name="delegated_actions",
        help_text="May update this action too.",
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    revised_due_date = models.DateField(null=True, blank=True)
    due_note = models.CharField(max_length=200, blank=True, help_text='As written, e.g. "Ongoing".')
    is_milestone = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(default=0)
    declared_rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    declared_rag_reason = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    order = models.PositiveIntegerField(default=0)
    # Optimistic locking: every write checks and bumps it, so a stale page cannot overwrite.
    version = models.PositiveIntegerField(default=1)
    contributes_to = models.ManyToManyField(
        Objective, blank=True, related_name="contributing_actions"
    )
    extra = models.JSONField(
        default=dict, blank=True,
        help_text="Columns of an imported spreadsheet that no field reads, by heading, as written.",
    )

    # Stored results of the rules engine, kept true by programmes.services.
    computed_rag = models.CharField(
        max_length=10, choices=Rag.choices, default=Rag.GREY, editable=False
    )
    last_updated_on = models.DateField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "order", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"],
                name="action_reference_unique_in_programme",
                violation_error_message="Another action in this programme already has this reference.",
            ),
            models.CheckConstraint(
                condition=PERCENT_0_100,
                name="action_percent_0_100",
                violation_error_message="The percentage complete must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="action_due_not_before_start",
                violation_error_message="The due date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(revised_due_date__isnull=True)
                | Q(revised_due_date__gte=F("start_date")),
                name="action_revised_due_not_before_start",
                violation_error_message="The revised due date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="action_weight_not_negative",
                violation_error_message="The weight cannot be negative.",
            ),
        ]
        indexes = [
            models.Index(fields=["objective"]),
            models.Index(fields=["due_date"]),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def effective_due_date(self):
        return self.revised_due_date or self.due_date


class ProgressUpdate(models.Model):
    """Immutable: a correction is a new update, so any past date can be recomputed."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(
        max_length=200, blank=True, help_text="Kept when no account exists."
    )
    effective_date = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    percent = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    declared_rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    declared_rag_reason = models.TextField(blank=True)
    commentary = models.TextField(blank=True, help_text="Sanitised HTML.")
    channel = models.CharField(max_length=20, default="browser")

    class Meta:
        ordering = ["-effective_date", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=PERCENT_0_100,
                name="progressupdate_percent_0_100",
                violation_error_message="The percentage complete must be between 0 and 100.",
            ),
        ]
        indexes = [models.Index(fields=["action", "-effective_date", "-recorded_at"])]

    def __str__(self):
        return f"{self.action.reference} {rules.uk_date(self.effective_date)}: {self.percent}%"


class Measure(models.Model):
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="measures"
    )
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=500)
    unit = models.CharField(max_length=20, choices=MeasureUnit.choices, default=MeasureUnit.NUMBER)
    polarity = models.CharField(
        max_length=10, choices=Polarity.choices, default=Polarity.HIGHER_IS_BETTER
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    tolerance = models.DecimalField(max_digits=12, decimal_places=2, default=10)
    tolerance_kind = models.CharField(
        max_length=10, choices=ToleranceKind.choices, default=ToleranceKind.PERCENT
    )
    amber_if_improving = models.BooleanField(default=False)
    data_only = models.BooleanField(default=False, help_text="No target and no RAG.")
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures"
    )
    objectives = models.ManyToManyField(Objective, blank=True, related_name="measures")
    description = models.TextField(blank=True)
    extra = models.JSONField(
        default=dict, blank=True,
        help_text="Columns of an imported spreadsheet that no field reads, by heading, as written.",
    )

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"],
                name="measure_reference_unique_in_programme",
                violation_error_message="Another measure in this programme already has this reference.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"


class MeasureTarget(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(
        "programmes.ReportingPeriod", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    band_low = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    band_high = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.CharField(
        max_length=200, blank=True, help_text='As written, e.g. "TBC" or "<1%".'
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"],
                name="one_target_per_measure_period",
                violation_error_message="This measure already has a target for this period.",
            ),
            models.CheckConstraint(
                condition=Q(band_low__isnull=True)
                | Q(band_high__isnull=True)
                | Q(band_high__gte=F("band_low")),
                name="measuretarget_band_ordered",
                violation_error_message="The top of the band must not be below its bottom.",
            ),
        ]

    def __str__(self):
        return f"{self.measure.reference} {self.period}: {self.text or self.value}"


# (lowest, highest) a value of each unit may take; None: no limit that way. Money may be negative
# (an overspend); counts, days and ratios may not; a percentage is of a whole, a yes/no is 1 or 0.
UNIT_BOUNDS = {
    MeasureUnit.PERCENTAGE: (Decimal(0), Decimal(100)),
    MeasureUnit.NUMBER: (Decimal(0), None),
    MeasureUnit.CURRENCY: (None, None),
    MeasureUnit.RATIO: (Decimal(0), None),
    MeasureUnit.DAYS: (Decimal(0), None),
    MeasureUnit.YES_NO: (Decimal(0), Decimal(1)),
}


_WHAT_CANNOT_BE_NEGATIVE = {MeasureUnit.NUMBER: "A count", MeasureUnit.RATIO: "A ratio",
                            MeasureUnit.DAYS: "A number of days"}


def value_outside_unit(value, unit: str) -> str:
    """Why a value cannot be a measure's figure in this unit ("" when it can)."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if unit == MeasureUnit.YES_NO and number not in (0, 1):
        return "Enter 1 for yes or 0 for no."
    low, high = UNIT_BOUNDS.get(unit, (None, None))
    if low is not None and high is not None and not low <= number <= high:
        return f"A percentage must be between {low} and {high}."
    if low is not None and number < low:
        return f"{_WHAT_CANNOT_BE_NEGATIVE.get(unit, 'The value')} cannot be negative."
    return ""


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period = models.ForeignKey(
        "programmes.ReportingPeriod", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(max_digits=14, decimal_places=4)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period"],
                name="one_value_per_measure_period",
                violation_error_message="This measure already has a value for this period.",
            ),
        ]

    def __str__(self):
        return f"{self.measure.reference} {self.period}: {self.value}"

    def clean(self):
        # Here as well as in measure_record_value, so a correction in the admin is held to it too.
        if self.measure_id and (problem := value_outside_unit(self.value, self.measure.unit)):
            raise ValidationError({"value": problem})
