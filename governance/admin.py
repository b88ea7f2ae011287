from django.contrib import admin

from actionplans.admin import ObjectiveAdmin
from programmes import rules
from programmes.admin import ServiceAdminMixin, ViewOnlyAdminMixin, uk_date
from programmes.audit import Channel
from programmes.models import Objective, ReportingPeriod

from .models import (
    Assurance,
    AssuranceSource,
    Board,
    BoardMembership,
    Meeting,
    Risk,
    RiskReview,
    RoundMessage,
    UpdateRound,
)
from .services import board_save, risk_save


class BoardMembershipInline(admin.TabularInline):
    model = BoardMembership
    extra = 0
    autocomplete_fields = ("person",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "board")


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ("date", "updates_due_by", "title")


@admin.register(Board)
class BoardAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "reports_to", "meeting_frequency")
    list_filter = ("programmes",)
    search_fields = ("name", "short_name")
    list_select_related = ("reports_to",)
    autocomplete_fields = ("reports_to", "programmes", "objectives")
    inlines = (BoardMembershipInline, MeetingInline)

    def service_save(self, request, obj, m2m):
        board_save(obj, by=request.user, channel=Channel.ADMIN, programmes=m2m.get("programmes"),
                   objectives=m2m.get("objectives"))


@admin.register(BoardMembership)
class BoardMembershipAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("person", "role", "board")
    list_filter = ("role", "board")
    search_fields = ("person__name", "board__name", "board__short_name")
    list_select_related = ("person", "board")
    autocomplete_fields = ("board", "person")


@admin.register(Meeting)
class MeetingAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("board", "meeting_date", "cut_off", "title")
    list_filter = ("board", "date")
    search_fields = ("title", "board__name", "board__short_name")
    list_select_related = ("board",)
    autocomplete_fields = ("board",)
    date_hierarchy = "date"

    @admin.display(description="Date", ordering="date")
    def meeting_date(self, obj):
        return uk_date(obj.date)

    @admin.display(description="Updates due by", ordering="updates_due_by")
    def cut_off(self, obj):
        return uk_date(obj.updates_due_by)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "financial_year", "quarter", "starts", "ends", "is_closed")
    list_filter = ("kind", "financial_year", "is_closed")
    search_fields = ("name", "financial_year")

    @admin.display(description="Start", ordering="start")
    def starts(self, obj):
        return uk_date(obj.start)

    @admin.display(description="End", ordering="end")
    def ends(self, obj):
        return uk_date(obj.end)


@admin.register(Risk)
class RiskAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "title",
        "programme",
        "owner",
        "current_score",
        "target_score",
        "review",
        "status",
    )
    list_filter = ("programme", "status", "review_date")
    search_fields = ("reference", "title", "owner__name", "objective__reference")
    list_select_related = ("programme", "owner")
    autocomplete_fields = ("programme", "objective", "owner", "mitigating_actions")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "programme",
                    "objective",
                    "reference",
                    "title",
                    "description",
                    "owner",
                    "status",
                    "review_date",
                )
            },
        ),
        (
            "Scores (likelihood and impact, 1 to 5)",
            {
                "fields": (
                    ("inherent_likelihood", "inherent_impact"),
                    ("current_likelihood", "current_impact"),
                    ("target_likelihood", "target_impact"),
                ),
            },
        ),
        ("Mitigation", {"fields": ("mitigation", "mitigating_actions")}),
    )

    def service_save(self, request, obj, m2m):
        # A change of scores, owner, review date or status is kept as a review too.
        risk_save(obj, by=request.user, channel=Channel.ADMIN, m2m=m2m)

    @admin.display(description="Current score")
    def current_score(self, obj):
        return rules.risk_score(obj.current_likelihood, obj.current_impact)

    @admin.display(description="Target score")
    def target_score(self, obj):
        return rules.risk_score(obj.target_likelihood, obj.target_impact)

    @admin.display(description="Review date", ordering="review_date")
    def review(self, obj):
        return uk_date(obj.review_date)


@admin.register(RiskReview)
class RiskReviewAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Reviews are kept as recorded (governance.services.risk_record_review): read here, never changed."""

    list_display = ("risk", "reviewed", "owner", "current_likelihood", "current_impact", "status", "recorded_by")
    list_filter = ("risk__programme", "status", "reviewed_on")
    search_fields = ("risk__reference", "risk__title", "owner__name", "note")
    list_select_related = ("risk", "owner", "recorded_by")
    date_hierarchy = "reviewed_on"

    @admin.display(description="Reviewed on", ordering="reviewed_on")
    def reviewed(self, obj):
        return uk_date(obj.reviewed_on)


@admin.register(AssuranceSource)
class AssuranceSourceAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "order", "description")
    search_fields = ("name",)


@admin.register(Assurance)
class AssuranceAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("objective", "source", "note")
    list_filter = ("source", "objective__programme")
    search_fields = ("objective__reference", "objective__title", "source__name", "note")
    list_select_related = ("objective", "source")
    autocomplete_fields = ("objective", "source")


class AssuranceInline(admin.TabularInline):
    model = Assurance
    extra = 0
    autocomplete_fields = ("source",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class ObjectiveWithAssuranceAdmin(ObjectiveAdmin):
    """The objective's admin (actionplans) with its sources of assurance, which governance owns."""

    inlines = (*ObjectiveAdmin.inlines, AssuranceInline)


admin.site.unregister(Objective)
admin.site.register(Objective, ObjectiveWithAssuranceAdmin)

from .imports import admin as import_admin  # noqa: E402,F401  (registers ImportMapping and ImportRun)


@admin.register(UpdateRound)
class UpdateRoundAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Rounds are opened on the Update rounds page (governance.rounds.services.round_open), which sends
    their e-mails once the round is saved: read here, never changed."""

    list_display = ("title", "cut_off_shown", "period", "is_closed", "opened_by")
    list_filter = ("is_closed", "period")
    search_fields = ("title",)
    list_select_related = ("period", "opened_by")

    @admin.display(description="Cut-off", ordering="cut_off")
    def cut_off_shown(self, obj):
        return uk_date(obj.cut_off)


@admin.register(RoundMessage)
class RoundMessageAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Every e-mail a round sent: the record that stops it being sent twice."""

    list_display = ("subject", "person", "stage", "to", "cc", "sent_at")
    list_filter = ("stage", "round")
    search_fields = ("subject", "person__name", "to")
    list_select_related = ("person", "round")
