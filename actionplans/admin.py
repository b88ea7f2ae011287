from django.contrib import admin
from django.utils.html import format_html, format_html_join

from programmes.admin import ServiceAdminForm, ServiceAdminMixin, ViewOnlyAdminMixin, uk_date
from programmes.audit import Channel
from programmes.html import sanitise_rich_text
from programmes.rollup import programme_refresh
from programmes.services import record_delete, record_save

from .models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate
from .services import action_save, measure_record_value

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
        previous = Action.objects.filter(pk=obj.pk).values_list("programme_id", flat=True).first()
        # The programme follows the objective.
        obj.programme_id = obj.objective.programme_id
        action_save(obj, by=request.user, channel=Channel.ADMIN, m2m=m2m)
        if previous and previous != obj.programme_id:
            programme_refresh(programme_id=previous)

    def service_delete(self, request, obj):
        programme_id = obj.programme_id
        record_delete(obj, by=request.user, channel=Channel.ADMIN)
        programme_refresh(programme_id=programme_id)


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
