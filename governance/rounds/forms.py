from django import forms
from django.utils import timezone

from programmes.forms import DateField
from programmes.models import Programme, ReportingPeriod

from .models import UpdateRound


class RoundForm(forms.ModelForm):
    cut_off = DateField(
        name="The cut-off date", label="Cut-off date", earliest=timezone.localdate,
        help_text="Updates are due by the end of this day. For example, 20 9 2024.",
    )
    programmes = forms.ModelMultipleChoiceField(
        queryset=Programme.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple,
        label="Programmes", help_text="Leave them all unticked for every programme.",
    )

    class Meta:
        model = UpdateRound
        fields = ("title", "cut_off", "period", "programmes", "first_reminder_days", "second_reminder_days",
                  "final_reminder_days")
        labels = {"first_reminder_days": "First reminder (days before the cut-off)",
                  "second_reminder_days": "Second reminder, copied to the SRO and managers (days before)",
                  "final_reminder_days": "Final reminder, copied to the admins too (days before)"}
        error_messages = {"title": {"required": "Enter a title, for example “Quarter 2 updates”."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = ReportingPeriod.objects.order_by("-end")
        self.fields["period"].empty_label = "No period (no measures asked for)"
        for name in ("first_reminder_days", "second_reminder_days", "final_reminder_days"):
            self.fields[name].widget.attrs.update({"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"})
        self.fields["title"].widget.attrs.update({"class": "govuk-input"})
        self.fields["period"].widget.attrs.update({"class": "govuk-select"})
