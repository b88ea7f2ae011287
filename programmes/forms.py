"""What every form shares: a service's messages put next to the fields they are about, and the
GOV.UK date input (day, month and year) with its messages and range checks."""

import re
from collections.abc import Callable
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from . import audit, rules
from .periods import EARLIEST_DATE, LATEST_DATE


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's messages next to the fields they are about; anything else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# ---------------------------------------------------------------- dates, the GOV.UK way

DATE_PARTS = ("day", "month", "year")
_ISO_OR_SLASHED = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"))

DateBound = date | Callable[[], date] | None


class DateInputWidget(forms.Widget):
    """GOV.UK's date input: day, month and year in three boxes named `<name>-day`, `-month`, `-year`.

    A single `<name>` value (2024-06-30 or 30/06/2024) is read too, so links and older forms that
    carry one date keep working. The value is (day, month, year) as typed, or that single string.
    """

    def value_from_datadict(self, data, files, name):
        if any(f"{name}-{part}" in data for part in DATE_PARTS):
            return tuple((data.get(f"{name}-{part}") or "").strip() for part in DATE_PARTS)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part in DATE_PARTS)

    def id_for_label(self, id_):
        # The error summary links to the first box.
        return f"{id_}-day" if id_ else id_


def date_parts(value) -> tuple[str, str, str]:
    """What to show in the day, month and year boxes for a field's value (a date, typed parts, text)."""
    if isinstance(value, date):
        return str(value.day), str(value.month), str(value.year)
    if isinstance(value, (tuple, list)) and len(value) == 3:
        return tuple(str(part or "") for part in value)
    if isinstance(value, str) and value.strip():
        parsed = _parse_single(value.strip())
        if parsed:
            return parsed
    return "", "", ""


def _parse_single(text: str) -> tuple[str, str, str] | None:
    iso, slashed = _ISO_OR_SLASHED
    if match := iso.match(text):
        year, month, day = match.groups()
        return day, month, year
    if match := slashed.match(text):
        return match.groups()
    return None


def _bound(value: DateBound) -> date | None:
    return value() if callable(value) else value


class DateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's messages and a range check.

    `name` is what the messages call the date ("The date of the update"); `earliest` and `latest` are
    dates or callables (today), checked with messages that say the allowed date. A date outside
    2000 to 2099 is refused whatever the bounds: nobody plans in year 1 or 9999.
    """

    widget = DateInputWidget

    def __init__(self, *, name: str = "Date", earliest: DateBound = None, latest: DateBound = None,
                 latest_message: str = "", **kwargs):
        self.name = name
        self.earliest, self.latest, self.latest_message = earliest, latest, latest_message
        messages = {"required": f"Enter {name[0].lower()}{name[1:]}.", **kwargs.pop("error_messages", {})}
        super().__init__(error_messages=messages, **kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, (tuple, list)) and not any(value)):
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            value = _parse_single(value.strip())
            if value is None:
                raise forms.ValidationError(f"{self.name} must be a real date.", code="invalid")
        day, month, year = value
        missing = [part for part, typed in zip(DATE_PARTS, (day, month, year), strict=True) if not typed]
        if missing:
            raise forms.ValidationError(f"{self.name} must include a {' and '.join(missing)}.", code="incomplete")
        if not all(part.isdigit() for part in (day, month, year)):
            raise forms.ValidationError(f"{self.name} must be a real date.", code="invalid")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers.", code="invalid_year")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{self.name} must be a real date.", code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        earliest = max(filter(None, (_bound(self.earliest), EARLIEST_DATE)))
        latest = min(filter(None, (_bound(self.latest), LATEST_DATE)))
        if value < earliest:
            raise forms.ValidationError(f"{self.name} must be the same as or after {rules.uk_date(earliest)}.",
                                        code="too_early")
        if value > latest:
            message = self.latest_message or f"{self.name} must be the same as or before {rules.uk_date(latest)}."
            raise forms.ValidationError(message, code="too_late")

    def prepare_value(self, value):
        return value


# ---------------------------------------------------------------- the audit page's filters

AUDIT_ACTIONS = audit.ACTIONS


class FilterForm(forms.Form):
    """A page's filters, read from its query string."""

    def chosen(self) -> dict:
        """The valid filters, by name; invalid ones are shown as errors and left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if data.get(name) not in (None, "")}


class AuditFilterForm(FilterForm):
    """What the admins' audit page and its CSV are filtered by; every filter is optional."""

    date_from = DateField(name="The first date", label="From", required=False,
                          help_text="For example, 1 4 2025.")
    date_to = DateField(name="The last date", label="To", required=False, help_text="For example, 30 6 2025.")
    user = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None,
                                  error_messages={"invalid_choice": "Choose a person from the list."})
    channel = forms.ChoiceField(label="Door", required=False,
                                error_messages={"invalid_choice": "Choose a door from the list."})
    action = forms.ChoiceField(label="What happened", required=False,
                               choices=[("", "Anything")] + [(a, a.capitalize()) for a in AUDIT_ACTIONS],
                               error_messages={"invalid_choice": "Choose what happened from the list."})
    model = forms.ChoiceField(label="Kind of record", required=False,
                              error_messages={"invalid_choice": "Choose a kind of record from the list."})
    text = forms.CharField(label="Record number or words in its name", required=False, max_length=300)
    request_id = forms.CharField(label="Request ID", required=False, max_length=100)

    def __init__(self, *args, users=(), channels=(), record_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Anyone")] + list(users)
        self.fields["channel"].choices = [("", "Any door")] + list(channels)
        self.fields["model"].choices = [("", "Any kind")] + list(record_types)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The last date must be the same as or after the first date.")
        return cleaned
