"""Forms for the officers' pages. They parse what was typed; the services hold the rules.

A service's ValidationError (a dict keyed by field name) goes back onto the form with
`form.add_error(None, error)`, so the messages appear next to the fields they are about.
"""

import re

from django import forms
from django.utils import timezone
from django.utils.html import escape

from programmes.choices import RAG_MEANINGS, Rag, Status, rag_with_meaning
from programmes.forms import DateField
from programmes.html import LONGEST_TEXT, rich_text_as_plain

from .selectors import SORTS
from .services import progress_input_errors

# "Amber (at risk)": each colour's label and what it means (programmes.choices).
DECLARABLE_RAGS = [(rag, rag_with_meaning(rag)) for rag in RAG_MEANINGS]

_LOOKS_LIKE_HTML = re.compile(r"</?(p|br|ul|ol|li|strong|b|em|i|a)\b", re.IGNORECASE)


def paragraphs_to_html(text: str) -> str:
    """Typed text becomes paragraphs; text that already has the allowed tags is left for the sanitiser."""
    text = (text or "").strip().replace("\r\n", "\n")
    if not text or _LOOKS_LIKE_HTML.search(text):
        return text
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    return "".join(f"<p>{escape(block).replace(chr(10), '<br>')}</p>" for block in blocks)


class ProgressForm(forms.Form):
    percent = forms.IntegerField(
        label="Percent complete",
        required=False,
        help_text="A whole number from 0 to 100. Completed counts as 100 and Not started as 0.",
        error_messages={"invalid": "Enter the percentage complete as a whole number, like 40."},
    )
    status = forms.ChoiceField(label="Status", choices=Status.choices,
                               error_messages={"required": "Choose a status.",
                                               "invalid_choice": "Choose a status from the list."})
    declared_rag = forms.ChoiceField(
        label="Do you want to declare a RAG status?",
        required=False,
        choices=[("", "No, use the calculated status")] + DECLARABLE_RAGS,
        widget=forms.RadioSelect,
        help_text="Your own view of the action, shown beside the calculated status. You must give a reason.",
        error_messages={"invalid_choice": "Choose Blue, Green, Amber or Red, or leave it to the calculation."},
    )
    declared_rag_reason = forms.CharField(
        label="Reason for the RAG status you declared", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONGEST_TEXT,
        error_messages={"max_length": f"The reason must be {LONGEST_TEXT:,} characters or fewer."},
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What has happened since the last update. Leave a blank line between paragraphs.",
        max_length=LONGEST_TEXT,
        error_messages={"max_length": f"The commentary must be {LONGEST_TEXT:,} characters or fewer."},
    )
    effective_date = DateField(
        name="The date of the update",
        label="Date of this update",
        required=False,
        help_text="Today, unless you are recording progress made on an earlier date. For example, 30 3 2025.",
        latest=timezone.localdate,
        latest_message="The date of the update must be today or in the past.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action=None, last_commentary: str = "", **kwargs):
        if action is not None and not kwargs.get("data") and not (args and args[0] is not None):
            kwargs.setdefault("initial", {
                "percent": action.percent,
                "status": action.status,
                "declared_rag": action.declared_rag,
                "declared_rag_reason": action.declared_rag_reason,
                "commentary": rich_text_as_plain(last_commentary, between="\n\n"),
                "effective_date": timezone.localdate(),
                "version": action.version,
            })
        super().__init__(*args, **kwargs)
        self.action = action
        self.starts_from_last_commentary = bool(self.initial.get("commentary")) and not self.is_bound
        if action is not None and action.programme.commentary_required:
            self.fields["commentary"].help_text += " Needed when the action is Red, Amber or overdue."

    def clean(self):
        data = super().clean()
        # The service's own checks of what was typed, asked here too so that they come together
        # with the form's other messages, before any save is tried.
        if not self.errors.keys() & {"percent", "status", "declared_rag", "declared_rag_reason"}:
            for name, messages in progress_input_errors(
                percent=data.get("percent"), status=data.get("status"), declared_rag=data.get("declared_rag") or "",
                declared_rag_reason=data.get("declared_rag_reason") or "",
                is_milestone=bool(self.action and self.action.is_milestone),
            ).items():
                self.add_error(name, messages)
        # Without the version a stale page could overwrite a newer update, so never guess it.
        if data.get("version") is None and "version" not in self.errors:
            raise forms.ValidationError(
                "This form is missing the version of the action it was loaded with. "
                "Open the action again and re-enter your update."
            )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "percent": data["percent"],
            "status": data["status"],
            "declared_rag": data["declared_rag"],
            "declared_rag_reason": data["declared_rag_reason"],
            "commentary": paragraphs_to_html(data["commentary"]),
            "effective_date": data["effective_date"] or timezone.localdate(),
            "expected_version": data["version"],
        }


class MyActionsFilterForm(forms.Form):
    q = forms.CharField(label="Reference or words in the title", required=False, max_length=200)
    programme = forms.IntegerField(label="Programme", required=False, widget=forms.Select)
    rag = forms.ChoiceField(label="RAG status", required=False,
                            choices=[("", "Any")] + [(r.value, r.label) for r in Rag])
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any")] + list(Status.choices))
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORTS.items()))

    def set_programmes(self, programmes) -> None:
        """The choices are the programmes the person has actions in, known only after loading them."""
        self.fields["programme"].widget.choices = [("", "All programmes")] + [
            (str(pk), name) for pk, name in programmes
        ]

    def filters(self) -> dict:
        """The valid filters; an unknown value is ignored rather than shown as an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "programme": data.get("programme"),
            "rag": data.get("rag") or "",
            "status": data.get("status") or "",
            "sort": data.get("sort") or "due",
        }


class MeasureValueForm(forms.Form):
    period = forms.ChoiceField(label="Period", error_messages={"required": "Choose the period the value is for.",
                                                                "invalid_choice": "Choose a period from the list."})
    value = forms.DecimalField(
        label="Value", max_digits=14, decimal_places=4,
        error_messages={"required": "Enter the value for the period.",
                        "invalid": "Enter the value as a number, like 42 or 97.5."},
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Anything a reader needs to know about this figure.",
                           max_length=LONGEST_TEXT,
                           error_messages={"max_length": f"The note must be {LONGEST_TEXT:,} characters or fewer."})

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {str(p.pk): p for p in periods}
        self.fields["period"].choices = [(str(p.pk), p.name) for p in periods]

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]
