"""The programme office's admin. Every write goes through the services, audited as "admin"."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join

from .audit import HIDDEN, Channel, audit_record
from .models import AuditEntry, FiguresVersion, OrgUnit, Person
from .selectors import history_rows
from .services import record_delete, record_save
from .templatetags import ui

ROLLUP_FIELDS = ("rollup_percent", "rollup_rag", "rollup_counts", "rollup_at")


def uk_date(value) -> str:
    """30 March 2025 as every page writes it (the en-GB admin default is "30 Mar 2025"); a dash for none."""
    return ui.uk_date(value) or "–"


def form_m2m(form) -> dict:
    """The many-to-many values a form holds, for the service to set inside its transaction."""
    fields = form._meta.model._meta.many_to_many
    return {f.name: form.cleaned_data[f.name] for f in fields if f.name in form.cleaned_data}


class ServiceAdminForm(forms.ModelForm):
    """Checks every constraint before the service is called, so a clash shows on the form.

    Django skips a constraint when one of its fields is not on the form (a read-only
    programme, say); the service would then refuse the save and the admin would crash.
    """

    def validate_unique(self):
        super().validate_unique()
        # Only when all else passed: the constraints already checked would report twice.
        if not self._errors:
            try:
                self.instance.validate_constraints()
            except ValidationError as e:
                self._update_errors(e)


class ServiceAdminMixin:
    """Route admin writes through the services, so validation, audit and roll-ups still happen.

    Django saves the object (save_model), then its many-to-many fields and inlines
    (save_related). The services set many-to-many fields themselves, so save_model hands
    them over, and save_related saves only the inline rows, each through a service too.
    Override the service_* hooks where a model has a service of its own.
    """

    form = ServiceAdminForm

    def service_save(self, request, obj, m2m):
        record_save(obj, by=request.user, channel=Channel.ADMIN, m2m=m2m)

    def service_delete(self, request, obj):
        record_delete(obj, by=request.user, channel=Channel.ADMIN)

    def service_save_inline(self, request, obj):
        record_save(obj, by=request.user, channel=Channel.ADMIN)

    def after_save_related(self, request, obj):
        """Runs once the object, its many-to-many fields and its inlines are all saved."""

    def save_model(self, request, obj, form, change):
        self.service_save(request, obj, form_m2m(form))

    def save_related(self, request, form, formsets, change):
        # Not super(): form.save_m2m() would set the many-to-many fields again, unaudited.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        self.after_save_related(request, form.instance)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_delete(obj, by=request.user, channel=Channel.ADMIN)
        for obj in instances:
            self.service_save_inline(request, obj)
        formset.save_m2m()

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        # One by one, so that each deletion is audited like a single one.
        for obj in queryset:
            self.delete_model(request, obj)


class ViewOnlyAdminMixin:
    """For immutable records: a correction is a new record, never an edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "job_title", "initials", "email", "is_group", "user")
    list_filter = ("is_group",)
    search_fields = ("name", "initials", "email", "job_title")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "channel", "action", "model", "object_repr", "user")
    list_filter = ("channel", "action", "model", "at")
    search_fields = (
        "object_repr",
        "object_id",
        "user__username",
        "user__first_name",
        "user__last_name",
    )
    list_select_related = ("user",)
    date_hierarchy = "at"
    readonly_fields = ("in_words",)

    @admin.display(description="In words")
    def in_words(self, obj):
        """The entry as the history panels and the audit page word it (programmes.selectors)."""
        [row] = history_rows([obj])
        lines = [(c.field, f"{c.old} → {c.new}") for c in row.changes] + list(row.details)
        return format_html_join("", "<p><strong>{}</strong>: {}</p>", lines) or "No fields recorded"


@admin.register(FiguresVersion)
class FiguresVersionAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Kept by the database's triggers (ADR 12), never by hand: shows that a write reached a programme's
    figures (programme 0: what every programme shows)."""

    list_display = ("programme_id", "version")



# People's accounts and roles (roles are groups): Django's own admin pages, with every change going
# through the audited save, field by field, groups and permissions included.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(ServiceAdminMixin, UserAdmin):
    form = UserChangeForm

    def log_change(self, request, obj, message):
        # The password page saves through its own form: record that the password changed.
        if request.resolver_match and request.resolver_match.url_name == "auth_user_password_change":
            audit_record(instance=obj, action="updated", by=request.user, channel=Channel.ADMIN,
                         changes={"password": [HIDDEN, "(changed)"]})
        return super().log_change(request, obj, message)


@admin.register(Group)
class AuditedGroupAdmin(ServiceAdminMixin, GroupAdmin):
    """Roles are groups: renaming one or changing its permissions is audited like any record."""
