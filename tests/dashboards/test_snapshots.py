"""Snapshots: what a committee saw, frozen; restated as a new version; exported the same whatever changed."""

import gc
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from actionplans.services import action_record_progress
from dashboards.models import Snapshot
from dashboards.reports import files
from dashboards.reports.files import FORMATS
from dashboards.reports.report import build_report
from dashboards.snapshots import (
    KINDS,
    board_pack,
    meeting_freeze,
    period_close,
    snapshot_report,
    snapshot_restate,
    snapshot_take,
    take_due_snapshots,
)
from governance.models import Board, Meeting
from programmes.models import AuditEntry, ReportingPeriod
from programmes.roles import CLERK, LEADERSHIP, OFFICER
from tests.dashboards.builders import JULY_15, council_plan
from tests.dashboards.reports.builders import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    return council_plan()


def later_update(plan):
    """An update made after the snapshot, dated before its as-at date: the live report changes."""
    action = plan.programme.actions.order_by("reference").first()
    action_record_progress(action=action, percent=95, status="in_progress", effective_date=date(2024, 7, 10),
                           channel="command", commentary="<p>Nearly there, said later.</p>")
    return action


def test_a_snapshot_exports_the_same_content_before_and_after_later_updates(plan):
    snapshot = snapshot_take(programme_id=plan.programme.pk, as_at=JULY_15, label="Q2 to Cabinet", channel="command")
    before = {kind: snapshot_report(snapshot, kind) for kind in KINDS}
    csv_before = FORMATS["csv"].render(before["action-plan"])

    action = later_update(plan)

    live = build_report("action-plan", plan.programme.pk, as_at=JULY_15, user=None)
    frozen = Snapshot.objects.get(pk=snapshot.pk)
    after = {kind: snapshot_report(frozen, kind) for kind in KINDS}
    assert after == before
    assert FORMATS["csv"].render(after["action-plan"]) == csv_before
    row = {r.ref: r for r in live.sections[0].rows}[action.reference]
    frozen_row = {r.ref: r for r in after["action-plan"].sections[0].rows}[action.reference]
    assert row.percent_shown == "95%" and frozen_row.percent_shown != "95%"
    assert before["action-plan"].title == "Action plan report: Q2 to Cabinet"


def test_it_keeps_the_figures_tree_and_settings_with_a_digest(plan):
    snapshot = snapshot_take(programme_id=plan.programme.pk, as_at=JULY_15, label="Q2", channel="command")

    assert snapshot.tree["ref"] == plan.programme.short_name and snapshot.tree["children"]
    assert snapshot.settings["green_threshold"] == 90 and snapshot.settings["rag_policy"] == "proportion"
    assert len(snapshot.digest) == 64
    assert AuditEntry.objects.filter(model="dashboards.snapshot", object_id=str(snapshot.pk),
                                     action="created").exists()


def test_nothing_changes_a_snapshot(plan):
    snapshot = snapshot_take(programme_id=plan.programme.pk, as_at=JULY_15, label="Q2", channel="command")

    with pytest.raises(ValueError, match="restate it instead"):
        snapshot.save()
    if connection.vendor == "postgresql":  # the database itself refuses, whoever asks
        for statement in ("UPDATE dashboards_snapshot SET label = 'changed'",
                          "DELETE FROM dashboards_snapshot"):
            with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert Snapshot.objects.get(pk=snapshot.pk).label == "Q2"


def test_a_restatement_keeps_both_versions_and_lists_the_differences(plan, django_user_model):
    clerk = django_user_model.objects.create_user("chloe")
    first = snapshot_take(programme_id=plan.programme.pk, as_at=JULY_15, label="Q2", channel="command")
    action = later_update(plan)

    second = snapshot_restate(first, reason="The July update was entered late.", by=clerk, channel="browser")

    assert (second.version, second.first_id, second.reason, second.taken_by) == (
        2, first.pk, "The July update was entered late.", clerk)
    assert any(line.startswith(f"Action {action.reference}: percent ") and line.endswith("→ 95%")
               for line in second.differences)
    assert f"Action {action.reference}: latest commentary changed" in second.differences
    old = {r.ref: r.percent_shown for r in snapshot_report(Snapshot.objects.get(pk=first.pk), "action-plan").rows}
    new = {r.ref: r.percent_shown for r in snapshot_report(second, "action-plan").rows}
    assert old[action.reference] != "95%" and new[action.reference] == "95%"
    third = snapshot_restate(second, reason="Again.", channel="command")
    assert third.version == 3 and third.first_id == first.pk and third.differences == []


def test_a_restatement_needs_a_reason(plan):
    first = snapshot_take(programme_id=plan.programme.pk, as_at=JULY_15, label="Q2", channel="command")
    with pytest.raises(Exception, match="Say why"):
        snapshot_restate(first, reason="  ", channel="command")


def test_closing_a_period_freezes_every_programme_at_its_end(plan):
    period = ReportingPeriod.objects.get(name="2024/25 Q1")

    taken = period_close(period, channel="command")

    assert [(s.programme_id, s.as_at, s.label, s.period_id) for s in taken] == [
        (plan.programme.pk, date(2024, 6, 30), "2024/25 Q1 (closed)", period.pk)]
    assert ReportingPeriod.objects.get(pk=period.pk).is_closed
    assert period_close(period, channel="command") == []  # once only


def meeting_for(plan, cut_off=date(2024, 7, 10), on=date(2024, 7, 20)):
    board = Board.objects.get(short_name=f"{plan.programme.short_name}CIB")
    return Meeting.objects.create(board=board, date=on, updates_due_by=cut_off)


def test_a_meeting_s_cut_off_freezes_what_reports_to_its_board_once(plan):
    meeting = meeting_for(plan)

    first = take_due_snapshots(date(2024, 7, 11))
    again = take_due_snapshots(date(2024, 7, 12))

    assert [(s.programme_id, s.as_at, s.meeting_id) for s in first] == [
        (plan.programme.pk, date(2024, 7, 10), meeting.pk)]
    assert again == []


def test_the_board_pack_is_each_programme_s_reports_from_the_meeting_s_snapshot(plan):
    meeting = meeting_for(plan)
    meeting_freeze(meeting, channel="command")
    pack = board_pack(meeting)
    later_update(plan)

    again = board_pack(Meeting.objects.get(pk=meeting.pk))

    assert again == pack
    titles = [section.title for section in pack.sections]
    name = plan.programme.name
    assert titles[0] == f"{name}: highlight report: Key achievements"
    assert f"{name}: exception report: Actions" in titles
    assert f"{name}: action plan report: Objectives and actions" in titles
    assert any(t.endswith("Top risks") for t in titles) and any(t.endswith("Measures") for t in titles)
    assert pack.as_at_shown == "10 July 2024 (the cut-off for updates)"
    for file_format in ("docx", "pdf"):
        assert FORMATS[file_format].render(pack)[:2] in (b"PK", b"%P")


def test_the_commands_take_a_snapshot_and_export_it(plan, tmp_path):
    out = io.StringIO()
    call_command("snapshot_take", "--programme", plan.programme.short_name, "--as-at", "2024-07-15",
                 "--label", "Q2 to Cabinet", stdout=out)
    snapshot_id = int(out.getvalue().strip())
    path = tmp_path / "q2.csv"
    call_command("export_report", "--snapshot", str(snapshot_id), "--kind", "exceptions", "--format", "csv",
                 "--output", str(path), stdout=io.StringIO())
    first = path.read_bytes()
    later_update(plan)
    call_command("export_report", "--snapshot", str(snapshot_id), "--kind", "exceptions", "--format", "csv",
                 "--output", str(path), stdout=io.StringIO())

    assert path.read_bytes() == first
    assert Snapshot.objects.get(pk=snapshot_id).label == "Q2 to Cabinet"


# ---------------------------------------------------------------- pages

PAGE_BUDGET = 8  # session, user, roles, the programme or snapshot, its list or versions, the header's own


def test_a_clerk_takes_a_snapshot_on_the_page_and_downloads_it(client, plan):
    signed_in(client, CLERK)
    url = reverse("programme_snapshots", args=[plan.programme.pk])

    response = client.post(url, {"label": "Q2 to Cabinet", "as_at": "2024-07-15"})

    snapshot = Snapshot.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse("snapshot", args=[snapshot.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Q2 to Cabinet" in page and "15 July 2024" in page
    download = client.get(reverse("snapshot_file", args=[snapshot.pk, "action-plan", "xlsx"]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert download["Cache-Control"] == "private, no-store"


def test_a_missing_label_is_shown_next_to_the_field(client, plan):
    signed_in(client, CLERK)

    response = client.post(reverse("programme_snapshots", args=[plan.programme.pk]), {"label": "", "as_at": ""})

    body = response.content.decode()
    assert response.status_code == 200 and "Enter a label." in body and "govuk-error-summary" in body
    assert not Snapshot.objects.exists()


def test_leadership_reads_but_does_not_take_and_officers_are_refused(client, plan):
    signed_in(client, LEADERSHIP, "lee")
    url = reverse("programme_snapshots", args=[plan.programme.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"label": "x"}).status_code == 404 and not Snapshot.objects.exists()
    client.logout()
    assert client.get(url).status_code == 302
    signed_in(client, OFFICER, "olu")
    assert client.get(url).status_code == 403


def test_a_restatement_on_the_page_shows_what_changed(client, plan):
    signed_in(client, CLERK)
    first = snapshot_take(programme_id=plan.programme.pk, as_at=JULY_15, label="Q2", channel="command")
    action = later_update(plan)

    response = client.post(reverse("snapshot", args=[first.pk]), {"reason": "Late update"})

    second = Snapshot.objects.get(version=2)
    assert response["Location"] == reverse("snapshot", args=[second.pk])
    page = client.get(response["Location"]).content.decode()
    assert f"Action {action.reference}: percent" in page and "Late update" in page


def test_the_pages_stay_within_their_query_budget(client, plan, django_assert_max_num_queries):
    signed_in(client, CLERK)
    snapshot = snapshot_take(programme_id=plan.programme.pk, as_at=JULY_15, label="Q2", channel="command")
    for url in (reverse("programme_snapshots", args=[plan.programme.pk]), reverse("snapshot", args=[snapshot.pk])):
        with django_assert_max_num_queries(PAGE_BUDGET):
            assert client.get(url).status_code == 200


def test_the_board_pack_downloads_once_frozen(client, plan):
    signed_in(client, CLERK)
    meeting = meeting_for(plan)
    assert client.get(reverse("meeting_pack", args=[meeting.pk, "pdf"])).status_code == 404

    page = client.get(reverse("meeting_pack_page", args=[meeting.pk])).content.decode()
    assert "Nothing has been frozen for this meeting yet" in page and "Freeze the figures" in page
    response = client.post(reverse("meeting_pack_freeze", args=[meeting.pk]))

    assert response.status_code == 303 and response["Location"] == reverse("meeting_pack_page", args=[meeting.pk])
    page = client.get(response["Location"]).content.decode()
    assert plan.programme.name in page and "Freeze the figures" not in page
    pdf = client.get(reverse("meeting_pack", args=[meeting.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert client.get(reverse("meeting_pack", args=[meeting.pk, "docx"])).content[:2] == b"PK"


def _cells_alive() -> int:
    from weasyprint.formatting_structure.boxes import TableCellBox

    return sum(issubclass(type(o), TableCellBox) for o in gc.get_objects())  # type(): wakes no lazy object


def test_the_board_pack_pdf_is_handed_over_before_the_collection_of_what_its_layout_left(client, plan,
                                                                                        monkeypatch):
    signed_in(client, CLERK)
    meeting = meeting_for(plan)
    client.post(reverse("meeting_pack_freeze", args=[meeting.pk]))
    gc.collect()
    assert gc.isenabled() and _cells_alive() == 0
    seen = {}
    real = files.download

    def responding(content, **kwargs):
        seen.update(collector_on=gc.isenabled(), cells=_cells_alive())
        return real(content, **kwargs)

    monkeypatch.setattr(files, "download", responding)
    pdf = client.get(reverse("meeting_pack", args=[meeting.pk, "pdf"]))  # the test client closes it, as a server does

    assert pdf.content[:4] == b"%PDF"
    assert seen["collector_on"] is False and seen["cells"] > 0  # while the response was made: not collected
    assert gc.isenabled() and _cells_alive() == 0  # once it was closed: collected, the collector back


def test_a_download_with_no_pdf_in_it_gives_the_collector_back_without_a_collection(client, plan, monkeypatch):
    signed_in(client, CLERK)
    meeting = meeting_for(plan)
    client.post(reverse("meeting_pack_freeze", args=[meeting.pk]))
    collections = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(args) or real(*args))

    assert client.get(reverse("meeting_pack", args=[meeting.pk, "docx"])).content[:2] == b"PK"
    assert gc.isenabled() and collections == []  # only a PDF's layout leaves what is worth collecting
    assert client.get(reverse("meeting_pack", args=[meeting.pk, "pdf"])).content[:4] == b"%PDF"
    assert gc.isenabled() and collections == [()]  # one full collection, once the response was closed


def test_a_download_that_fails_gives_the_collector_back(client, plan, monkeypatch):
    signed_in(client, CLERK)
    meeting = meeting_for(plan)
    client.post(reverse("meeting_pack_freeze", args=[meeting.pk]))

    def broken(report, file_format):
        raise RuntimeError("the writer broke")

    monkeypatch.setattr(files, "report_file", broken)
    with pytest.raises(RuntimeError):
        client.get(reverse("meeting_pack", args=[meeting.pk, "pdf"]))
    assert gc.isenabled() and files._owed.count == 0  # nothing left owed for the next request


def test_the_board_page_links_each_meeting_to_its_pack_and_readers_only_may_open_it(client, plan):
    meeting = meeting_for(plan)
    signed_in(client, LEADERSHIP, "lee")
    board = client.get(reverse("board", args=[meeting.board_id])).content.decode()
    assert reverse("meeting_pack_page", args=[meeting.pk]) in board
    page = client.get(reverse("meeting_pack_page", args=[meeting.pk])).content.decode()
    assert "Freeze the figures" not in page  # leadership reads, does not freeze
    assert client.post(reverse("meeting_pack_freeze", args=[meeting.pk])).status_code == 404
    client.logout()
    signed_in(client, OFFICER, "olu")
    assert client.get(reverse("meeting_pack_page", args=[meeting.pk])).status_code == 403


def test_the_pack_page_stays_within_its_query_budget(client, plan, django_assert_max_num_queries):
    meeting = meeting_for(plan)
    meeting_freeze(meeting, channel="command")
    signed_in(client, CLERK)
    with django_assert_max_num_queries(PAGE_BUDGET + 2):
        assert client.get(reverse("meeting_pack_page", args=[meeting.pk])).status_code == 200
