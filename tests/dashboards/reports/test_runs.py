"""Big reports run as a Celery task: the run page, its polled progress and a download only the
requester can use."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.models import ReportRun
from dashboards.reports import runs
from dashboards.reports.files import FORMATS
from programmes.roles import CLERK
from tests.dashboards.reports.builders import download, signed_in
from tests.factories import ActionFactory, ObjectiveFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 5  # 4 today: session, user, the run (with its programme and objective), the header's roles
PARTIAL_BUDGET = 3  # session, user, the run
HTMX = {"HX-Request": "true"}





@pytest.fixture
def background(settings):
    """Every report is big enough to run as a task."""
    settings.REPORTS_BACKGROUND_ROWS = 1


def make_run(client, programme, capture, file_format="csv", **extra):
    with capture(execute=True):
        response = download(client, programme, file_format, as_at="2024-06-30", **extra)
    assert response.status_code == 303
    return response, ReportRun.objects.get()


def test_a_big_report_redirects_to_its_run_page_and_is_made_by_the_task(
        client, plan, background, django_capture_on_commit_callbacks):
    chloe = signed_in(client, CLERK)

    response, run = make_run(client, plan[0], django_capture_on_commit_callbacks)

    assert response["Location"] == reverse("report_run", args=[run.pk])
    assert (run.status, run.progress, run.requested_by, run.kind, run.error) == ("done", 100, chloe,
                                                                                "action-plan", "")
    assert run.file_name == "CP2425-action-plan-2024-06-30.csv" and run.finished_at is not None
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Your report is ready" in body and reverse("report_run_download", args=[run.pk]) in body
    assert "Council plan 2024/25" in body and "30 June 2024" in body and "CSV" in body
    assert "hx-trigger" not in body  # finished: nothing polls


def test_the_background_file_is_the_same_as_the_inline_one(client, plan, settings,
                                                            django_capture_on_commit_callbacks):
    signed_in(client, CLERK)
    inline = download(client, plan[0], "csv", as_at="2024-06-30")
    assert inline.status_code == 200 and not ReportRun.objects.exists()

    settings.REPORTS_BACKGROUND_ROWS = 1
    _, run = make_run(client, plan[0], django_capture_on_commit_callbacks)
    response = client.get(reverse("report_run_download", args=[run.pk]))

    assert response.status_code == 200
    assert response.content == inline.content
    assert response["Content-Type"] == inline["Content-Type"] == FORMATS["csv"].media_type
    assert response["Content-Disposition"] == inline["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_small_report_is_still_made_while_the_browser_waits(client, plan, settings):
    signed_in(client, CLERK)
    settings.REPORTS_BACKGROUND_ROWS = 2  # the programme has exactly two actions: not above it

    assert download(client, plan[0], "csv").status_code == 200
    assert not ReportRun.objects.exists()


def test_an_objectives_report_runs_in_the_background_too(client, plan, background,
                                                         django_capture_on_commit_callbacks):
    signed_in(client, CLERK)
    objective = plan[0].objectives.get()

    _, run = make_run(client, plan[0], django_capture_on_commit_callbacks, objective=objective.pk)

    assert run.objective == objective and run.status == "done"
    assert "Objective" in client.get(reverse("report_run", args=[run.pk])).content.decode()


def test_an_objective_of_another_programme_is_not_found(client, plan, background):
    signed_in(client, CLERK)
    elsewhere = plan[1].objectives.get()

    response = download(client, plan[0], "csv", objective=elsewhere.pk)

    assert response.status_code == 404 and not ReportRun.objects.exists()


def test_nobody_else_can_see_the_run_its_progress_or_its_file(client, plan, background,
                                                               django_capture_on_commit_callbacks):
    signed_in(client, CLERK)
    _, run = make_run(client, plan[0], django_capture_on_commit_callbacks)
    signed_in(client, CLERK, username="another.clerk")

    for name in ("report_run", "report_run_download"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.get(reverse("report_run", args=[run.pk]), headers=HTMX).status_code == 404
    assert client.get(reverse("report_run", args=[run.pk + 1000])).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, plan, background, django_capture_on_commit_callbacks):
    signed_in(client, CLERK)
    _, run = make_run(client, plan[0], django_capture_on_commit_callbacks)
    client.logout()

    for name in ("report_run", "report_run_download"):
        response = client.get(reverse(name, args=[run.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    polled = client.get(reverse("report_run", args=[run.pk]), headers=HTMX)
    assert polled["HX-Redirect"].startswith(reverse("login"))


def test_a_failure_shows_a_plain_message_and_logs_the_traceback(client, plan, background, monkeypatch, caplog,
                                                               django_capture_on_commit_callbacks):
    signed_in(client, CLERK)

    def broken(report):
        raise RuntimeError("secret internals: table dashboards_reportrun")

    monkeypatch.setitem(FORMATS, "csv", FORMATS["csv"].__class__(**{**FORMATS["csv"].__dict__, "render": broken}))
    with caplog.at_level(logging.ERROR, logger="dashboards.reports.runs"):
        _, run = make_run(client, plan[0], django_capture_on_commit_callbacks)

    assert (run.status, run.progress, run.error, bytes(run.content)) == ("failed", 100, runs.UNEXPECTED, b"")
    assert any(record.exc_info and "secret internals" in str(record.exc_info[1]) for record in caplog.records)
    body = client.get(reverse("report_run", args=[run.pk])).content.decode()
    assert runs.UNEXPECTED in body and "secret internals" not in body and "Traceback" not in body
    assert f'{reverse("reports")}?programme={plan[0].pk}' in body
    assert client.get(reverse("report_run_download", args=[run.pk])).status_code == 404


def test_a_queued_run_polls_and_htmx_gets_the_progress_partial_alone(client, plan, background,
                                                                     django_capture_on_commit_callbacks):
    signed_in(client, CLERK)
    with django_capture_on_commit_callbacks() as callbacks:  # the task is not run yet
        response = download(client, plan[0], "xlsx", as_at="2024-06-30")
    assert len(callbacks) == 1
    run = ReportRun.objects.get()
    url = reverse("report_run", args=[run.pk])

    page = client.get(url).content.decode()
    partial = client.get(url, headers=HTMX).content.decode()

    assert response.status_code == 303 and run.status == "queued" and run.progress == 0
    assert "<html" in page and 'hx-trigger="every 1s"' in page and "Refresh this page" in page
    assert "<html" not in partial and partial.strip().startswith('<div id="report-progress"')
    assert 'hx-trigger="every 1s"' in partial and "Waiting to start" in partial
    assert client.get(reverse("report_run_download", args=[run.pk])).status_code == 404

    callbacks[0]()
    partial = client.get(url, headers=HTMX).content.decode()
    assert "hx-trigger" not in partial and "Download the report" in partial
    assert 'hx-swap-oob="innerHTML"' in partial  # the finish is announced


def test_progress_goes_from_reading_to_writing_to_done(plan, monkeypatch):
    chloe = UserFactory(username="chloe", role=CLERK)
    run = ReportRun.objects.create(requested_by=chloe, kind="action-plan", programme=plan[0],
                                   as_at=plan[0].start_date, file_format="csv")
    seen = []
    real_update = runs._progress

    def spy(run_id, percent, **fields):
        seen.append((percent, fields.get("status")))
        real_update(run_id, percent, **fields)

    monkeypatch.setattr(runs, "_progress", spy)
    runs.report_run_execute(run.pk)

    assert seen == [(10, "running"), (50, None), (100, "done")]


def test_the_run_page_and_partial_make_the_same_few_queries_however_big_the_report(
        client, background, django_capture_on_commit_callbacks):
    signed_in(client, CLERK)
    small, big = ProgrammeFactory(short_name="SMALL"), ProgrammeFactory(short_name="BIG")
    first = ObjectiveFactory(programme=small, reference="S1")
    ActionFactory(objective=first, reference="S1.A")
    ActionFactory(objective=first, reference="S1.B")  # above the threshold of 1
    for o in range(3):
        objective = ObjectiveFactory(programme=big, reference=f"B{o}")
        for a in range(10):
            ActionFactory(objective=objective, reference=f"B{o}.{a}")
    counts = []
    for programme in (small, big):
        with django_capture_on_commit_callbacks(execute=True):
            response = download(client, programme, "csv")
        assert response.status_code == 303
        url = reverse("report_run", args=[ReportRun.objects.get(programme=programme).pk])
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as partial:
            assert client.get(url, headers=HTMX).status_code == 200
        counts.append((len(page), len(partial)))

    assert counts[0] == counts[1]
    assert counts[0][0] <= PAGE_BUDGET and counts[0][1] <= PARTIAL_BUDGET


def test_runs_older_than_the_kept_days_are_deleted_with_their_files(plan, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.REPORT_RUNS_KEPT_DAYS = 7
    chloe = UserFactory(username="chloe2", role=CLERK)
    old = ReportRun.objects.create(requested_by=chloe, kind="action-plan", programme=plan[0], as_at="2024-06-30",
                                   file_format="csv", content=b"old")
    new = ReportRun.objects.create(requested_by=chloe, kind="action-plan", programme=plan[0], as_at="2024-06-30",
                                   file_format="csv", content=b"new")
    ReportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))

    assert runs.report_runs_forget() == 1
    assert list(ReportRun.objects.values_list("pk", flat=True)) == [new.pk]
