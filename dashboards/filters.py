"""The as-at selector and the programme page filters: GET forms, so a view can be shared by its URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms

from programmes import rules
from programmes.choices import Status, rag_with_meaning
from programmes.forms import DATE_PARTS, DateField

MAX_DAYS = 3650
FUTURE_AS_AT = "The as-at date must be today or in the past."


class AsAtForm(forms.Form):
    """A date, or the end of a reporting period (the period wins when both are given)."""

    as_at = DateField(
        name="The as-at date",
        required=False,
        label="Another date",
        help_text="For example, 30 6 2024. Leave it blank for today.",
    )
    period_end = forms.ChoiceField(
        required=False,
        label="Or the end of a reporting period",
        help_text="Its last day is used instead of the date.",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose a reporting period from the list."},
    )

    def __init__(self, data=None, *, periods=(), today: date):
        super().__init__(data)
        self.today = today
        self.fields["as_at"].latest = today
        self.fields["as_at"].latest_message = FUTURE_AS_AT
        self.fields["period_end"].choices = [("", "Choose a period")] + [
            (p["end"].isoformat(), f"{p['name']} (ends {rules.uk_date(p['end'])})")
            for p in periods
            if p["end"] <= today and p["kind"] in ("quarter", "year")
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("period_end")
        value = date.fromisoformat(chosen) if chosen else cleaned.get("as_at")
        if value and value > self.today:
            self.add_error("as_at", FUTURE_AS_AT)
            value = None
        cleaned["resolved"] = value
        return cleaned

    def resolved(self) -> tuple[date, bool]:
        """(the date to compute for, whether it was chosen); today when nothing valid was given."""
        if self.is_bound and self.is_valid() and self.cleaned_data["resolved"]:
            return self.cleaned_data["resolved"], True
        return self.today, False


# Every query parameter the as-at selector reads: one date, or GOV.UK's three boxes, or a period.
AS_AT_PARAMS = ("as_at", *(f"as_at-{part}" for part in DATE_PARTS), "period_end")


def as_at_from(request, *, periods, today: date) -> tuple[AsAtForm, date, bool]:
    data = request.GET if any(name in request.GET for name in AS_AT_PARAMS) else None
    form = AsAtForm(data, periods=periods, today=today)
    as_at, chosen = form.resolved()
    # Show the resolved date in the field and leave the period list at its prompt.
    shown = AsAtForm(
        {"as_at": as_at.isoformat() if chosen else ""}, periods=periods, today=today
    ) if not form.errors else form
    return shown, as_at, chosen


# ---------------------------------------------------------------- programme filters


@dataclass(frozen=True)
class FilterChoices:
    owners: tuple[tuple[int, str], ...] = ()
    boards: tuple[tuple[int, str], ...] = ()
    themes: tuple[tuple[int, str], ...] = ()
    org_units: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ActionCriteria:
    owner_id: int | None = None
    rags: frozenset = frozenset()
    statuses: frozenset = frozenset()
    due_within: int | None = None
    board_id: int | None = None
    theme_id: int | None = None
    org_unit_id: int | None = None
    declared_greener: bool = False
    not_updated: bool = False

    @property
    def active(self) -> bool:
        return any((self.owner_id, self.rags, self.statuses, self.due_within, self.board_id,
                    self.theme_id, self.org_unit_id, self.declared_greener, self.not_updated))

    @property
    def by_objective(self) -> bool:
        return any((self.board_id, self.theme_id, self.org_unit_id))


FILTER_FIELDS = ("owner", "rag", "status", "due_within", "board", "theme", "org_unit",
                 "declared_greener", "not_updated")

# Each colour's label; Blue also says what it means ("Blue (complete)"), as the officers' form does.
RAG_CHOICES = [(rag.value, rag_with_meaning(rag) if rag == rules.Rag.BLUE else rag.label) for rag in rules.RAG_ORDER]


def _id_choice(label: str, what: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        required=False, label=label, coerce=int, empty_value=None,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": f"Choose {what} from the list."},
    )


class ProgrammeFilterForm(forms.Form):
    owner = _id_choice("Owner", "an owner")
    rag = forms.MultipleChoiceField(
        required=False, label="RAG (computed)", choices=RAG_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
        error_messages={"invalid_choice": "Choose Blue, Green, Amber, Red or Grey."},
    )
    status = forms.MultipleChoiceField(
        required=False, label="Status", choices=Status.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    due_within = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_DAYS, label="Due within (days)",
        help_text="Actions due from the as-at date up to this many days after it.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": f"Enter a whole number of days from 1 to {MAX_DAYS}.",
            "min_value": f"Enter a whole number of days from 1 to {MAX_DAYS}.",
            "max_value": f"Enter a whole number of days from 1 to {MAX_DAYS}.",
        },
    )
    board = _id_choice("Board", "a board")
    theme = _id_choice("Theme", "a theme")
    org_unit = _id_choice("Organisational unit", "an organisational unit")
    declared_greener = forms.BooleanField(
        required=False, label="Declared RAG greener than computed",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    not_updated = forms.BooleanField(
        required=False, label="Not updated this period",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def __init__(self, data=None, *, choices: FilterChoices):
        super().__init__(data)
        self.fields["owner"].choices = [("", "Anyone")] + list(choices.owners)
        self.fields["board"].choices = [("", "Any board")] + list(choices.boards)
        self.fields["theme"].choices = [("", "Any theme")] + list(choices.themes)
        self.fields["org_unit"].choices = [("", "Any unit")] + list(choices.org_units)

    def criteria(self) -> ActionCriteria:
        """The filters that are valid; an invalid field is reported and left out."""
        if not self.is_bound:
            return ActionCriteria()
        self.is_valid()
        data = self.cleaned_data
        return ActionCriteria(
            owner_id=data.get("owner"),
            rags=frozenset(rules.Rag(r) for r in data.get("rag") or ()),
            statuses=frozenset(data.get("status") or ()),
            due_within=data.get("due_within"),
            board_id=data.get("board"),
            theme_id=data.get("theme"),
            org_unit_id=data.get("org_unit"),
            declared_greener=bool(data.get("declared_greener")),
            not_updated=bool(data.get("not_updated")),
        )


def filters_from(request, *, choices: FilterChoices) -> ProgrammeFilterForm:
    data = request.GET if any(name in request.GET for name in FILTER_FIELDS) else None
    return ProgrammeFilterForm(data, choices=choices)


def action_matches(row, criteria: ActionCriteria, *, as_at: date, objective_ids: frozenset | None) -> bool:
    """Whether an action row (selectors.NodeRow) passes every active filter."""
    if objective_ids is not None and row.parent_id not in objective_ids:
        return False
    if criteria.owner_id and criteria.owner_id not in row.owner_ids:
        return False
    if criteria.rags and row.rag not in criteria.rags:
        return False
    if criteria.statuses and row.status not in criteria.statuses:
        return False
    if criteria.due_within and not (row.due and as_at <= row.due <= as_at + timedelta(days=criteria.due_within)):
        return False
    if criteria.declared_greener and not row.declared_greener:
        return False
    return not (criteria.not_updated and not row.stale)
