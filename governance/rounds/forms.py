from django import forms
from django.conf import settings

from programmes.models import Programme, ReportingPeriod

from .models import UpdateRound


class RoundForm(forms.ModelForm):
    cut_off = forms.DateField(
        label="Cut-off date", help_text="Updates are due by the end of this day. For example, 20 September 2024.",
        input_formats=settings.DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the cut-off date.",
                        "invalid": "Enter the cut-off date as a real date, for example 20/09/2024."},
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
