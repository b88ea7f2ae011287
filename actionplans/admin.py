from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from actionplans.rollup import programme_refresh
from programmes import rules
from programmes.admin import (
    ROLLUP_FIELDS,
    ServiceAdminForm,
    ServiceAdminMixin,
    ViewOnlyAdminMixin,
    uk_date,
)
from programmes.audit import Channel
from programmes.html import sanitise_rich_text
from programmes.models import Objective, Programme
from programmes.services import record_save

from .models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate
from .services import (
    action_delete,
    action_save,
    measure_record_value,
    objective_delete,
    objective_save,
    programme_save,
)

PROGRESS_FIELDS = ("status", "percent", "declared_rag", "declared_rag_reason")


def measure_value_save(obj: MeasureValue, *, by) -> None:
    """A new value goes through measure_record_value; a correction keeps its row and is audited."""
    if obj.pk is None:
        saved = measure_record_value(
            measure=obj.measure,
            period=obj.period,
            value=obj.value,
            note=obj.note,
            by=by,
            channel=Channel.ADMIN,
        ).value
        # The admin goes on to log and redirect to the object it handed over.
        obj.pk, obj.note, obj.entered_at = saved.pk, saved.note, saved.entered_at
        obj.entered_by = saved.entered_by
        obj._state.adding = False
        return
    obj.note = sanitise_rich_text(obj.note)
    obj.entered_by = by if getattr(by, "is_authenticated", False) else None
    record_save(obj, by=by, channel=Channel.ADMIN)


class ActionAdminForm(ServiceAdminForm):
    # No Meta: the admin builds the form's fields from ActionAdmin.fieldsets.

    def validate_unique(self):
        # The programme is not on the form: it follows the objective.
        if self.instance.objective_id:
            self.instance.programme_id = self.instance.objective.programme_id
        super().validate_unique()


@admin.register(Action)
class ActionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ActionAdminForm
    list_display = (
        "reference",
        "title",
        "objective",
        "responsible",
        "due",
        "status",
        "percent",
        "computed_rag",
    )
    list_filter = ("programme", "status", "computed_rag", "is_milestone", "due_date")
    search_fields = ("reference", "title", "responsible__name", "objective__reference")
    list_select_related = ("objective", "responsible")
    autocomplete_fields = ("objective", "responsible", "leads", "delegates", "contributes_to")
    readonly_fields = (
        "programme",
        *PROGRESS_FIELDS,
        "computed_rag",
        "last_updated_on",
        "version",
        "recent_updates",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "objective",
                    "programme",
                    "reference",
                    "title",
                    "description",
                    "is_milestone",
                    "order",
                    "weight",
                )
            },
        ),
        ("Who", {"fields": ("responsible", "leads", "delegates")}),
        ("Dates", {"fields": ("start_date", "due_date", "revised_due_date", "due_note")}),
        ("Golden thread", {"fields": ("contributes_to",)}),
        (
            "Progress",
            {
                "description": "Officers record progress as updates, so that its history is kept. "
                "It cannot be edited here.",
                "fields": (
                    *PROGRESS_FIELDS,
                    "computed_rag",
                    "last_updated_on",
                    "version",
                    "recent_updates",
                ),
            },
        ),
    )

    @admin.display(description="Due", ordering="due_date")
    def due(self, obj):
        return uk_date(obj.effective_due_date)

    @admin.display(description="Latest updates")
    def recent_updates(self, obj):
        updates = obj.updates.order_by("-effective_date", "-recorded_at")[:10] if obj.pk else []
        rows = [
            (uk_date(u.effective_date), u.percent, u.get_status_display(), u.author_name, u.channel)
            for u in updates
        ]
        if not rows:
            return "No updates yet."
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}: {}%, {} ({}, {})</li>", rows)
        )

    def service_save(self, request, obj, m2m):
        # The programme follows the objective; the service refreshes both programmes on a move.
        obj.programme_id = obj.objective.programme_id
        action_save(obj, by=request.user, channel=Channel.ADMIN, m2m=m2m)

    def service_delete(self, request, obj):
        action_delete(action=obj, by=request.user, channel=Channel.ADMIN)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "action",
        "effective",
        "percent",
        "status",
        "declared_rag",
        "author_name",
        "channel",
        "recorded_at",
    )
    list_filter = ("action__programme", "status", "declared_rag", "channel", "effective_date")
    search_fields = ("action__reference", "action__title", "author_name", "author__username")
    list_select_related = ("action", "author")
    date_hierarchy = "effective_date"

    @admin.display(description="Effective date", ordering="effective_date")
    def effective(self, obj):
        return uk_date(obj.effective_date)


class MeasureTargetInline(admin.TabularInline):
    model = MeasureTarget
    extra = 0
    autocomplete_fields = ("period",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("period")


class MeasureValueInline(admin.TabularInline):
    model = MeasureValue
    extra = 0
    autocomplete_fields = ("period",)
    readonly_fields = ("entered_by", "entered_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("period", "entered_by")


@admin.register(Measure)
class MeasureAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "title",
        "programme",
        "unit",
        "polarity",
        "frequency",
        "owner",
        "data_only",
    )
    list_filter = ("programme", "unit", "polarity", "frequency", "data_only", "amber_if_improving")
    search_fields = ("reference", "title", "owner__name")
    list_select_related = ("programme", "owner")
    autocomplete_fields = ("programme", "owner", "objectives")
    inlines = (MeasureTargetInline, MeasureValueInline)

    def service_save_inline(self, request, obj):
        if isinstance(obj, MeasureValue):
            measure_value_save(obj, by=request.user)
        else:
            super().service_save_inline(request, obj)


@admin.register(MeasureTarget)
class MeasureTargetAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("measure", "period", "value", "band_low", "band_high", "text")
    list_filter = ("measure__programme", "period")
    search_fields = ("measure__reference", "measure__title", "period__name")
    list_select_related = ("measure", "period")
    autocomplete_fields = ("measure", "period")


@admin.register(MeasureValue)
class MeasureValueAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("measure", "period", "value", "entered_by", "entered_at")
    list_filter = ("measure__programme", "period")
    search_fields = ("measure__reference", "measure__title", "period__name")
    list_select_related = ("measure", "period", "entered_by")
    autocomplete_fields = ("measure", "period")
    readonly_fields = ("entered_by", "entered_at")

    def service_save(self, request, obj, m2m):
        measure_value_save(obj, by=request.user)


@admin.register(Programme)
class ProgrammeAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "short_name",
        "status",
        "owner",
        "start",
        "end",
        "percent",
        "rollup_rag",
    )
    list_filter = ("status", "rollup_rag", "percent_method", "rag_policy")
    search_fields = ("name", "short_name", "owner__name")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner", "managers")
    readonly_fields = (*ROLLUP_FIELDS, "created_at")
    actions = ("recalculate",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "short_name",
                    "description",
                    "status",
                    "start_date",
                    "end_date",
                    "owner",
                    "managers",
                )
            },
        ),
        (
            "Roll-up settings",
            {
                "fields": (
                    "percent_method",
                    "rag_policy",
                    "rag_green_threshold",
                    "rag_red_threshold",
                    "excluded_statuses",
                    "stale_after_days",
                    "manual_difference_points",
                    "risk_amber_from",
                    "risk_red_from",
                    "commentary_required",
                ),
            },
        ),
        ("Stored figures", {"fields": (*ROLLUP_FIELDS, "created_at"), "classes": ("collapse",)}),
    )

    @admin.display(description="Start", ordering="start_date")
    def start(self, obj):
        return uk_date(obj.start_date)

    @admin.display(description="End", ordering="end_date")
    def end(self, obj):
        return uk_date(obj.end_date)

    @admin.display(description="Percent complete", ordering="rollup_percent")
    def percent(self, obj):
        return rules.percent_text(obj.rollup_percent)

    def service_save(self, request, obj, m2m):
        # The settings may change every figure: the service refreshes them in its transaction.
        programme_save(obj, by=request.user, channel=Channel.ADMIN, m2m=m2m)

    @admin.action(description="Recalculate the stored figures of the selected programmes")
    def recalculate(self, request, queryset):
        for programme_id in queryset.values_list("pk", flat=True):
            programme_refresh(programme_id=programme_id)
        self.message_user(request, "The figures have been recalculated.", messages.SUCCESS)


@admin.register(Objective)
class ObjectiveAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "title",
        "programme",
        "parent",
        "kind",
        "owner",
        "percent",
        "rollup_rag",
    )
    list_filter = ("programme", "kind", "rollup_rag")
    search_fields = ("reference", "title", "owner__name", "leads_note")
    list_select_related = ("programme", "parent", "owner")
    autocomplete_fields = ("programme", "parent", "owner", "leads", "org_units", "contributes_to")
    readonly_fields = ROLLUP_FIELDS + ("rollup_calculated_percent",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "programme",
                    "parent",
                    "reference",
                    "title",
                    "kind",
                    "description",
                    "purpose",
                    "order",
                    "weight",
                )
            },
        ),
        ("Who", {"fields": ("owner", "leads", "leads_note", "org_units")}),
        (
            "Plan",
            {
                "fields": (
                    "timeframe",
                    "due_date",
                    "subgroup",
                    "dependencies",
                    "contributes_to",
                    "manual_percent",
                )
            },
        ),
        (
            "Stored figures",
            {
                "fields": (
                    "rollup_percent",
                    "rollup_calculated_percent",
                    "rollup_rag",
                    "rollup_counts",
                    "rollup_at",
                ),
                "classes": ("collapse",),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # Moving an objective to another programme would strand its actions and children there.
        if obj is not None:
            return ("programme", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description="Percent complete", ordering="rollup_percent")
    def percent(self, obj):
        return rules.percent_text(obj.rollup_percent)

    def service_save(self, request, obj, m2m):
        objective_save(obj, by=request.user, channel=Channel.ADMIN, m2m=m2m)

    def service_delete(self, request, obj):
        objective_delete(objective=obj, by=request.user, channel=Channel.ADMIN)
