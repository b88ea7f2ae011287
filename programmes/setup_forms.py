"""Forms of the set-up pages for people, and the one date field every set-up form uses.

They parse what was typed; the services (programmes/services.py, actionplans/services.py) hold the
rules, and their messages come back next to the fields (programmes.forms.add_service_errors).
"""

from django import forms
from django.contrib.auth import get_user_model

from .forms import DateField
from .models import Person


def date_field(label: str, *, required: bool = False, help_text: str = "") -> DateField:
    """Every date on the set-up forms: GOV.UK's day, month and year boxes, with its messages ("The due
    date must include a year") and the range check every typed date has."""
    return DateField(name=f"The {label.lower()}", label=label, required=required,
                     help_text=help_text or "For example, 31 3 2025.")


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "job_title", "email", "initials", "is_group"]
        labels = {"name": "Name", "job_title": "Job title", "email": "Email address",
                  "initials": "Initials", "is_group": "This is a group, not one person"}
        help_texts = {
            "initials": 'As the council\'s papers write them, like "GK". Imports match owners by these.',
            "is_group": 'For example "SMT" or "InLAWS Group".',
        }
        error_messages = {
            "name": {"required": "Enter the person’s name", "max_length": "The name must be 200 characters or fewer"},
            "email": {"invalid": "Enter an email address in the correct format, like name@example.gov.uk"},
            "initials": {"max_length": "Initials must be 10 characters or fewer"},
        }


class PersonLeftForm(forms.Form):
    left_on = date_field("Date they left", required=True,
                         help_text="Their open actions are listed next, to give to someone else.")


class PersonAccountForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Account they sign in with", required=False, queryset=None, empty_label="No account",
        help_text="The account then sees and updates the actions this person owns or is delegated.",
        error_messages={"invalid_choice": "Choose an account from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["user"].label_from_instance = _account_label


def _account_label(user) -> str:
    name = user.get_full_name()
    return f"{user.get_username()} ({name})" if name else user.get_username()
