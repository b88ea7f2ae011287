"""Forms for the import pages. They parse what was sent; governance.imports.service holds the rules
(file kind and size, programme or new name, as-at date) and its messages come back onto the fields."""

from django import forms

from programmes.audit import Channel
from programmes.forms import DateField
from programmes.models import Programme

from .service import import_upload_refused


class AuditedUpload:
    """A form with an `upload` file whose own checks refuse it (empty, wrong kind, too big, or the
    choices sent with it) still audits the upload, with why. The view or admin sets `uploaded_by`."""

    uploaded_by = None
    channel = Channel.BROWSER

    def full_clean(self):
        super().full_clean()
        upload = self.files.get("upload") if self.is_bound else None
        if upload is not None and self._errors:
            import_upload_refused(upload=upload, by=self.uploaded_by, channel=self.channel,
                                  reasons=[message for messages in self._errors.values() for message in messages])


class ImportUploadForm(AuditedUpload, forms.Form):
    upload = forms.FileField(
        label="File to import",
        error_messages={"required": "Choose a CSV file or an Excel workbook to import.",
                        "empty": "The file is empty.",
                        "invalid": "Choose a CSV file or an Excel workbook to import.",
                        "missing": "Choose a CSV file or an Excel workbook to import."},
    )
    programme = forms.ModelChoiceField(
        label="Programme to import into",
        queryset=Programme.objects.only("pk", "name").order_by("name"),
        required=False,
        empty_label="A new programme (give its name below)",
        error_messages={"invalid_choice": "Choose a programme from the list."},
    )
    new_programme_name = forms.CharField(
        label="Name of the new programme",
        required=False,
        max_length=300,
        help_text="Only for a new programme. It is created when the import succeeds.",
        error_messages={"max_length": "The name of the programme must be 300 characters or fewer."},
    )
    as_at = DateField(
        name="The as-at date",
        label="As-at date (optional)",
        required=False,
        help_text="The date the progress in the file describes, for example 30 3 2025. Leave it blank for today.",
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        upload = data["upload"]
        return {"data": upload.read(), "file_name": upload.name, "programme": data["programme"],
                "new_programme_name": data["new_programme_name"], "as_at": data["as_at"]}


class ImportMappingForm(forms.Form):
    """A select per column of each sheet the preview read: the field that column fills."""

    def __init__(self, *args, sheets, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheets = sheets
        for sheet in sheets:
            for column in sheet.columns:
                self.fields[column.name] = forms.ChoiceField(
                    label=f"Field for column {column.letter}, “{column.heading}”, of {sheet.name}",
                    choices=column.choices, initial=column.field,
                    error_messages={"required": "Choose a field for the column, or leave it out.",
                                    "invalid_choice": "Choose a field from the list."},
                )

    def sheet_rows(self) -> list[tuple]:
        """(sheet, [(column, its select)]) for the template, which cannot look fields up by name."""
        return [(sheet, [(column, self[column.name]) for column in sheet.columns]) for sheet in self.sheets]

    def mapping(self, current: dict | None) -> dict:
        """The run's mapping plus what was changed here: {sheet key: {heading: field}}. A column that
        was already mapped by hand stays in it, so a correction is never lost on the next preview."""
        mapping = {key: dict(columns) for key, columns in (current or {}).items()}
        for sheet in self.sheets:
            for column in sheet.columns:
                chosen = self.cleaned_data[column.name]
                if chosen != column.field or column.source == "mapping":
                    mapping.setdefault(sheet.key, {})[column.heading] = chosen
        return mapping


class ImportChoicesForm(forms.Form):
    """The admin's choices in the preview: the programme's start date, the name of a flat plan's
    one objective, and for each likely duplicate whether the two names are one person."""

    APART, MERGE = "apart", "merge"

    start_date = DateField(
        name="The start date of the programme", label="Start date of the programme",
        help_text="Actions with no start date of their own are measured from it, so their colours are right "
                  "for the as-at date. For example, 1 4 2024.",
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        if report.start_date:
            self.fields["start_date"].initial = report.start_date["date"]
        if report.flat_objective:
            self.fields["objective_title"] = forms.CharField(
                label=f"Name of the objective the plan's actions sit under ({report.flat_objective['ref']})",
                max_length=500, initial=report.flat_objective["title"],
                error_messages={"required": "Enter a name for the objective.",
                                "max_length": "The name must be 500 characters or fewer."},
            )
        for number, pair in enumerate(report.duplicates):
            self.fields[f"person_{number}"] = forms.ChoiceField(
                label=f"Are “{pair['name']}” and “{pair['like']}” the same person?",
                widget=forms.RadioSelect, initial=self.APART,
                choices=[(self.APART, "No: keep them as two people"),
                         (self.MERGE, f"Yes: use “{pair['like']}” for both")],
                error_messages={"required": "Choose whether they are the same person.",
                                "invalid_choice": "Choose whether they are the same person."},
            )

    def duplicate_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("person_")]

    def options(self, current: dict | None) -> dict:
        """The run's options with these choices: a merge is {name as written: the name to use}."""
        data = self.cleaned_data
        options = dict(current or {})
        options["start_date"] = data["start_date"].isoformat()
        if "objective_title" in data:
            options["objective_title"] = data["objective_title"].strip()
        people = dict(options.get("people") or {})
        for number, pair in enumerate(self.report.duplicates):
            if data[f"person_{number}"] == self.MERGE:
                people[pair["name"]] = pair["like"]
            else:
                people.pop(pair["name"], None)
        options["people"] = people
        return options
