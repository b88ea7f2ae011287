"""The Reports page: a clerk (or anyone who may read a programme) chooses a report and downloads it."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from actionplans.selectors import programmes_with_owned_actions
from programmes.permissions import can_read_everything, deny, signed_in_and
from programmes.selectors import objective_label, programme_choices

from .. import selectors
from .files import FORMATS, file_name
from .forms import ReportForm
from .report import build_report


def _may_report(request) -> None:
    """Anyone signed in reaches the page; what they may report on is decided in the view."""


@require_GET
@signed_in_and(_may_report)
def reports(request):
    today = timezone.localdate()
    version = selectors.data_version()
    if can_read_everything(request.user):
        programmes = programme_choices()
    else:
        programmes = programmes_with_owned_actions(request.user)
        if not programmes:
            deny(request, "reports are for readers of every programme and for officers who own actions")
    periods = selectors.reporting_periods(version)
    if "file_format" in request.GET:
        form = ReportForm(request.GET, programmes=programmes, periods=periods, today=today)
    else:
        form = ReportForm(programmes=programmes, periods=periods, today=today,
                          initial={"programme": request.GET.get("programme", ""),
                                   "as_at": request.GET.get("as_at", ""),
                                   "objective": request.GET.get("objective", "")})
    if form.is_bound and form.is_valid():
        as_at = form.cleaned_data["resolved"] or today
        report = build_report(form.cleaned_data["kind"], form.cleaned_data["programme"], as_at=as_at,
                              user=request.user, version=version, compare=form.cleaned_data["compare"],
                              objective_id=form.cleaned_data["objective"])
        if report is None:
            raise Http404("There is no such programme, or no such objective in it.")
        chosen = FORMATS[form.cleaned_data["file_format"]]
        response = HttpResponse(chosen.render(report), content_type=chosen.media_type)
        response["Content-Disposition"] = f'attachment; filename="{file_name(report, chosen)}"'
        # What a person may read is theirs alone: no shared cache keeps a copy.
        response["Cache-Control"] = "private, no-store"
        return response
    objective = objective_label(form["objective"].value())
    return render(request, "dashboards/reports.html", {"form": form, "title": "Reports", "objective": objective})
