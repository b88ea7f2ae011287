from django.conf import settings
from django.db import models
from django.db.models import F, Q

from programmes import rules
from programmes.models import Objective, Person, Programme

ONE_TO_FIVE = (1, 5)


class Board(models.Model):
    name = models.CharField(max_length=300)
    short_name = models.CharField(
        max_length=40, unique=True, help_text="For example ASCCIB or DMT."
    )
    purpose = models.TextField(blank=True)
    terms_of_reference = models.TextField(blank=True)
    meeting_frequency = models.CharField(
        max_length=100, blank=True, help_text='For example "Every 8 weeks".'
    )
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="sub_boards"
    )
    programmes = models.ManyToManyField(Programme, blank=True, related_name="boards")
    objectives = models.ManyToManyField(Objective, blank=True, related_name="boards")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reports_to=F("pk")),
                name="board_not_own_parent",
                violation_error_message="A board cannot report to itself.",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.short_name})"


class BoardMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        DEPUTY_CHAIR = "deputy_chair", "Deputy chair"
        MEMBER = "member", "Member"
        SECRETARIAT = "secretariat", "Secretariat"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="board_memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["board", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "person"],
                name="one_membership_per_board_person",
                violation_error_message="This person is already a member of this board.",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()}, {self.board.short_name}"


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    updates_due_by = models.DateField(null=True, blank=True, help_text="Cut-off date for updates.")
    title = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(updates_due_by__isnull=True) | Q(updates_due_by__lte=F("date")),
                name="meeting_cutoff_not_after_meeting",
                violation_error_message="The cut-off date for updates must be on or before the meeting.",
            ),
        ]

    def __str__(self):
        return f"{self.board.short_name} {rules.uk_date(self.date)}"


def _likelihood_impact_checks():
    checks = []
    for stage in ("inherent", "current", "target"):
        for axis in ("likelihood", "impact"):
            field = f"{stage}_{axis}"
            checks.append(
                models.CheckConstraint(
                    condition=Q(
                        **{f"{field}__gte": ONE_TO_FIVE[0], f"{field}__lte": ONE_TO_FIVE[1]}
                    ),
                    name=f"risk_{field}_1_5",
                    violation_error_message=f"The {stage} {axis} must be a whole number from 1 to 5.",
                )
            )
    return checks


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risks")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    inherent_likelihood = models.PositiveSmallIntegerField(default=3)
    inherent_impact = models.PositiveSmallIntegerField(default=3)
    current_likelihood = models.PositiveSmallIntegerField(default=3)
    current_impact = models.PositiveSmallIntegerField(default=3)
    target_likelihood = models.PositiveSmallIntegerField(default=2)
    target_impact = models.PositiveSmallIntegerField(default=2)
    review_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    mitigation = models.TextField(blank=True, help_text="Mitigating actions as written.")
    mitigating_actions = models.ManyToManyField(
        "actionplans.Action", blank=True, related_name="mitigates"
    )
    extra = models.JSONField(
        default=dict, blank=True,
        help_text="Columns of an imported spreadsheet that no field reads, by heading, as written.",
    )

    class Meta:
        ordering = ["programme", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"],
                name="risk_reference_unique_in_programme",
                violation_error_message="Another risk in this programme already has this reference.",
            ),
            *_likelihood_impact_checks(),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"


class AssuranceSource(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text='For example "CQC Peer Review".')
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Assurance(models.Model):
    """One cell of the assurance matrix: this objective is assured by this source."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="assurances")
    source = models.ForeignKey(AssuranceSource, on_delete=models.CASCADE, related_name="assurances")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["objective", "source"]
        verbose_name_plural = "assurance matrix"
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "source"],
                name="one_assurance_per_cell",
                violation_error_message="This objective already has this source of assurance.",
            )
        ]

    def __str__(self):
        return f"{self.objective.reference} × {self.source}"


class RiskReview(models.Model):
    """A risk as its owner or manager reviewed it on a date: kept, never edited, like a progress
    update, so the register for any past date shows that date's scores, owner and status. The
    risk's own fields hold its latest review (governance.services keeps them so)."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(help_text="The date of the review; figures count from this date.")
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_reviews"
    )
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    current_likelihood = models.PositiveSmallIntegerField()
    current_impact = models.PositiveSmallIntegerField()
    target_likelihood = models.PositiveSmallIntegerField()
    target_impact = models.PositiveSmallIntegerField()
    review_date = models.DateField(null=True, blank=True, help_text="When the risk is next due for review.")
    status = models.CharField(max_length=10, choices=Risk.Status.choices, default=Risk.Status.OPEN)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["risk", "reviewed_on", "id"]
        indexes = [models.Index(fields=["risk", "reviewed_on"], name="riskreview_risk_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{field}__gte": ONE_TO_FIVE[0], f"{field}__lte": ONE_TO_FIVE[1]}),
                name=f"riskreview_{field}_1_5",
                violation_error_message=f"The {field.replace('_', ' ')} must be a whole number from 1 to 5.",
            )
            for field in (
                "inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact",
                "target_likelihood", "target_impact",
            )
        ]

    def __str__(self):
        return f"{self.risk.reference} reviewed {rules.uk_date(self.reviewed_on)}"


# Update rounds live in their own package; Django finds their models through this module.
from .rounds.models import RoundMessage, UpdateRound  # noqa: E402, F401
