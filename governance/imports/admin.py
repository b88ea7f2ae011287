"""The admin's door to the import: upload a file, read the preview, then import it.

Registered here with @admin.register; programmes/admin.py only has to import this module.
Uploading creates an ImportRun and queues its preview (a Celery task, run at once when there is
no broker); the "Import" action queues the commit. Both call governance.imports.service, as the
browser pages and the import_plan command do.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from programmes.admin import ServiceAdminMixin
from programmes.audit import Channel
from programmes.models import ImportMapping, ImportRun

from .forms import AuditedUpload
from .readers import ImportRejected, check_size, file_format
from .service import (
    import_run_confirm,
    import_run_create,
    import_run_queue,
    import_run_update,
)
from .summary import KINDS, change_text


class ImportUploadForm(AuditedUpload, forms.ModelForm):
    channel = Channel.ADMIN
    upload = forms.FileField(label="File (.xlsx or .csv)")

    class Meta:
        model = ImportRun
        fields = ("programme", "new_programme_name", "as_at", "mapping")

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            file_format(upload.name)
            check_size(upload.read())
        except ImportRejected as rejected:
            raise ValidationError(str(rejected)) from None
        upload.seek(0)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("programme") and not (cleaned.get("new_programme_name") or "").strip():
            raise ValidationError("Choose the programme to import into, or give a name for a new one.")
        return cleaned


class ImportRunChangeForm(forms.ModelForm):
    class Meta:
        model = ImportRun
        fields = ("as_at", "mapping")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("file_name", "programme", "status", "progress", "created_by", "created_at")
    list_select_related = ("programme", "created_by")
    list_filter = ("status",)
    actions = ("commit_selected", "preview_selected")
    readonly_fields = ("file_name", "file_size", "programme", "new_programme_name", "status",
                       "progress", "rows_done", "rows_total", "created_by", "created_at", "finished_at",
                       "summary_display")

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = ImportRunChangeForm if obj else ImportUploadForm
        form = super().get_form(request, obj, **kwargs)
        form.uploaded_by = request.user  # a class made for this request (modelform_factory)
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status == ImportRun.Status.COMMITTED:
            return self.readonly_fields + ("as_at", "mapping")
        return self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("upload", "programme", "new_programme_name", "as_at", "mapping")
        return self.readonly_fields[:-1] + ("as_at", "mapping", "summary_display")

    def save_model(self, request, obj, form, change):
        if change:
            if obj.status != ImportRun.Status.COMMITTED:  # an imported run's choices are read-only
                import_run_update(obj, as_at=form.cleaned_data["as_at"], mapping=form.cleaned_data["mapping"])
            return
        upload = form.cleaned_data["upload"]
        run = import_run_create(
            data=upload.read(), file_name=upload.name, by=request.user,
            programme=form.cleaned_data["programme"],
            new_programme_name=form.cleaned_data["new_programme_name"],
            as_at=form.cleaned_data["as_at"], mapping=form.cleaned_data["mapping"] or None,
        )
        # The admin goes on to name and link `obj`: it becomes the run the service saved.
        for field in ImportRun._meta.concrete_fields:
            setattr(obj, field.attname, getattr(run, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Nothing related: the run was saved by the service."""

    @admin.display(description="Preview or result")
    def summary_display(self, obj):
        summary = obj.summary or {}
        if not summary:
            return "Not ready yet: refresh the page."
        counts = format_html_join(
            "", "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((kind, summary["created"][kind], summary["updated"][kind], summary["unchanged"][kind],
              summary["error_counts"][kind]) for kind in KINDS),
        )
        issues = format_html_join(
            "", "<li><strong>{}</strong> {} row {} {}: {}</li>",
            (("Error" if level == "errors" else "Warning", i["sheet"], i["row"] or "–", i["column"],
              i["message"]) for level in ("errors", "warnings") for i in summary[level]),
        )
        differences = format_html_join(
            "", "<li>{}: the file says {}%, calculated {}%</li>",
            ((d["ref"], d["stated"], d["computed"]) for d in summary["reconciliation"]),
        )
        changed = format_html_join(
            "", "<li>{}: {} {} → {}</li>",
            ((c["ref"], name, change_text(old), change_text(new)) for kind in summary.get("changes", {}).values()
             for c in kind for name, (old, new) in c["fields"].items()),
        )
        return format_html(
            "<p>{}</p><table><tr><th></th><th>New</th><th>Changed</th><th>Unchanged</th><th>Errors</th></tr>"
            "{}</table><ul>{}</ul><ul>{}</ul><ul>{}</ul><p><a href=\"{}\">Open the whole preview</a></p>",
            "Imported." if summary.get("committed") else ("Ready to import." if summary["ok"]
                                                          else "Fix the errors, then upload again."),
            counts, issues, differences, changed, reverse("import_run", args=[obj.pk]),
        )

    @admin.action(description="Import the selected files (after a clean preview)")
    def commit_selected(self, request, queryset):
        # The browser's confirm: each clean preview is queued once, however often it is asked.
        ready = [run for run in queryset if import_run_confirm(run)]
        skipped = queryset.count() - len(ready)
        self.message_user(request, f"{len(ready)} queued for import.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} skipped: only a preview with no errors can be imported.",
                              messages.WARNING)

    @admin.action(description="Preview the selected files again")
    def preview_selected(self, request, queryset):
        runs = [run for run in queryset if run.status != ImportRun.Status.COMMITTED]
        for run in runs:
            import_run_queue(run, commit=False)
        self.message_user(request, f"{len(runs)} queued for preview.", messages.SUCCESS)


@admin.register(ImportMapping)
class ImportMappingAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A remembered mapping changed, added or deleted here is audited, as the import's own saves are."""

    list_display = ("programme", "sheet_key", "updated_at", "updated_by")
    list_select_related = ("programme", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def service_save(self, request, obj, m2m):
        obj.updated_by = request.user
        super().service_save(request, obj, m2m)
