"""The Reports page's form: which programme, which report, for which date, in which file."""

from datetime import date

from django import forms

from ..filters import AsAtForm
from .files import FORMATS
from .model import KIND_TITLES


class ReportForm(AsAtForm):
    programme = forms.TypedChoiceField(
        label="Programme", coerce=int, empty_value=None,
        error_messages={"required": "Choose the programme to report on.",
                        "invalid_choice": "Choose a programme from the list."},
    )
    kind = forms.ChoiceField(
        label="Report", choices=list(KIND_TITLES.items()), initial=next(iter(KIND_TITLES)), widget=forms.RadioSelect,
        error_messages={"required": "Choose which report to make.",
                        "invalid_choice": "Choose a report from the list."},
    )
    file_format = forms.ChoiceField(
        label="File", choices=[(f.key, f.label) for f in FORMATS.values()], widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of file: Word, PDF, Excel or CSV.",
                        "invalid_choice": "Choose Word, PDF, Excel or CSV."},
    )
    field_order = ("programme", "kind", "as_at", "period_end", "file_format")

    def __init__(self, data=None, *, programmes, periods=(), today: date, initial: dict | None = None):
        super().__init__(data, periods=periods, today=today)
        self.initial.update(initial or {})
        self.fields["programme"].choices = [("", "Choose a programme")] + list(programmes)
        self.order_fields(self.field_order)
