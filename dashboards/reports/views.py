"""The Reports page: a clerk (or anyone who may read a programme) chooses a report and downloads it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from actionplans.selectors import programme_action_count, programmes_with_owned_actions
from programmes.permissions import can_read_everything, deny, require_reader, signed_in_and
from programmes.rules import uk_date
from programmes.selectors import objective_label, programme_choices

from .. import selectors
from ..models import ReportRun
from .files import FORMATS, download, report_download
from .forms import MovementForm, ReportForm
from .model import KIND_TITLES
from .report import build_report, movement_report
from .runs import WRITING, report_run_file, report_run_for, report_run_start

RUN_PAGE = "dashboards/report_run.html"


def _may_report(request) -> None:
    """Anyone signed in reaches the page; what they may report on is decided in the view."""


@require_http_methods(["GET", "POST"])
@signed_in_and(_may_report)
def reports(request):
    """GET shows the form (links may fill in the programme, objective and date); POST makes the report,
    so that a report, and a background run, is made only by the form, with its CSRF token."""
    today = timezone.localdate()
    version = selectors.data_version()
    if can_read_everything(request.user):
        programmes = programme_choices()
    else:
        programmes = programmes_with_owned_actions(request.user)
        if not programmes:
            deny(request, "reports are for readers of every programme and for officers who own actions")
    periods = selectors.reporting_periods(version)
    if request.method == "POST":
        form = ReportForm(request.POST, programmes=programmes, periods=periods, today=today)
    else:
        form = ReportForm(programmes=programmes, periods=periods, today=today,
                          initial={name: request.GET.get(name, "")
                                   for name in ("programme", "as_at", "objective", "kind", "compare")
                                   if request.GET.get(name)})
    if form.is_bound and form.is_valid():
        as_at = form.cleaned_data["resolved"] or today
        if form.estate:  # the whole estate: always in the background
            return _in_the_background(request, {**form.cleaned_data, "programme": None}, as_at)
        if programme_action_count(form.cleaned_data["programme"]) > settings.REPORTS_BACKGROUND_ROWS:
            return _in_the_background(request, form.cleaned_data, as_at)
        report = build_report(form.cleaned_data["kind"], form.cleaned_data["programme"], as_at=as_at,
                              user=request.user, version=version, compare=form.cleaned_data["compare"],
                              objective_id=form.cleaned_data["objective"])
        if report is None:
            raise Http404("There is no such programme, or no such objective in it.")
        return report_download(report, form.cleaned_data["file_format"], by=request.user, what=report.title,
                               model="programmes.programme", object_id=form.cleaned_data["programme"],
                               programme=report.programme)
    objective = objective_label(form["objective"].value())
    return render(request, "dashboards/reports.html", {"form": form, "title": "Reports", "objective": objective})


def _in_the_background(request, cleaned: dict, as_at):
    """A big report: made by a task while the requester watches its run page."""
    try:
        run = report_run_start(user=request.user, kind=cleaned["kind"], programme_id=cleaned["programme"],
                               objective_id=cleaned["objective"], as_at=as_at, compare=cleaned["compare"],
                               file_format=cleaned["file_format"])
    except ValidationError:
        raise Http404("There is no such programme, or no such objective in it.") from None
    response = HttpResponseRedirect(reverse("report_run", args=[run.pk]))
    response.status_code = 303  # See Other: the run page is fetched with a GET, whatever asked.
    return response


def _own_run(request, pk: int, *, with_file: bool = False):
    """The requester's own run; anyone else's is a 404, so that a run's number reveals nothing."""
    try:
        return report_run_file(request.user, pk) if with_file else report_run_for(request.user, pk)
    except ReportRun.DoesNotExist:
        raise Http404("There is no report with that number.") from None


def _progress_label(run: ReportRun) -> str:
    if run.status == ReportRun.Status.QUEUED:
        return "Waiting to start"
    if run.progress < WRITING:
        return "Reading the figures"
    return "Writing the file"


@require_GET
@signed_in_and(_may_report)
def report_run(request, pk):
    """A report being made. htmx polls #progress every second until the file is ready, or failed."""
    run = _own_run(request, pk)
    chosen = FORMATS.get(run.file_format)
    context = {"run": run, "title": KIND_TITLES.get(run.kind, "Report"), "progress_label": _progress_label(run),
               "format_label": chosen.label if chosen else run.file_format, "announce": bool(request.htmx)}
    if request.htmx:
        return render(request, f"{RUN_PAGE}#progress", context)
    return render(request, RUN_PAGE, context)


@require_GET
@signed_in_and(_may_report)
def report_run_download(request, pk):
    """The finished file, for the requester only."""
    run = _own_run(request, pk, with_file=True)
    return download(bytes(run.content), file_format=run.file_format, file_name=run.file_name, by=request.user,
                    what=KIND_TITLES.get(run.kind, "Report"), model="dashboards.reportrun", object_id=run.pk,
                    programme=run.programme.name if run.programme_id else "All programmes")


@require_GET
@signed_in_and(require_reader)
def movement(request, pk):
    """What moved in a programme between two dates, as a page: the movement report's sections, with
    links to each objective and action, and to the same report as a file."""
    today = timezone.localdate()
    version = selectors.data_version()
    periods = selectors.reporting_periods(version)
    form = MovementForm(request.GET or None, periods=periods, today=today)
    as_at, compare = today, None
    if form.is_bound and form.is_valid():
        as_at, compare = form.cleaned_data["resolved"] or today, form.cleaned_data["compare"]
    report = movement_report(pk, as_at=as_at, user=request.user, version=version, compare=compare)
    if report is None:
        raise Http404("There is no programme with that number.")

    def url(row) -> str:
        return (reverse("action_detail", args=[row.id]) if row.kind == "action"
                else reverse("objective_dashboard", args=[pk, row.id]))

    sections = [(section, [(row, url(row)) for row in section.rows]) for section in report.sections]
    dates = f"as_at={as_at.isoformat()}&compare={report.compared_with.isoformat()}"
    return render(request, "dashboards/movement.html", {
        "title": f"{report.programme}: {report.title.lower().replace('movement', 'what moved', 1)}",
        "report": report, "sections": sections, "form": form, "programme_id": pk, "as_at_shown": report.as_at_shown,
        "compare_shown": uk_date(report.compared_with), "as_at_chosen": as_at != today,
        "report_link": f"{reverse('reports')}?programme={pk}&kind=movement&{dates}",
        "dashboard_link": reverse("programme_dashboard", args=[pk]) + (f"?as_at={as_at.isoformat()}"
                                                                       if as_at != today else ""),
    })
