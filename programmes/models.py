from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from . import rules
from .choices import (
    ObjectiveKind,
    OrgUnitKind,
    PercentMethod,
    ProgrammeStatus,
    Rag,
    RagPolicy,
    Status,
)
from .fiscal import period_problems
from .middleware import current_request_id


def default_excluded_statuses():
    return [Status.CANCELLED.value, Status.DEFERRED.value]


class Person(models.Model):
    """An owner. Often someone without an account, or a group such as "SMT"."""

    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    initials = models.CharField(max_length=10, blank=True)
    is_group = models.BooleanField(
        default=False, help_text="A group such as 'InLAWS Group' or 'SMT'."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    left_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day they left. Someone who has left is not offered for new work.",
    )
    pseudonymised_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The day their name and details were replaced by a pseudonym (programmes.retention).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def clean(self):
        """Once pseudonymised (programmes.retention), their details cannot be given back, by any door."""
        if self.pk is None or self.pseudonymised_on is None:
            return
        stored = Person.objects.filter(pk=self.pk).values(*PSEUDONYMISED_FIELDS).first() or {}
        changed = [name for name in PSEUDONYMISED_FIELDS if name in stored and stored[name] != getattr(self, name)]
        if changed:
            message = (f"They were pseudonymised on {rules.uk_date(self.pseudonymised_on)} under the retention "
                       "schedule: their details cannot be changed.")
            raise ValidationError(dict.fromkeys(changed, message))


# What retention replaces, and nothing may put back.
PSEUDONYMISED_FIELDS = ("name", "job_title", "email", "initials")


class OrgUnit(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrgUnitKind.choices, default=OrgUnitKind.SERVICE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "organisational unit"
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="orgunit_not_own_parent",
                violation_error_message="A unit cannot sit under itself.",
            ),
        ]

    def __str__(self):
        return self.name


class Programme(models.Model):
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.ACTIVE
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    managers = models.ManyToManyField(
        Person,
        blank=True,
        related_name="managed_programmes",
        help_text="Programme managers: may update every action in the programme.",
    )

    # Roll-up settings (rules.md, every "(setting)"), defaults as stated there.
    percent_method = models.CharField(
        max_length=40, choices=PercentMethod.choices, default=PercentMethod.MEAN_OF_CHILDREN
    )
    rag_policy = models.CharField(
        max_length=20, choices=RagPolicy.choices, default=RagPolicy.PROPORTION
    )
    rag_green_threshold = models.DecimalField(max_digits=5, decimal_places=2, default=90)
    rag_red_threshold = models.DecimalField(max_digits=5, decimal_places=2, default=70)
    excluded_statuses = models.JSONField(default=default_excluded_statuses, blank=True)
    stale_after_days = models.PositiveIntegerField(default=45)
    manual_difference_points = models.DecimalField(max_digits=5, decimal_places=2, default=5)
    risk_amber_from = models.PositiveSmallIntegerField(default=5)
    risk_red_from = models.PositiveSmallIntegerField(default=15)
    commentary_required = models.BooleanField(
        "commentary required when behind",
        default=True,
        help_text="An update must say what is happening when the action is Red or Amber "
                  "(calculated or declared) or overdue.",
    )

    # Stored roll-up, kept true by programmes.services.
    rollup_percent = models.FloatField(null=True, blank=True, editable=False)
    rollup_rag = models.CharField(
        max_length=10, choices=Rag.choices, default=Rag.GREY, editable=False
    )
    rollup_counts = models.JSONField(default=dict, blank=True, editable=False)
    rollup_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="programme_end_not_before_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(rag_red_threshold__lte=F("rag_green_threshold")),
                name="programme_red_threshold_below_green",
                violation_error_message="The Red threshold must not be above the Green threshold.",
            ),
        ]

    def __str__(self):
        return self.name


class Objective(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    reference = models.CharField(max_length=40)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=20, choices=ObjectiveKind.choices, default=ObjectiveKind.OBJECTIVE
    )
    owner = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_objectives",
        help_text="Senior responsible owner (SRO).",
    )
    leads = models.ManyToManyField(
        Person,
        blank=True,
        related_name="led_objectives",
        help_text="Deputies, leads and project managers.",
    )
    leads_note = models.CharField(
        max_length=500, blank=True, help_text="Deputies / lead / PM as written."
    )
    purpose = models.TextField(blank=True)
    timeframe = models.CharField(max_length=300, blank=True)
    due_date = models.DateField(null=True, blank=True)
    weight = models.DecimalField(max_digits=7, decimal_places=2, default=1)
    manual_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    org_units = models.ManyToManyField(OrgUnit, blank=True, related_name="objectives")
    contributes_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="contributions",
        help_text="The golden thread: objectives, here or in other programmes, this one delivers against.",
    )
    subgroup = models.CharField(max_length=500, blank=True)
    dependencies = models.TextField(blank=True)
    extra = models.JSONField(
        default=dict, blank=True,
        help_text="Columns of an imported spreadsheet that no field reads, by heading, as written.",
    )

    rollup_percent = models.FloatField(null=True, blank=True, editable=False)
    rollup_calculated_percent = models.FloatField(null=True, blank=True, editable=False)
    rollup_rag = models.CharField(
        max_length=10, choices=Rag.choices, default=Rag.GREY, editable=False
    )
    rollup_counts = models.JSONField(default=dict, blank=True, editable=False)
    rollup_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["programme", "order", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"],
                name="objective_reference_unique_in_programme",
                violation_error_message="Another objective in this programme already has this reference.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="objective_not_own_parent",
                violation_error_message="An objective cannot sit under itself.",
            ),
            models.CheckConstraint(
                condition=Q(manual_percent__isnull=True)
                | Q(manual_percent__gte=0, manual_percent__lte=100),
                name="objective_manual_percent_0_100",
                violation_error_message="The percentage complete must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="objective_weight_not_negative",
                violation_error_message="The weight cannot be negative.",
            ),
        ]
        indexes = [models.Index(fields=["programme", "parent"])]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def clean(self):
        if self.parent_id and self.parent.programme_id != self.programme_id:
            raise ValidationError({"parent": "The parent objective must be in the same programme."})
        if self.parent_id and self.pk and self.pk in objective_ancestor_ids(self.parent_id):
            raise ValidationError(
                {"parent": "An objective cannot sit under itself or its own children."}
            )


def objective_ancestor_ids(objective_id):
    """Ids from `objective_id` up to its root: one query per level, used only when editing."""
    seen = []
    current = objective_id
    while current is not None and current not in seen:
        seen.append(current)
        current = Objective.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return seen


class ReportingPeriod(models.Model):
    """UK financial year (April to March), its quarters and months."""

    class Kind(models.TextChoices):
        YEAR = "year", "Financial year"
        QUARTER = "quarter", "Quarter"
        MONTH = "month", "Month"

    name = models.CharField(max_length=60, unique=True, help_text='For example "2024/25 Q1".')
    kind = models.CharField(max_length=10, choices=Kind.choices)
    financial_year = models.CharField(max_length=7, help_text='For example "2024/25".')
    quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    start = models.DateField()
    end = models.DateField()
    is_closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["start", "-end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="period_end_not_before_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="period_quarter_1_4",
                violation_error_message="The quarter must be 1, 2, 3 or 4.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Its name always agrees with its dates, and its dates are a whole UK financial year, quarter or
        month (programmes.fiscal)."""
        problems = period_problems(kind=self.kind, name=self.name, financial_year=self.financial_year,
                                   quarter=self.quarter, start=self.start, end=self.end)
        if problems:
            raise ValidationError(problems)


class FiguresVersion(models.Model):
    """A programme's figures version (programme 0: what every programme shows). Written only by the
    database's triggers (programmes.versions), read by the dashboards' caches."""

    programme_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()
    # What the programme's figures as at an earlier day than today show (ADR 15).
    past_version = models.BigIntegerField(default=0, db_default=0)

    def __str__(self):
        return f"{self.programme_id}: {self.version}"


class AuditEntry(models.Model):
    """Who changed what, through which door (browser, import, admin, task), in which request.

    Append-only: PostgreSQL refuses UPDATE and DELETE on these rows (migration 0009). So a
    person with a history cannot be deleted (PROTECT), only made inactive.
    """

    class Channel(models.TextChoices):
        BROWSER = "browser", "Browser"
        IMPORT = "import", "Import"
        ADMIN = "admin", "Admin"
        TASK = "task", "Scheduled task"
        COMMAND = "command", "Command line"
        SIGN_IN = "sign-in", "Single sign-on"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # created, updated, deleted, signed in, signed out, sign-in failed, uploaded, downloaded
    action = models.CharField(max_length=20)
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=100, blank=True, default=current_request_id)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self):
        at = timezone.localtime(self.at) if timezone.is_aware(self.at) else self.at
        return f"{rules.uk_date(at.date())} {at:%H:%M} {self.channel} {self.action} {self.model} {self.object_repr}"


class ImportMapping(models.Model):
    """Which field each heading fills, as the admin corrected it: remembered per programme.

    `sheet_key` is a sheet's kind (mixed, objectives, actions, measures, risks) or its own name;
    `mapping` is {heading as written: field name, or "ignore"}.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="import_mappings")
    sheet_key = models.CharField(max_length=100)
    mapping = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme", "sheet_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "sheet_key"],
                name="one_import_mapping_per_programme_sheet",
                violation_error_message="This programme already has a mapping for this sheet.",
            ),
        ]

    def __str__(self):
        return f"{self.programme.short_name}: {self.sheet_key}"


class ImportRun(models.Model):
    """One uploaded file on its way in: previewed, then committed, by a Celery task.

    The file's bytes are kept in the database (at most IMPORT_MAX_BYTES), not under MEDIA_ROOT,
    so that a worker on another machine can read them without a shared volume.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PREVIEW = "preview", "Preview ready"
        COMMITTED = "committed", "Imported"
        FAILED = "failed", "Failed"

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    new_programme_name = models.CharField(
        max_length=300, blank=True, help_text="Create a programme of this name when importing."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveIntegerField(default=0)
    data = models.BinaryField(editable=False)
    as_at = models.DateField(null=True, blank=True, help_text="Date of the progress updates; today if blank.")
    mapping = models.JSONField(default=dict, blank=True)
    options = models.JSONField(
        default=dict, blank=True,
        help_text="The admin's choices in the preview: the programme's start date, the name of a flat "
                  "plan's objective, which likely duplicates of people to merge.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="importrun_progress_0_100",
                violation_error_message="Progress must be between 0 and 100.",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()}, {self.created_at:%d/%m/%Y %H:%M})"
