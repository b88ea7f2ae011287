"""Governance's writes: the structure of boards stays a tree, and a risk's reviews are kept with the
risk showing its latest."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import Board, Risk
from governance.services import board_save, reporting_loop, risk_record_review, risk_save
from programmes import rules
from programmes.models import AuditEntry
from tests.factories import PersonFactory, ProgrammeFactory

# ---------------------------------------------------------------- no loops (pure)


def test_a_board_with_no_parent_makes_no_loop():
    assert reporting_loop(1, None, {1: None}) == []


def test_reporting_to_a_board_beside_it_makes_no_loop():
    assert reporting_loop(3, 2, {1: None, 2: 1, 3: 1}) == []


def test_reporting_to_itself_is_a_loop():
    assert reporting_loop(1, 1, {1: None}) == [1]


def test_reporting_to_a_board_below_it_is_a_loop_through_the_boards_between():
    # 1 <- 2 <- 3 <- 4: making 1 report to 4 would go 4, 3, 2, back to 1.
    assert reporting_loop(1, 4, {1: None, 2: 1, 3: 2, 4: 3}) == [4, 3, 2, 1]


def test_an_old_loop_elsewhere_does_not_hang_the_check():
    assert reporting_loop(9, 1, {1: 2, 2: 1, 9: None}) == []


def test_risk_bands_have_their_own_words():
    assert [rules.risk_band_label(rules.risk_band(score)) for score in (4, 5, 12, 15)] == [
        "Low", "Medium", "Medium", "High"]


# ---------------------------------------------------------------- boards (database)


@pytest.mark.django_db
def test_the_service_refuses_a_loop_in_plain_words_and_saves_nothing():
    top = board_save(Board(name="Top", short_name="TOP"), by=None)
    middle = board_save(Board(name="Middle", short_name="MID", reports_to=top), by=None)
    bottom = board_save(Board(name="Bottom", short_name="BOT", reports_to=middle), by=None)
    top.reports_to = bottom
    with pytest.raises(ValidationError) as refused:
        board_save(top, by=None)
    assert refused.value.message_dict["reports_to"] == [
        "TOP cannot report to BOT, because BOT already reports to TOP through MID. "
        "Choose a board that is not below this one."]
    assert Board.objects.get(pk=top.pk).reports_to_id is None


@pytest.mark.django_db
def test_a_board_may_not_report_to_itself():
    board = board_save(Board(name="Top", short_name="TOP"), by=None)
    board.reports_to = board
    with pytest.raises(ValidationError, match="A board cannot report to itself"):
        board_save(board, by=None)


@pytest.mark.django_db
def test_moving_a_board_beside_its_parent_is_allowed_and_audited():
    top = board_save(Board(name="Top", short_name="TOP"), by=None)
    middle = board_save(Board(name="Middle", short_name="MID", reports_to=top), by=None)
    bottom = board_save(Board(name="Bottom", short_name="BOT", reports_to=middle), by=None)
    bottom.reports_to = top
    board_save(bottom, by=None)
    entry = AuditEntry.objects.filter(model="governance.board", object_id=str(bottom.pk), action="updated").get()
    assert entry.changes["reports_to_id"] == [middle.pk, top.pk]


# ---------------------------------------------------------------- risk reviews


@pytest.fixture
def demand(db):
    return risk_save(Risk(programme=ProgrammeFactory(), reference="R1", title="Demand", current_likelihood=2,
                          current_impact=3), by=None, reviewed_on=date(2024, 5, 1))


def test_a_new_risk_starts_with_a_first_review_of_its_values(demand):
    first = demand.reviews.get()
    assert (first.reviewed_on, first.current_likelihood, first.current_impact) == (date(2024, 5, 1), 2, 3)


def test_a_review_becomes_the_risks_own_values_when_it_is_the_latest(demand):
    owner = PersonFactory(name="Rita Owner")
    risk_record_review(risk=demand, by=None, reviewed_on=date(2024, 8, 1), current_likelihood=5, current_impact=4,
                       owner=owner)
    demand.refresh_from_db()
    assert (demand.current_likelihood, demand.current_impact, demand.owner) == (5, 4, owner)
    assert AuditEntry.objects.filter(model="governance.risk", object_id=str(demand.pk), action="updated").exists()


def test_a_review_back_dated_before_the_latest_is_kept_but_does_not_change_the_risk(demand):
    risk_record_review(risk=demand, by=None, reviewed_on=date(2024, 8, 1), current_likelihood=5, current_impact=4)
    risk_record_review(risk=demand, by=None, reviewed_on=date(2024, 6, 1), current_likelihood=3, current_impact=3)
    demand.refresh_from_db()
    assert (demand.current_likelihood, demand.current_impact) == (5, 4)
    assert list(demand.reviews.values_list("reviewed_on", flat=True)) == [
        date(2024, 5, 1), date(2024, 6, 1), date(2024, 8, 1)]


def test_a_review_with_a_score_out_of_range_is_refused_and_nothing_is_kept(demand):
    with pytest.raises(ValidationError):
        risk_record_review(risk=demand, by=None, reviewed_on=date(2024, 8, 1), current_likelihood=6)
    assert demand.reviews.count() == 1


def test_a_review_in_the_future_is_refused(demand):
    with pytest.raises(ValidationError, match="today or in the past"):
        risk_record_review(risk=demand, by=None, reviewed_on=timezone.localdate().replace(year=2999))


def test_changing_a_risks_scores_through_its_details_keeps_a_review_too(demand):
    demand.current_impact = 5
    risk_save(demand, by=None)
    assert demand.reviews.count() == 2
    assert demand.reviews.last().current_impact == 5
    demand.title = "Demand at the front door"
    risk_save(demand, by=None)  # a change of words only: no review
    assert demand.reviews.count() == 2
