"""Governance's pages: who may see and change what, what each page shows, what a save leaves in
the database and the audit trail, and how many queries each page makes."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Assurance, Board, BoardMembership, Meeting, Risk, RiskReview
from programmes.models import AuditEntry
from tests.factories import AssuranceSourceFactory, PersonFactory
from tests.governance.people import *  # noqa: F403

pytestmark = pytest.mark.django_db


def risk(programme, ref) -> Risk:
    return Risk.objects.get(programme=programme, reference=ref)


def rows(html: str) -> dict:
    """The register's rows: reference -> the row's text."""
    found = re.findall(r'<tr class="govuk-table__row" data-ref="([^"]+)" data-score="\d+">(.*?)</tr>', html, re.S)
    return {ref: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip() for ref, body in found}


# ---------------------------------------------------------------- who may do what

READ_PAGES = {
    "boards": lambda reg, b: reverse("boards"),
    "board": lambda reg, b: reverse("board", args=[b["ASCCIB"].pk]),
    "all risks": lambda reg, b: reverse("risks"),
    "programme risks": lambda reg, b: reverse("risk_list", args=[reg.pk]),
}
ADMIN_FORMS = {
    "new board": lambda reg, b: reverse("board_new"),
    "edit board": lambda reg, b: reverse("board_edit", args=[b["ASCCIB"].pk]),
    "new member": lambda reg, b: reverse("membership_new", args=[b["ASCCIB"].pk]),
    "edit member": lambda reg, b: reverse("membership_edit", args=[b["ASCCIB"].pk,
                                                                   b["ASCCIB"].memberships.get().pk]),
    "new meeting": lambda reg, b: reverse("meeting_new", args=[b["ASCCIB"].pk]),
}


@pytest.mark.parametrize("page", READ_PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in_from_every_page(client, register, boards, page):
    response = client.get(READ_PAGES[page](register, boards))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", READ_PAGES)
def test_an_officer_may_not_read_boards_or_registers(sign_in, officer, register, boards, page):
    assert sign_in(officer).get(READ_PAGES[page](register, boards)).status_code == 403


@pytest.mark.parametrize("page", READ_PAGES)
def test_leadership_and_clerks_read_every_page(sign_in, leadership, clerk, register, boards, page):
    assert sign_in(leadership).get(READ_PAGES[page](register, boards)).status_code == 200
    assert sign_in(clerk).get(READ_PAGES[page](register, boards)).status_code == 200


@pytest.mark.parametrize("form", ADMIN_FORMS)
def test_only_admins_set_boards_up(client, sign_in, leadership, manager, admin_user, register, boards, form):
    url = ADMIN_FORMS[form](register, boards)
    assert client.get(url).status_code == 302  # signed out
    assert sign_in(leadership).get(url).status_code == 403
    assert sign_in(leadership).post(url, {"name": "X"}).status_code == 403
    assert sign_in(manager).get(url).status_code == 403
    assert sign_in(admin_user).get(url).status_code == 200


def test_only_admins_remove_members(sign_in, leadership, admin_user, boards):
    membership = boards["ASCCIB"].memberships.get()
    url = reverse("membership_remove", args=[boards["ASCCIB"].pk, membership.pk])
    assert sign_in(leadership).post(url).status_code == 403
    assert BoardMembership.objects.filter(pk=membership.pk).exists()
    assert sign_in(admin_user).get(url).status_code == 405  # a removal is a POST, with its CSRF token
    assert sign_in(admin_user).post(url).status_code == 302
    assert not BoardMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(model="governance.boardmembership", action="deleted").count() == 1


def test_the_risk_owner_and_its_programmes_managers_review_it_and_no_one_else(
        client, sign_in, owner, manager, other_manager, clerk, officer, admin_user, register):
    r1, r2 = risk(register, "R1"), risk(register, "R2")
    review = lambda r: reverse("risk_review", args=[r.pk])  # noqa: E731
    assert client.get(review(r1)).status_code == 302
    assert sign_in(owner).get(review(r1)).status_code == 200
    assert sign_in(owner).get(review(r2)).status_code == 403  # not theirs
    assert sign_in(manager).get(review(r2)).status_code == 200
    assert sign_in(other_manager).get(review(r2)).status_code == 403  # wrong programme
    assert sign_in(other_manager).post(review(r2), {"reviewed_on": "2024-05-01"}).status_code == 403
    assert sign_in(clerk).get(review(r2)).status_code == 403  # wrong role
    assert sign_in(officer).get(review(r1)).status_code == 403
    assert sign_in(admin_user).get(review(r2)).status_code == 200
    assert RiskReview.objects.filter(reviewed_on=date(2024, 5, 1)).count() == 0


def test_a_risk_page_is_for_readers_and_for_its_owner(client, sign_in, owner, officer, leadership, register):
    url = reverse("risk", args=[risk(register, "R1").pk])
    assert client.get(url).status_code == 302
    assert sign_in(officer).get(url).status_code == 403
    assert sign_in(owner).get(url).status_code == 200
    assert sign_in(leadership).get(url).status_code == 200
    other = reverse("risk", args=[risk(register, "R2").pk])
    assert sign_in(owner).get(other).status_code == 403


def test_the_assurance_matrix_is_read_by_readers_and_kept_by_its_programmes_managers(
        client, sign_in, leadership, manager, other_manager, officer, register):
    source = AssuranceSourceFactory(name="CQC peer review")
    project = register.objectives.get(reference="P1")
    url = reverse("assurance_matrix", args=[register.pk])
    tick = {f"cell-{project.pk}-{source.pk}": "1"}
    assert client.get(url).status_code == 302
    assert sign_in(officer).get(url).status_code == 403
    assert sign_in(leadership).get(url).status_code == 200
    assert sign_in(leadership).post(url, tick).status_code == 403
    assert sign_in(other_manager).post(url, tick).status_code == 403  # wrong programme
    assert not Assurance.objects.exists()
    assert sign_in(manager).post(url, tick).status_code == 302
    assert Assurance.objects.get().source == source
    assert AuditEntry.objects.filter(model="governance.assurance", action="created").count() == 1
    # Unticking removes the cell, audited.
    assert sign_in(manager).post(url, {}).status_code == 302
    assert not Assurance.objects.exists()
    assert AuditEntry.objects.filter(model="governance.assurance", action="deleted").count() == 1


def test_pages_for_records_that_do_not_exist_are_not_found(sign_in, admin_user):
    client = sign_in(admin_user)
    for url in (reverse("board", args=[999_999]), reverse("risk_list", args=[999_999]),
                reverse("risk", args=[999_999]), reverse("risk_review", args=[999_999]),
                reverse("board_edit", args=[999_999]), reverse("assurance_matrix", args=[999_999])):
        assert client.get(url).status_code == 404, url


# ---------------------------------------------------------------- boards


def test_the_boards_page_draws_the_structure_and_says_it_in_words(sign_in, leadership, boards):
    html = sign_in(leadership).get(reverse("boards")).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="governance-tree"' in html
    words = re.search(r"In words: who reports to whom</h3>(.*?)</div>", html, re.S).group(1)
    # UCRG is listed inside ASCCIB's item, which is inside DMT's.
    assert words.index('data-board="DMT"') < words.index('data-board="ASCCIB"') < words.index('data-board="UCRG"')
    assert "Chris Chair" in html


def test_a_board_page_shows_whom_it_reports_to_what_reports_to_it_and_its_meetings(
        sign_in, leadership, boards, register):
    cib = boards["ASCCIB"]
    Meeting.objects.create(board=cib, date=date(2024, 7, 30), updates_due_by=date(2024, 7, 16))
    html = sign_in(leadership).get(reverse("board", args=[cib.pk])).content.decode()
    assert "Departmental management team (DMT)" in html
    assert "User and carer reference group (UCRG)" in html  # reports to it
    assert f'href="{reverse("programme_dashboard", args=[register.pk])}"' in html
    assert "30 July 2024" in html and "16 July 2024" in html
    assert "Chris Chair" in html and "Meets every 8 weeks." in html


def test_an_admin_adds_a_board_and_what_reports_to_it(sign_in, admin_user, boards, register):
    project = register.objectives.get(reference="P1")
    response = sign_in(admin_user).post(reverse("board_new"), {
        "name": "Adult social care assurance group", "short_name": "ASCAG", "reports_to": boards["DMT"].pk,
        "programmes": [register.pk], "objectives": [project.pk], "meeting_frequency": "Monthly"})
    board = Board.objects.get(short_name="ASCAG")
    assert response.status_code == 302 and response["Location"] == reverse("board", args=[board.pk])
    assert list(board.programmes.all()) == [register] and list(board.objectives.all()) == [project]
    assert AuditEntry.objects.filter(model="governance.board", object_id=str(board.pk), action="created").exists()


def test_a_board_may_not_report_to_one_below_it(sign_in, admin_user, boards):
    dmt, ucrg = boards["DMT"], boards["UCRG"]
    response = sign_in(admin_user).post(reverse("board_edit", args=[dmt.pk]), {
        "name": dmt.name, "short_name": "DMT", "reports_to": ucrg.pk})
    html = response.content.decode()
    assert response.status_code == 422
    message = "DMT cannot report to UCRG, because UCRG already reports to DMT through ASCCIB."
    assert html.count(message) == 2  # next to the field and in the summary
    assert 'class="govuk-error-summary"' in html
    dmt.refresh_from_db()
    assert dmt.reports_to_id is None


def test_a_meeting_cut_off_after_the_meeting_is_refused_in_plain_words(sign_in, admin_user, boards):
    url = reverse("meeting_new", args=[boards["ASCCIB"].pk])
    response = sign_in(admin_user).post(url, {"date": "2024-07-30", "updates_due_by": "2024-08-02"})
    assert response.status_code == 422
    assert "The cut-off date for updates must be on or before the meeting." in response.content.decode()
    assert not Meeting.objects.exists()
    assert sign_in(admin_user).post(url, {"date": "2024-07-30", "updates_due_by": "2024-07-16"}).status_code == 302
    assert Meeting.objects.get().updates_due_by == date(2024, 7, 16)


def test_an_admin_adds_a_member_once(sign_in, admin_user, boards):
    cib, person = boards["ASCCIB"], PersonFactory(name="Dee Deputy")
    url = reverse("membership_new", args=[cib.pk])
    assert sign_in(admin_user).post(url, {"person": person.pk, "role": "deputy_chair"}).status_code == 302
    again = sign_in(admin_user).post(url, {"person": person.pk, "role": "member"})
    assert again.status_code == 422
    assert "This person is already a member of this board." in again.content.decode()
    assert cib.memberships.get(person=person).role == BoardMembership.Role.DEPUTY_CHAIR


# ---------------------------------------------------------------- the risk register


def test_the_register_bands_each_score_in_words_at_the_edges(sign_in, leadership, register):
    found = rows(sign_in(leadership).get(reverse("risk_list", args=[register.pk])).content.decode())
    assert list(found) == ["R4", "R3", "R2", "R1"]  # highest current score first
    assert "3 × 5 = 15 High" in found["R4"]
    assert "3 × 4 = 12 Medium" in found["R3"]
    assert "1 × 5 = 5 Medium" in found["R2"]
    assert "1 × 4 = 4 Low" in found["R1"]
    assert "5 × 5 = 25 High" in found["R1"]  # inherent


def test_the_register_flags_overdue_reviews_and_filters_by_band_owner_and_overdue(sign_in, leadership, register):
    client, url = sign_in(leadership), reverse("risk_list", args=[register.pk])
    found = rows(client.get(url).content.decode())
    assert "Review overdue" in found["R1"] and "Review overdue" not in found["R2"]
    assert list(rows(client.get(url, {"band": "medium"}).content.decode())) == ["R3", "R2"]
    assert list(rows(client.get(url, {"overdue": "yes"}).content.decode())) == ["R1"]
    owner_id = risk(register, "R1").owner_id
    assert list(rows(client.get(url, {"owner": owner_id}).content.decode())) == ["R1"]
    assert list(rows(client.get(url, {"likelihood": 3, "impact": 5}).content.decode())) == ["R4"]
    assert list(rows(client.get(url, {"q": "workforce"}).content.decode())) == ["R2"]


def test_the_register_as_at_a_past_date_shows_that_dates_scores_and_owner(sign_in, leadership, manager, register):
    r3 = risk(register, "R3")
    new_owner = PersonFactory(name="Nina Newowner")
    sign_in(manager).post(reverse("risk_review", args=[r3.pk]), {
        "reviewed_on": "2024-08-01", "owner": new_owner.pk, "inherent_likelihood": 5, "inherent_impact": 5,
        "current_likelihood": 5, "current_impact": 5, "target_likelihood": 2, "target_impact": 2,
        "status": "open", "note": "Overspend forecast."})
    client, url = sign_in(leadership), reverse("risk_list", args=[register.pk])

    july = rows(client.get(url, {"as_at": "2024-07-15"}).content.decode())
    now = rows(client.get(url).content.decode())

    assert "3 × 4 = 12 Medium" in july["R3"] and "Nina Newowner" not in july["R3"]
    assert "5 × 5 = 25 High" in now["R3"] and "Nina Newowner" in now["R3"]


def test_the_register_shows_both_heat_maps_with_their_tables(sign_in, leadership, register):
    html = sign_in(leadership).get(reverse("risk_list", args=[register.pk])).content.decode()
    assert "Risk heat map, current scores: ASCIP" in html
    assert "Risk heat map, inherent scores: ASCIP" in html
    # Every risk is 5 × 5 inherent: the inherent table has its 4 in one cell.
    assert 'data-likelihood="5" data-impact="5" data-count="4"' in html
    assert "What the risk bands mean" in html and "What the colours mean" not in html


def test_the_register_of_all_programmes_names_each_risks_programme(sign_in, leadership, register):
    html = sign_in(leadership).get(reverse("risks")).content.decode()
    assert len(rows(html)) == 4 and "ASCIP" in rows(html)["R1"]


def test_an_as_at_date_in_the_future_is_refused_in_plain_words(sign_in, leadership, register):
    tomorrow = timezone.localdate() + timedelta(days=1)
    html = sign_in(leadership).get(reverse("risks"), {"as_at": tomorrow.isoformat()}).content.decode()
    assert "The as-at date must be today or in the past" in html
    assert len(rows(html)) == 4  # today's register


def test_the_old_risk_list_address_leads_to_the_register(sign_in, leadership, register):
    old = f"/dashboards/programmes/{register.pk}/risks/"
    response = sign_in(leadership).get(old, {"likelihood": 3, "impact": 5})
    assert response.status_code == 301
    assert response["Location"] == reverse("risk_list", args=[register.pk]) + "?likelihood=3&impact=5"


# ---------------------------------------------------------------- recording a review


def test_the_owner_records_a_review_which_is_kept_and_audited(sign_in, owner, register):
    r1 = risk(register, "R1")
    response = sign_in(owner).post(reverse("risk_review", args=[r1.pk]), {
        "reviewed_on": timezone.localdate().isoformat(), "owner": r1.owner_id, "inherent_likelihood": 5,
        "inherent_impact": 5, "current_likelihood": 2, "current_impact": 4, "target_likelihood": 1,
        "target_impact": 2, "review_date": "2030-01-31", "status": "open", "note": "New triage in place."})
    assert response.status_code == 302 and response["Location"] == reverse("risk", args=[r1.pk])
    r1.refresh_from_db()
    assert (r1.current_likelihood, r1.current_impact, r1.review_date) == (2, 4, date(2030, 1, 31))
    assert list(r1.reviews.values_list("current_likelihood", flat=True)) == [1, 2]  # both kept
    assert r1.reviews.last().note == "New triage in place."
    assert AuditEntry.objects.filter(model="governance.riskreview", action="created").exists()
    page = sign_in(owner).get(reverse("risk", args=[r1.pk])).content.decode()
    assert "New triage in place." in page and "31 January 2030" in page


def test_a_review_with_wrong_scores_says_what_to_do_next_to_each_field(sign_in, manager, register):
    r2 = risk(register, "R2")
    response = sign_in(manager).post(reverse("risk_review", args=[r2.pk]), {
        "reviewed_on": "2099-01-01", "current_likelihood": 7, "status": "open"})
    html = response.content.decode()
    assert response.status_code == 422
    assert html.count("Choose the current likelihood, a whole number from 1 to 5") == 2
    assert html.count("Choose the inherent impact, from 1 to 5") == 2
    assert r2.reviews.count() == 1


def test_a_review_dated_in_the_future_is_refused(sign_in, manager, register):
    r2 = risk(register, "R2")
    data = {"reviewed_on": (timezone.localdate() + timedelta(days=2)).isoformat(), "status": "open",
            **{f"{s}_{a}": 2 for s in ("inherent", "current", "target") for a in ("likelihood", "impact")}}
    response = sign_in(manager).post(reverse("risk_review", args=[r2.pk]), data)
    assert response.status_code == 422
    assert "The date of the review must be today or in the past." in response.content.decode()
    assert r2.reviews.count() == 1
