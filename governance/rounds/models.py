"""An update round and the record of every message it sent (so that nothing is sent twice)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from programmes.models import Person, Programme, ReportingPeriod


class UpdateRound(models.Model):
    """Officers are asked for their updates by the cut-off; reminders escalate as it nears: the officer,
    then the officer and the programme's SRO and managers, then those and the admins."""

    title = models.CharField(max_length=200, help_text="For example “Quarter 2 updates for Cabinet”.")
    cut_off = models.DateField(help_text="Updates are due by the end of this day.")
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="Measures are asked for their value for this period.")
    meeting = models.ForeignKey("governance.Meeting", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="update_rounds")
    programmes = models.ManyToManyField(Programme, blank=True, related_name="+",
                                        help_text="None chosen: every programme.")
    first_reminder_days = models.PositiveSmallIntegerField(
        default=7, validators=[MaxValueValidator(90)],
        help_text="Days before the cut-off: a reminder to the officer.")
    second_reminder_days = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(90)],
        help_text="Days before the cut-off: the officer, copied to the programme's SRO and managers.")
    final_reminder_days = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(90)],
        help_text="Days before the cut-off: the officer, the SRO and managers, and the admins.")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    is_closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-cut_off", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_reminder_days__gte=F("second_reminder_days"),
                            second_reminder_days__gte=F("final_reminder_days")),
                name="round_reminders_escalate_in_order",
                violation_error_message="Reminders escalate as the cut-off nears: the first reminder must be "
                                        "at least as many days before it as the second, and the second as the final.",
            ),
        ]

    def __str__(self):
        return self.title

    def programme_ids(self) -> list[int] | None:
        """The programmes it asks about; None for every programme (none chosen)."""
        return list(self.programmes.values_list("pk", flat=True)) or None


class RoundMessage(models.Model):
    """One e-mail sent to one person for one stage of a round: kept, so that a re-run sends nothing twice."""

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="messages")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=40, help_text="opening, first, second, final, or manual:<date>.")
    to = models.TextField()
    cc = models.TextField(blank=True)
    subject = models.CharField(max_length=300)
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person", "stage"], name="round_message_once_per_stage",
                                    violation_error_message="That message has already been sent."),
        ]

    def __str__(self):
        return f"{self.subject} to {self.to}"
