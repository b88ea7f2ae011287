"""The Reports page's form: which programme, which report, for which date, in which file."""

from datetime import date

from django import forms

from programmes.forms import DateField

from ..filters import AsAtForm
from .files import FORMATS
from .model import HIGHLIGHT, KIND_TITLES

ALL_PROGRAMMES = "all"  # the programme field's choice for the whole estate


def _programme(value: str) -> int | str:
    return ALL_PROGRAMMES if value == ALL_PROGRAMMES else int(value)


class ReportForm(AsAtForm):
    programme = forms.TypedChoiceField(
        label="Programme", coerce=_programme, empty_value=None,
        error_messages={"required": "Choose the programme to report on.",
                        "invalid_choice": "Choose a programme from the list."},
    )
    kind = forms.ChoiceField(
        label="Report", choices=list(KIND_TITLES.items()), initial=next(iter(KIND_TITLES)), widget=forms.RadioSelect,
        error_messages={"required": "Choose which report to make.",
                        "invalid_choice": "Choose a report from the list."},
    )
    compare = DateField(
        name="The date to compare with",
        required=False, label="Compare with",
        help_text="What moved since this earlier date, for example 31 3 2024 (the movement, highlight and action "
                  "plan reports). Leave it blank for the end of the reporting period before the as-at date; for "
                  "all programmes' action plan, blank leaves what moved out (it is the movement report).",
    )
    objective = forms.IntegerField(required=False, widget=forms.HiddenInput)
    file_format = forms.ChoiceField(
        label="File", choices=[(f.key, f.label) for f in FORMATS.values()], widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of file: Word, PDF, Excel or CSV.",
                        "invalid_choice": "Choose Word, PDF, Excel or CSV."},
    )
    field_order = ("programme", "kind", "as_at", "period_end", "compare", "objective", "file_format")

    def __init__(self, data=None, *, programmes, periods=(), today: date, initial: dict | None = None):
        super().__init__(data, periods=periods, today=today)
        self.initial.update(initial or {})
        estate = [(ALL_PROGRAMMES, "All programmes (made in the background)")] if len(programmes) > 1 else []
        self.fields["programme"].choices = [("", "Choose a programme"), *estate, *programmes]
        self.order_fields(self.field_order)

    def clean(self):
        cleaned = super().clean()
        check_compare(self, cleaned)
        if cleaned.get("programme") == ALL_PROGRAMMES:
            if cleaned.get("kind") == HIGHLIGHT:
                self.add_error("kind", "A highlight report is of one programme or objective: choose a programme, "
                                       "or another report for all programmes.")
            cleaned["objective"] = None
        return cleaned

    @property
    def estate(self) -> bool:
        return self.cleaned_data.get("programme") == ALL_PROGRAMMES


def check_compare(form, cleaned: dict) -> None:
    compare, as_at = cleaned.get("compare"), cleaned.get("resolved") or form.today
    if compare and compare >= as_at:
        form.add_error("compare", "The date to compare with must be before the as-at date.")


class MovementForm(AsAtForm):
    """The movement page's dates: the as-at date (or a period's end) and the date to compare with."""

    compare = ReportForm.base_fields["compare"]

    def clean(self):
        cleaned = super().clean()
        check_compare(self, cleaned)
        return cleaned
