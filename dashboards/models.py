"""What the dashboards app keeps: reports too big to make while the browser waits."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from programmes.models import Objective, Programme


class ReportRun(models.Model):
    """One report made by a Celery task for the person who asked for it, and the file it made.

    The file's bytes are kept in the database, not under MEDIA_ROOT, so that a worker on another
    machine can write them and any web server can hand them back. Only the requester may see the
    run or download its file: the report was built with what they may read.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready to download"
        FAILED = "failed", "Not made"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    # None: every programme the requester may report on (the whole estate).
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    as_at = models.DateField()
    compare = models.DateField(null=True, blank=True)
    file_format = models.CharField(max_length=10)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)
    content = models.BinaryField(editable=False, default=b"")
    error = models.TextField(blank=True, help_text="Why the report was not made, in plain English.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="reportrun_progress_0_100",
                violation_error_message="Progress must be between 0 and 100.",
            ),
        ]

    def __str__(self):
        subject = "every programme" if self.programme_id is None else f"programme {self.programme_id}"
        return f"{self.kind} report of {subject} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Snapshot(models.Model):
    """What a committee saw: every report of a programme for a date, frozen when a period closed, a
    meeting's cut-off passed or someone took it. Nothing changes it (the database refuses, ADR 0006); a
    correction is a restatement: a new version of the same snapshot, with who, when and why."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    as_at = models.DateField()
    label = models.CharField(max_length=300)
    version = models.PositiveSmallIntegerField(default=1)
    first = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="restatements",
                              help_text="The snapshot this one restates (None for a first version).")
    reason = models.TextField(blank=True, help_text="Why it was restated.")
    differences = models.JSONField(default=list, blank=True, help_text="What the restatement changed, in words.")
    meeting = models.ForeignKey("governance.Meeting", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    period = models.ForeignKey("programmes.ReportingPeriod", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)
    settings = models.JSONField(help_text="The roll-up and RAG settings in force.")
    tree = models.JSONField(help_text="Every figure and colour of the engine's tree.")
    reports = models.JSONField(help_text="Each report kind, as its writers read it.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the frozen content.")

    class Meta:
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "version"], name="snapshot_one_of_each_version",
                                    violation_error_message="That version of the snapshot already exists."),
        ]

    def __str__(self):
        return f"{self.label} (version {self.version})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("A snapshot is never changed: restate it instead.")
        super().save(*args, **kwargs)
