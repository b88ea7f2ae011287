"""A file whose as-at date is earlier than an action's latest update: its progress joins the action's
history, dated the as-at day, and the current figures stay, as action_record_progress does."""

from datetime import date

import pytest

from actionplans.models import Action, ProgressUpdate
from actionplans.services import action_create, action_record_progress, objective_create
from governance.imports.service import import_commit, import_preview
from programmes.audit import Channel
from programmes.models import AuditEntry
from tests.factories import ProgrammeFactory

from .builders import csv_bytes
from .conftest import AS_AT

pytestmark = pytest.mark.django_db

JULY_10 = date(2024, 7, 10)
HEADINGS = ["Ref.", "Name", "Status", "% Complete", "Latest Note"]


def plan_updated_on_july_10(programme) -> Action:
    """P1.1 under P1, 60% in progress since 10 July."""
    objective = objective_create(programme=programme, reference="P1", title="Objective", channel=Channel.COMMAND)
    action = action_create(objective=objective, reference="P1.1", title="Action", start_date=date(2024, 4, 1),
                           due_date=date(2025, 3, 31), channel=Channel.COMMAND)
    action_record_progress(action=action, percent=60, status="in_progress", effective_date=JULY_10,
                           commentary="<p>On track</p>", channel=Channel.COMMAND)
    return action


def progress_file(percent: str, status: str = "In progress", note: str = "<p>Half way</p>") -> bytes:
    return csv_bytes([HEADINGS, ["P1", "Objective", None, None, None], ["P1.1", "Action", status, percent, note]])


def history(action: Action) -> list[tuple]:
    return list(ProgressUpdate.objects.filter(action=action).order_by("effective_date", "recorded_at", "id")
                .values_list("effective_date", "percent", "status", "declared_rag", "declared_rag_reason",
                             "commentary", "author_id", "author_name", "channel"))


def figures(action: Action) -> tuple:
    action.refresh_from_db()
    return (action.percent, action.status, action.declared_rag, action.declared_rag_reason, action.last_updated_on,
            action.version, action.computed_rag)


def test_a_back_dated_import_adds_its_update_to_the_history_and_leaves_the_current_figures(programme, priya):
    action = plan_updated_on_july_10(programme)

    summary = import_commit(data=progress_file("40%"), file_name="plan.csv", programme=programme, by=priya,
                            as_at=AS_AT).summary()

    assert summary["ok"], summary["errors"]
    assert [(h[0], h[1], h[2], h[5]) for h in history(action)] == [
        (AS_AT, 40, "in_progress", "<p>Half way</p>"), (JULY_10, 60, "in_progress", "<p>On track</p>")]
    assert figures(action)[:5] == (60, "in_progress", "", "", JULY_10)
    assert summary["progress_updates"] == 1 and summary["updated"]["actions"] == 1
    assert summary["changes"]["actions"] == [{"ref": "P1.1", "sheet": "plan.csv", "row": 3, "fields": {
        "history": [None, "update of 2024-06-30 added: 40%, in progress"]}}]
    # Audited as the service audits it: the action was updated, none of its own fields changed.
    entry = AuditEntry.objects.filter(model="actionplans.action", channel="import").get()
    assert (entry.action, entry.user, entry.changes) == ("updated", priya, {})


def test_the_preview_says_the_progress_joins_the_history(programme):
    plan_updated_on_july_10(programme)

    summary = import_preview(data=progress_file("40%"), file_name="plan.csv", programme=programme,
                             as_at=AS_AT).summary()

    [warning] = summary["warnings"]
    assert (warning["row"], warning["column"]) == (3, "% Complete")
    assert warning["message"] == ("P1.1 has a later update (on 10/07/2024) than the as-at date, so the file's "
                                  "progress joins its history, dated 30/06/2024, and its current figures stay as "
                                  "they are.")
    assert "not applied" not in warning["message"]
    assert summary["progress_updates"] == 1
    assert ProgressUpdate.objects.count() == 1


def test_a_back_dated_file_is_compared_with_the_progress_of_its_date_so_importing_it_again_adds_nothing(
        programme, priya):
    action = plan_updated_on_july_10(programme)
    import_commit(data=progress_file("40%"), file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT)
    before = (history(action), figures(action), AuditEntry.objects.count())

    again = import_commit(data=progress_file("40%"), file_name="plan.csv", programme=programme, by=priya,
                          as_at=AS_AT).summary()

    assert again["ok"] and again["progress_updates"] == 0 and again["warnings"] == []
    assert again["updated"]["actions"] == 0 and again["unchanged"]["actions"] == 1
    assert (history(action), figures(action), AuditEntry.objects.count()) == before


def test_a_back_dated_file_saying_what_the_action_says_today_is_still_news_for_its_date(programme, priya):
    """On 30 June the action had no update: 60% then is history, though it is today's figure too."""
    action = plan_updated_on_july_10(programme)

    summary = import_commit(data=progress_file("60%", note="<p>On track</p>"), file_name="plan.csv",
                            programme=programme, by=priya, as_at=AS_AT).summary()

    assert summary["progress_updates"] == 1
    assert [(h[0], h[1]) for h in history(action)] == [(AS_AT, 60), (JULY_10, 60)]
    assert figures(action)[4] == JULY_10


def test_a_back_dated_update_does_not_change_the_figures_the_preview_reconciles(programme):
    plan_updated_on_july_10(programme)
    data = csv_bytes([[*HEADINGS], ["P1", "Objective", None, "60%", None],
                      ["P1.1", "Action", "In progress", "40%", None]])

    summary = import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT).summary()

    assert summary["reconciliation"] == []  # P1 is 60% whatever the back-dated update says


@pytest.mark.parametrize("on", [AS_AT, JULY_10, date(2024, 7, 20)], ids=["back-dated", "same day", "later"])
def test_the_service_and_the_import_give_the_same_history_and_figures(priya, on):
    by_service = plan_updated_on_july_10(ProgrammeFactory(owner=None))
    by_import = plan_updated_on_july_10(ProgrammeFactory(owner=None))

    action_record_progress(action=by_service, by=priya, percent=40, status="in_progress", effective_date=on,
                           commentary="<p>Half way</p>", channel=Channel.IMPORT)
    result = import_commit(data=progress_file("40%"), file_name="plan.csv", programme=by_import.programme,
                           by=priya, as_at=on)

    assert result.ok, result.errors
    assert history(by_import) == history(by_service)
    assert figures(by_import) == figures(by_service)
    assert figures(by_service)[0] == (60 if on < JULY_10 else 40)
