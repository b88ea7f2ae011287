"""The month-end rush bench's own parts (tests/bench/bench_rush.py): what it reads from the real
update form and its answers, and how it counts. The rush itself is `make bench`, never a test."""

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplans.models import ProgressUpdate
from programmes.roles import OFFICER
from tests.actionplans.conftest import build_plan, make_user
from tests.bench.bench_rush import (
    FORM,
    PORTFOLIO,
    SAVE,
    SIGN_IN,
    form_fields,
    lost_updates,
    request_figures,
    save_marker,
    save_outcome,
    server_figures,
)

HTMX = {"HX-Request": "true"}


@pytest.fixture
def olly_and_plan(client, db):
    olly = make_user(OFFICER, "olly.officer", name="Olly Officer")
    cara = make_user(OFFICER, "cara.colleague", name="Cara Colleague")
    plan = build_plan(olly, cara, timezone.localdate())
    client.force_login(olly)
    return client, plan


def _update(fields: dict, marker: str) -> dict:
    return {"csrfmiddlewaretoken": fields["token"], "status": "in_progress", "percent": str(fields["percent"] + 1),
            "declared_rag": "", "declared_rag_reason": "", "effective_date": "",
            "commentary": f"Month-end update {marker}: on track.", "version": fields["version"]}


def test_it_reads_the_real_form_and_tells_a_saved_update_from_a_conflict(olly_and_plan):
    client, plan = olly_and_plan
    action = plan.delegated
    url = reverse("action_update", args=[action.pk])

    fields = form_fields(client.get(url).content.decode())
    marker = save_marker("ab12cd34", 3, 1)
    saved = client.post(url, _update(fields, marker), headers=HTMX)
    stale = client.post(url, _update(fields, save_marker("ab12cd34", 3, 2)), headers=HTMX)

    assert fields["version"] == str(action.version) and fields["percent"] == 50 and fields["token"]
    assert save_outcome(saved.status_code, saved.content.decode()) == "accepted"
    assert save_outcome(stale.status_code, stale.content.decode()) == "conflict"
    stored = list(ProgressUpdate.objects.filter(action=action).values_list("action_id", "commentary"))
    accepted = [{"action": action.pk, "marker": marker}]
    assert lost_updates(accepted, stored) == []


def test_a_save_without_javascript_is_accepted_by_its_redirect(olly_and_plan):
    client, plan = olly_and_plan
    url = reverse("action_update", args=[plan.later.pk])
    fields = form_fields(client.get(url).content.decode())

    response = client.post(url, _update(fields, save_marker("ab12cd34", 1, 1)))

    assert save_outcome(response.status_code, "", response["Location"]) == "accepted"


@pytest.mark.parametrize(("status", "body", "location"), [
    (200, "<h2>Update progress</h2>", ""),  # a 200 without "Update saved."
    (422, "Add a commentary", ""),
    (409, "Conflict", ""),  # a 409 that does not show the conflict panel
    (302, "", "/accounts/login/?next=/actions/4/update/"),
    (403, "", ""),
    (500, "", ""),
])
def test_anything_else_a_save_gets_back_is_an_error(status, body, location):
    assert save_outcome(status, body, location) == "error"


def test_a_page_that_is_not_the_form_has_no_fields():
    assert form_fields("<h1>Sign in</h1>") is None


def test_an_accepted_save_missing_from_its_action_is_lost():
    kept, moved, missing = (save_marker("ab12", 1, n) for n in (1, 2, 3))
    accepted = [{"action": 7, "marker": kept}, {"action": 7, "marker": moved}, {"action": 8, "marker": missing}]
    stored = [(7, f"<p>Month-end update {kept}: on track.</p>"), (9, f"<p>Month-end update {moved}.</p>"),
              (8, "<p>Another update.</p>")]

    assert lost_updates(accepted, stored) == [moved, missing]


def test_markers_of_the_tenth_save_and_the_first_are_told_apart():
    first, tenth = save_marker("ab12", 1, 1), save_marker("ab12", 1, 10)

    assert lost_updates([{"action": 7, "marker": first}], [(7, f"<p>{tenth}</p>")]) == [first]


def test_the_error_rate_counts_every_request_and_the_timings_only_the_rush():
    requests = [
        [SIGN_IN, 900.0, False, False],
        [SIGN_IN, 1100.0, True, False],  # a failed sign-in is an error
        [PORTFOLIO, 5000.0, False, False],  # before the rush: not timed
        *[[PORTFOLIO, float(ms), False, True] for ms in range(10, 110, 10)],
        [SAVE, 40.0, False, True],
        [SAVE, 60.0, True, True],  # failed: an error, not a timing
        [FORM, 30.0, False, True],
    ]

    figures = request_figures(requests)

    assert figures["requests"] == 16 and figures["errors"] == 2
    assert figures["error_rate"] == 0.125
    assert figures["portfolio_requests"] == 10 and figures["portfolio_p95_ms"] == 95.5
    assert figures["save_requests"] == 1 and figures["save_p95_ms"] == 40.0
    assert figures["sign_in_requests"] == 1
    assert figures["programme_requests"] == 0 and "programme_p95_ms" not in figures


def test_the_server_figures_are_gunicorns_own_times_for_the_saves_forms_and_pages():
    lines = ["POST /actions/12/update/ 200 40000", "POST /actions/12/update/ 409 60000", "GET /dashboards/ 200 90000",
             "GET /dashboards/programmes/3/ 200 250000", "GET /actions/12/update/ 200 999000",
             "POST /accounts/login/ 302 700000", "not a log line"]

    figures = server_figures(lines)

    assert figures == {"server_save_p95_ms": 59.0, "server_form_p95_ms": 999.0, "server_portfolio_p95_ms": 90.0,
                       "server_programme_p95_ms": 250.0}
