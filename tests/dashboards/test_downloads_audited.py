"""Every file taken away is in the audit trail as "downloaded": who, what, the format, the programme and
the request id, whichever door it left by (a report, a background run, a snapshot's file, a board pack,
the command line)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from dashboards.models import ReportRun
from dashboards.selectors import data_version
from dashboards.snapshots import meeting_freeze, snapshot_take
from governance.models import Board, Meeting
from programmes.models import AuditEntry
from programmes.roles import CLERK
from tests.dashboards.builders import JULY_15, council_plan
from tests.dashboards.reports.builders import download, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    return council_plan()


def downloads():
    return list(AuditEntry.objects.filter(action="downloaded").order_by("id"))


def test_a_report_downloaded_from_the_reports_page_is_audited_with_who_what_format_and_programme(client, plan):
    chloe = signed_in(client, CLERK, "chloe")

    response = client.post(reverse("reports"), {"programme": plan.programme.pk, "kind": "action-plan",
                                                "file_format": "xlsx", "as_at": "2024-07-15"},
                           headers={"X-Request-ID": "req-report-1"})

    assert response.status_code == 200
    [entry] = downloads()
    assert (entry.user, entry.channel, entry.model, entry.object_id) == (
        chloe, "browser", "programmes.programme", str(plan.programme.pk))
    assert entry.changes == {"what": "Action plan report", "format": "xlsx", "programme": plan.programme.name,
                             "file name": "ASC-action-plan-2024-07-15.xlsx"}
    assert entry.request_id == "req-report-1"


def test_a_report_that_is_refused_is_not_audited_as_downloaded(client, plan):
    signed_in(client, CLERK, "chloe")

    response = download(client, plan.programme, "xlsx", as_at="2099-01-01")

    assert response.status_code == 200 and "attachment" not in response.get("Content-Disposition", "")
    assert downloads() == []


def test_a_background_run_is_audited_when_its_file_is_downloaded(client, plan, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.REPORTS_BACKGROUND_ROWS = 1
    chloe = signed_in(client, CLERK, "chloe")
    with django_capture_on_commit_callbacks(execute=True):
        download(client, plan.programme, "csv", as_at="2024-06-30")
    run = ReportRun.objects.get()
    assert downloads() == []  # asked for, not yet taken away

    client.get(reverse("report_run_download", args=[run.pk]))

    [entry] = downloads()
    assert (entry.user, entry.model, entry.object_id) == (chloe, "dashboards.reportrun", str(run.pk))
    assert entry.changes["format"] == "csv" and entry.changes["programme"] == plan.programme.name
    assert entry.changes["file name"] == run.file_name


def test_a_snapshots_file_is_audited_as_downloaded_from_that_snapshot(client, plan):
    chloe = signed_in(client, CLERK, "chloe")
    snapshot = snapshot_take(programme_id=plan.programme.pk, as_at=JULY_15, label="Q2 to Cabinet", channel="command")

    client.get(reverse("snapshot_file", args=[snapshot.pk, "exceptions", "csv"]))

    [entry] = downloads()
    assert (entry.user, entry.model, entry.object_id) == (chloe, "dashboards.snapshot", str(snapshot.pk))
    assert entry.changes["what"] == "Exception report from the snapshot “Q2 to Cabinet” (version 1)"
    assert (entry.changes["format"], entry.changes["programme"]) == ("csv", plan.programme.name)


def test_a_board_pack_is_audited_as_downloaded_from_its_meeting(client, plan):
    chloe = signed_in(client, CLERK, "chloe")
    board = Board.objects.get(short_name=f"{plan.programme.short_name}CIB")
    meeting = Meeting.objects.create(board=board, date=JULY_15.replace(day=20), updates_due_by=JULY_15)
    meeting_freeze(meeting, by=None, channel="command")

    client.get(reverse("meeting_pack", args=[meeting.pk, "docx"]))

    [entry] = downloads()
    assert (entry.user, entry.model, entry.object_id) == (chloe, "governance.meeting", str(meeting.pk))
    assert entry.changes["what"] == f"Board pack: {board.name}, 20 July 2024" and entry.changes["format"] == "docx"


def test_an_export_on_the_command_line_is_audited_without_a_person(plan, tmp_path):
    path = tmp_path / "q2.csv"

    call_command("export_report", "--programme", plan.programme.short_name, "--kind", "exceptions",
                 "--format", "csv", "--as-at", "2024-07-15", "--output", str(path), stdout=io.StringIO())

    [entry] = downloads()
    assert (entry.user, entry.channel, entry.model, entry.object_id) == (
        None, "command", "programmes.programme", str(plan.programme.pk))
    assert entry.changes["file name"] == "q2.csv" and entry.changes["what"] == "Exception report"


def test_a_download_does_not_make_the_dashboards_recompute(client, plan):
    signed_in(client, CLERK, "chloe")
    before = data_version()

    download(client, plan.programme, "csv", as_at="2024-07-15")

    assert downloads() and data_version() == before
