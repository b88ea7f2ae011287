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
