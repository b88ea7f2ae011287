"""Forms for governance's pages. They parse what was typed; the services hold the rules and a
service's ValidationError goes back onto the form (programmes.forms.add_service_errors)."""

from django import forms
from django.utils import timezone

from programmes.forms import DateField, FilterForm
from programmes.models import Objective, Person, Programme

from .models import Board, BoardMembership, Meeting, Risk

ONE_TO_FIVE = [(n, str(n)) for n in range(1, 6)]


def _messages(form, words: dict) -> None:
    """Plain-English messages: say what to do."""
    for name, (required, invalid) in words.items():
        field = form.fields[name]
        field.error_messages["required"] = required
        field.error_messages["invalid"] = invalid
        field.error_messages["invalid_choice"] = invalid
        field.error_messages["invalid_pk_value"] = invalid


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["name", "short_name", "purpose", "terms_of_reference", "meeting_frequency", "reports_to",
                  "programmes", "objectives"]
        labels = {"name": "Name", "short_name": "Short name", "purpose": "Purpose",
                  "terms_of_reference": "Terms of reference", "meeting_frequency": "How often it meets",
                  "reports_to": "Reports to", "programmes": "Programmes that report to it",
                  "objectives": "Objectives and projects that report to it"}
        widgets = {"programmes": forms.CheckboxSelectMultiple, "objectives": forms.CheckboxSelectMultiple,
                   "purpose": forms.Textarea(attrs={"rows": 3}),
                   "terms_of_reference": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Board.objects.order_by("name")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = others
        self.fields["reports_to"].empty_label = "None: it is at the top"
        self.fields["programmes"].queryset = Programme.objects.order_by("name")
        self.fields["programmes"].label_from_instance = lambda p: f"{p.name} ({p.short_name})"
        # Themes, workstreams and projects: the levels a board oversees (not every objective).
        self.fields["objectives"].queryset = (
            Objective.objects.filter(parent__parent__isnull=True).select_related("programme")
            .order_by("programme__short_name", "reference"))
        self.fields["objectives"].label_from_instance = (
            lambda o: f"{o.programme.short_name}: {o.reference} {o.title}")
        _messages(self, {
            "name": ("Enter the board's name", "Enter the board's name"),
            "short_name": ("Enter a short name, like DMT", "Enter a short name, like DMT"),
            "reports_to": ("", "Choose a board from the list"),
            "programmes": ("", "Choose programmes from the list"),
            "objectives": ("", "Choose objectives from the list"),
        })


class MembershipForm(forms.ModelForm):
    class Meta:
        model = BoardMembership
        fields = ["person", "role"]
        labels = {"person": "Person", "role": "Role on the board"}
        widgets = {"role": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.order_by("name")
        self.fields["person"].empty_label = "Choose a person"
        _messages(self, {"person": ("Choose a person", "Choose a person from the list"),
                         "role": ("Choose a role", "Choose a role from the list")})


class MeetingForm(forms.ModelForm):
    date = DateField(name="The date of the meeting", label="Date of the meeting", help_text="For example, 20 7 2024.")
    updates_due_by = DateField(name="The cut-off date", label="Updates due by (cut-off date)", required=False,
                               help_text="Officers' updates made on or before this date go to the meeting.")

    class Meta:
        model = Meeting
        fields = ["date", "updates_due_by", "title"]
        labels = {"date": "Date of the meeting", "updates_due_by": "Updates due by (cut-off date)",
                  "title": "Title (optional)"}
        help_texts = {"updates_due_by": "Officers' updates made on or before this date go to the meeting."}


class RiskReviewForm(forms.Form):
    reviewed_on = DateField(name="The date of the review", label="Date of the review", latest=timezone.localdate,
                            latest_message="The date of the review must be today or in the past.",
                            help_text="Today, unless you are recording a review held earlier.")
    owner = forms.ModelChoiceField(label="Risk owner", queryset=Person.objects.order_by("name"), required=False,
                                   empty_label="No owner")
    inherent_likelihood = forms.TypedChoiceField(label="Likelihood", choices=ONE_TO_FIVE, coerce=int)
    inherent_impact = forms.TypedChoiceField(label="Impact", choices=ONE_TO_FIVE, coerce=int)
    current_likelihood = forms.TypedChoiceField(label="Likelihood", choices=ONE_TO_FIVE, coerce=int)
    current_impact = forms.TypedChoiceField(label="Impact", choices=ONE_TO_FIVE, coerce=int)
    target_likelihood = forms.TypedChoiceField(label="Likelihood", choices=ONE_TO_FIVE, coerce=int)
    target_impact = forms.TypedChoiceField(label="Impact", choices=ONE_TO_FIVE, coerce=int)
    review_date = DateField(name="The next review date", label="Next review due", required=False)
    status = forms.ChoiceField(label="Status", choices=Risk.Status.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="What changed and why, and what is being done.")

    SCORES = ("inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact",
              "target_likelihood", "target_impact")

    def __init__(self, *args, risk=None, **kwargs):
        if risk is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                "reviewed_on": timezone.localdate(), "owner": risk.owner_id, "review_date": risk.review_date,
                "status": risk.status, **{name: getattr(risk, name) for name in self.SCORES},
            }
        super().__init__(*args, **kwargs)
        for name in self.SCORES:
            stage, axis = name.split("_")
            self.fields[name].error_messages.update(
                required=f"Choose the {stage} {axis}, from 1 to 5",
                invalid_choice=f"Choose the {stage} {axis}, a whole number from 1 to 5")
        self.fields["status"].error_messages.update(required="Choose open or closed",
                                                     invalid_choice="Choose open or closed")
        self.fields["owner"].error_messages["invalid_choice"] = "Choose an owner from the list"

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


BANDS = [("", "Any"), ("high", "High (15 to 25)"), ("medium", "Medium (5 to 12)"), ("low", "Low (1 to 4)")]


class RegisterFilterForm(FilterForm):
    q = forms.CharField(label="Reference or words in the title", required=False, max_length=200)
    programme = forms.TypedChoiceField(label="Programme", required=False, coerce=int, empty_value=None)
    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)
    band = forms.ChoiceField(label="Current band", required=False, choices=BANDS)
    overdue = forms.ChoiceField(label="Review", required=False,
                                choices=[("", "Any"), ("yes", "Review overdue"), ("no", "Not overdue")])
    likelihood = forms.TypedChoiceField(label="Current likelihood", required=False, coerce=int, empty_value=None,
                                        choices=[("", "Any")] + ONE_TO_FIVE)
    impact = forms.TypedChoiceField(label="Current impact", required=False, coerce=int, empty_value=None,
                                    choices=[("", "Any")] + ONE_TO_FIVE)
    as_at = DateField(name="The as-at date", label="As at", required=False, latest=timezone.localdate,
                      latest_message="The as-at date must be today or in the past",
                      help_text="The register as it stood at the end of this date. Leave empty for today.")

    def __init__(self, *args, programmes=None, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is None:
            del self.fields["programme"]
        else:
            self.fields["programme"].choices = [("", "All programmes")] + [(pk, name) for pk, name in programmes]
        self.fields["owner"].choices = [("", "Anyone")] + [(pk, name) for pk, name in owners]

    def clean_as_at(self):
        day = self.cleaned_data.get("as_at")
        if day and day > timezone.localdate():
            raise forms.ValidationError("The as-at date must be today or in the past")
        return day
