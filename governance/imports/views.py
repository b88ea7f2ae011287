"""The programme office's door to the spreadsheet import: upload, preview, correct the columns,
confirm, and see the result.

The work is governance.imports.service's, run by its Celery task, as for the admin and the
command; these pages show the stored run. Every view checks the admin role itself, the polled
progress partial and every POST included: a partial can be fetched on its own.
"""


from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from programmes.forms import add_service_errors
from programmes.models import ImportRun
from programmes.permissions import require_role, signed_in_and
from programmes.roles import ADMIN

from . import selectors
from .forms import ImportChoicesForm, ImportMappingForm, ImportUploadForm
from .readers import megabytes
from .service import (
    import_run_confirm,
    import_run_progress,
    import_run_start,
    import_run_update,
)

LIST_PAGE = "governance/imports/import_list.html"
NEW_PAGE = "governance/imports/import_new.html"
RUN_PAGE = "governance/imports/import_run.html"
RUNS_PER_PAGE = 50
REMAPPABLE = (ImportRun.Status.PREVIEW, ImportRun.Status.FAILED)


def _require_admin(request) -> None:
    require_role(request, ADMIN)


# Signed-in admins only; everyone else gets a logged 403, on every page, partial and POST.
programme_office = signed_in_and(_require_admin)


def _run(pk: int) -> ImportRun:
    try:
        return selectors.import_run_for_page(pk)
    except ImportRun.DoesNotExist:
        raise Http404("There is no import with that number.") from None


def _to_run(request, run):
    """After a POST: the run page, by a redirect the browser (or htmx) follows."""
    url = reverse("import_run", args=[run.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@programme_office
@require_GET
def import_list(request):
    page = Paginator(selectors.import_runs(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, LIST_PAGE, {"page_obj": page, "runs": page.object_list})


@programme_office
@require_http_methods(["GET", "POST"])
def import_new(request):
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    form.uploaded_by = request.user
    if request.method == "POST" and form.is_valid():
        try:
            run = import_run_start(by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _to_run(request, run)
    context = {"form": form, "limit": megabytes(settings.IMPORT_MAX_BYTES)}
    return render(request, NEW_PAGE, context, status=422 if form.errors else 200)


def _render_run_page(request, run, *, mapping_form=None, choices_form=None, status=200):
    progress = import_run_progress(run)
    report = selectors.run_report(run.summary) if progress["finished"] else None
    can_remap = run.status in REMAPPABLE and report is not None and bool(report.sheets)
    if can_remap and mapping_form is None:
        mapping_form = ImportMappingForm(sheets=report.sheets)
    if can_remap and choices_form is None and report.start_date:
        choices_form = ImportChoicesForm(report=report)
    context = {
        "run": run, "progress": progress, "progress_label": selectors.progress_label(progress),
        "report": report, "mapping_form": mapping_form if can_remap else None,
        "choices_form": choices_form if can_remap else None,
        "can_confirm": run.status == ImportRun.Status.PREVIEW and report is not None and report.ok,
    }
    return render(request, RUN_PAGE, context, status=status)


@programme_office
@require_GET
def import_run(request, pk):
    """The run. htmx polls it while the task works: the progress partial, then a reload when done."""
    run = _run(pk)
    if not request.htmx:
        return _render_run_page(request, run)
    progress = import_run_progress(run)
    if progress["finished"]:
        return HttpResponseClientRefresh()
    context = {"run": run, "progress": progress, "progress_label": selectors.progress_label(progress)}
    return render(request, f"{RUN_PAGE}#progress", context)


@programme_office
@require_POST
def import_run_mapping(request, pk):
    """Correct which field each column fills, then check the file again with the correction."""
    run = _run(pk)
    if run.status not in REMAPPABLE:
        messages.warning(request, "The columns cannot be changed now: the file is being checked or "
                                  "imported, or has been imported.")
        return _to_run(request, run)
    report = selectors.run_report(run.summary)
    form = ImportMappingForm(request.POST, sheets=report.sheets if report else [])
    if not form.is_valid():
        return _render_run_page(request, run, mapping_form=form, status=422)
    import_run_update(run, as_at=run.as_at, mapping=form.mapping(run.mapping))
    messages.success(request, "Your choice of columns was saved and the file is being checked again.")
    return _to_run(request, run)


@programme_office
@require_POST
def import_run_choices(request, pk):
    """The programme's start date, a flat plan's objective, which likely duplicates are one person:
    saved on the run, then the file is checked again with them."""
    run = _run(pk)
    report = selectors.run_report(run.summary)
    if run.status not in REMAPPABLE or report is None:
        messages.warning(request, "These choices cannot be changed now: the file is being checked or "
                                  "imported, or has been imported.")
        return _to_run(request, run)
    form = ImportChoicesForm(request.POST, report=report)
    if not form.is_valid():
        return _render_run_page(request, run, choices_form=form, status=422)
    import_run_update(run, as_at=run.as_at, mapping=run.mapping, options=form.options(run.options))
    messages.success(request, "Your choices were saved and the file is being checked again.")
    return _to_run(request, run)


@programme_office
@require_POST
def import_run_commit(request, pk):
    """Import a checked file with no errors. Queued once, however often the button is pressed."""
    run = _run(pk)
    if not import_run_confirm(run):
        messages.warning(request, _why_not_imported(run))
    return _to_run(request, run)


def _why_not_imported(run: ImportRun) -> str:
    if run.status == ImportRun.Status.COMMITTED:
        return "This file has already been imported."
    if run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING):
        return "This file is still being checked or imported. Wait for it to finish."
    return "This file has errors, so nothing was imported. Fix them and upload the file again."
