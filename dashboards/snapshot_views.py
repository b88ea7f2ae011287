"""Snapshots' pages: a programme's snapshots, one snapshot's versions and files, and a meeting's board pack.

Readers (leadership, managers, admins, clerks) see and download them; admins, programme managers and
clerks take and restate them. Every file is the frozen content, whatever changed since."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.models import Meeting
from programmes.forms import DateField, add_service_errors
from programmes.models import Programme
from programmes.permissions import require_reader, signed_in_and
from programmes.roles import ADMIN, CLERK, PROGRAMME_MANAGER, has_role
from programmes.rules import uk_date

from .models import Snapshot
from .reports.files import FORMATS, report_download
from .reports.model import KIND_TITLES
from .snapshots import (
    KINDS,
    Channel,
    board_pack,
    board_programme_ids,
    meeting_freeze,
    meeting_snapshots,
    snapshot_report,
    snapshot_restate,
    snapshot_take,
    versions,
)

TAKERS = (ADMIN, PROGRAMME_MANAGER, CLERK)
PACK_FORMATS = ("docx", "pdf")
reader_required = signed_in_and(require_reader)


def _may_take(user) -> bool:
    return has_role(user, *TAKERS)


class TakeForm(forms.Form):
    label = forms.CharField(max_length=300, label="Label", help_text="What it is for, for example “Quarter 1 "
                            "report to Cabinet”.", error_messages={"required": "Enter a label."})
    as_at = DateField(name="The as-at date", label="As at", required=False, latest=timezone.localdate,
                      latest_message="The snapshot's date must be today or in the past.",
                      help_text="For example, 30 6 2024. Leave it blank for today.")


class RestateForm(forms.Form):
    reason = forms.CharField(label="Why restate it?", max_length=10_000, widget=forms.Textarea,
                             help_text="The committee reads this beside the differences.",
                             error_messages={"required": "Say why the snapshot is restated."})


def _through_service(request, form, write, next_url) -> HttpResponseRedirect | None:
    """POST: refuse who may not take snapshots; with a valid form, call the service and go on to the
    page it names (303), or put its errors next to the fields (None: show the form again)."""
    if request.method != "POST":
        return None
    if not _may_take(request.user):
        raise Http404("There is no such page.")
    if form.is_valid():
        try:
            made = write(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = HttpResponseRedirect(next_url(made))
            response.status_code = 303
            return response
    return None


def _download(request, report, file_format: str, **audited) -> HttpResponse:
    return report_download(report, file_format, by=request.user, **audited)


@require_http_methods(["GET", "POST"])
@reader_required
def programme_snapshots(request, pk):
    programme = get_object_or_404(Programme.objects.only("pk", "name"), pk=pk)
    form = TakeForm(request.POST or None)
    done = _through_service(request, form, lambda data: snapshot_take(
        programme_id=pk, as_at=data["as_at"] or timezone.localdate(), label=data["label"], by=request.user),
        lambda made: reverse("snapshot", args=[made.pk]))
    if done:
        return done
    taken = (Snapshot.objects.filter(programme=programme).select_related("taken_by")
             .defer("tree", "reports", "settings").order_by("-as_at", "-version", "-pk"))
    return render(request, "dashboards/snapshots.html", {
        "title": f"{programme.name}: snapshots", "programme": programme, "snapshots": taken, "form": form,
        "may_take": _may_take(request.user),
    })


@require_http_methods(["GET", "POST"])
@reader_required
def snapshot(request, pk):
    chosen = get_object_or_404(Snapshot.objects.select_related("programme", "taken_by").defer("tree", "settings"),
                               pk=pk)
    form = RestateForm(request.POST or None)
    done = _through_service(request, form, lambda data: snapshot_restate(chosen, reason=data["reason"],
                                                                         by=request.user),
                            lambda made: reverse("snapshot", args=[made.pk]))
    if done:
        return done
    files = [(KIND_TITLES[kind], [(FORMATS[f].label.split(" (")[0], reverse("snapshot_file", args=[pk, kind, f]))
                                  for f in FORMATS]) for kind in KINDS]
    return render(request, "dashboards/snapshot.html", {
        "title": f"{chosen.label} (version {chosen.version})", "snapshot": chosen, "versions": versions(chosen),
        "files": files, "form": form, "may_take": _may_take(request.user),
    })


@require_GET
@reader_required
def snapshot_file(request, pk, kind, file_format):
    chosen = get_object_or_404(Snapshot.objects.select_related("programme").only(
        "pk", "label", "version", "reports", "programme__name"), pk=pk)
    if kind not in KINDS or file_format not in FORMATS:
        raise Http404("There is no such file.")
    return _download(request, snapshot_report(chosen, kind), file_format, model="dashboards.snapshot", object_id=pk,
                     what=f"{KIND_TITLES[kind]} from the snapshot “{chosen.label}” (version {chosen.version})",
                     programme=chosen.programme.name)


@require_GET
@reader_required
def meeting_pack(request, pk, file_format):
    meeting = get_object_or_404(Meeting.objects.select_related("board"), pk=pk)
    if file_format not in PACK_FORMATS:
        raise Http404("There is no such file.")
    report = board_pack(meeting)
    if report is None:
        raise Http404("Nothing has been frozen for this meeting yet.")
    return _download(request, report, file_format, model="governance.meeting", object_id=pk,
                     what=f"Board pack: {meeting.board.name}, {uk_date(meeting.date)}")


@require_GET
@reader_required
def meeting_pack_page(request, pk):
    """The meeting's board pack: what has been frozen for it, its files, and (for those who may) the
    button that freezes the programmes reporting to the board."""
    meeting = get_object_or_404(Meeting.objects.select_related("board"), pk=pk)
    frozen = meeting_snapshots(meeting)
    due = board_programme_ids(meeting.board)
    return render(request, "dashboards/board_pack.html", {
        "title": f"Board pack: {meeting.board.name}, {uk_date(meeting.date)}", "meeting": meeting, "frozen": frozen,
        "missing": len(set(due) - {s.programme_id for s in frozen}), "reporting": len(due),
        "cut_off": meeting.updates_due_by or meeting.date, "may_take": _may_take(request.user),
        "cut_off_passed": (meeting.updates_due_by or meeting.date) <= timezone.localdate(),
        "files": [(FORMATS[f].label.split(" (")[0], reverse("meeting_pack", args=[pk, f])) for f in PACK_FORMATS],
    })


@require_POST
@reader_required
def meeting_pack_freeze(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("board"), pk=pk)
    if not _may_take(request.user):
        raise Http404("There is no such page.")
    try:
        meeting_freeze(meeting, by=request.user, channel=Channel.BROWSER)
    except ValidationError:
        raise Http404("The cut-off of this meeting is still to come: freeze it on the day or after.") from None
    response = HttpResponseRedirect(reverse("meeting_pack_page", args=[pk]))
    response.status_code = 303
    return response
