"""The pure parsers: every value form the seeds use. No database."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from governance.imports.values import (
    DueDate,
    Target,
    ValueProblem,
    clean_ref,
    display_name,
    financial_year_from_heading,
    initials_of,
    parent_ref,
    parse_date,
    parse_links,
    parse_percent,
    parse_rag,
    parse_status,
    parse_target,
    ref_key,
    split_owners,
    unit_from_targets,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("30 March 2025", date(2025, 3, 30)),
        ("30 Mar 2025", date(2025, 3, 30)),
        ("1st July 2011", date(2011, 7, 1)),
        ("24/02/11", date(2011, 2, 24)),
        ("30/09/2011", date(2011, 9, 30)),
        ("01/04/2011", date(2011, 4, 1)),
        ("3/4/11", date(2011, 4, 3)),
        ("Dec-11", date(2011, 12, 31)),
        ("Sep-11", date(2011, 9, 30)),
        ("Feb-12", date(2012, 2, 29)),
        ("Mar-12", date(2012, 3, 31)),
        ("end June 2011", date(2011, 6, 30)),
        ("end of June 2011", date(2011, 6, 30)),
        ("end July 2011", date(2011, 7, 31)),
        ("July 2011", date(2011, 7, 31)),
        ("Sept 2011", date(2011, 9, 30)),
        ("2024-06-30", date(2024, 6, 30)),
        (datetime(2024, 6, 30, 0, 0), date(2024, 6, 30)),
        (date(2024, 6, 30), date(2024, 6, 30)),
        (45473, date(2024, 6, 30)),
    ],
)
def test_it_reads_every_date_form_day_first_with_a_month_alone_meaning_its_last_day(written, expected):
    assert parse_date(written) == DueDate(expected)


@pytest.mark.parametrize("written", ["Ongoing", "Quarterly", "TBC", "July 2011 for concept, roll out by end of year"])
def test_words_that_are_not_dates_become_no_date_and_a_note(written):
    assert parse_date(written) == DueDate(None, note=written)


def test_an_empty_cell_is_no_date_and_no_note():
    assert parse_date(None) == DueDate(None)
    assert parse_date("   ") == DueDate(None)


@pytest.mark.parametrize("written", ["31/02/2011", "30/13/2011", "31 June 2011"])
def test_a_date_that_cannot_exist_is_a_problem_not_a_note(written):
    with pytest.raises(ValueProblem, match="not a real date"):
        parse_date(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("47%", 47), ("47 %", 47), ("47", 47), (47, 47), ("0.47", 47), (0.47, 47), (0.475, 48),
        ("100%", 100), ("0%", 0), (0, 0), ("1", 1), (1, 1), ("1%", 1), ("1.0", 100), (1.0, 100),
        ("47.5%", 48), ("0.5", 50), (None, None), ("", None), ("n/a", None),
    ],
)
def test_percent_is_read_as_47_percent_47_or_0_47(written, expected):
    assert parse_percent(written) == expected


@pytest.mark.parametrize("written", ["120%", "-5", "lots", True])
def test_a_percent_out_of_range_or_not_a_number_is_a_problem(written):
    with pytest.raises(ValueProblem):
        parse_percent(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("R", "red"), ("A", "amber"), ("G", "green"), ("B", "blue"), ("g", "green"), ("Red", "red"),
        ("AMBER", "amber"), ("Blue - Complete", "blue"), ("Green – on target", "green"),
        ("Red – off target/not achieved", "red"), (None, None), ("", None),
    ],
)
def test_rag_is_read_from_letters_or_words(written, expected):
    assert parse_rag(written) == expected


def test_a_rag_the_import_does_not_know_is_a_problem():
    with pytest.raises(ValueProblem, match="not a RAG status"):
        parse_rag("Purple")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Not started", "not_started"), ("In progress", "in_progress"), ("in-progress", "in_progress"),
        ("Complete", "completed"), ("Completed", "completed"), ("On hold", "on_hold"),
        ("Cancelled", "cancelled"), ("Deferred", "deferred"), (None, None),
    ],
)
def test_status_is_read_from_the_words_councils_use(written, expected):
    assert parse_status(written) == expected


def test_a_status_the_import_does_not_know_is_a_problem():
    with pytest.raises(ValueProblem, match="not a status"):
        parse_status("Sort of")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("GK/MW", ["GK", "MW"]),
        ("GK/MW/MW/KP/LC/GB/RW", ["GK", "MW", "KP", "LC", "GB", "RW"]),
        ("KP/LC/MT/GB/JA/", ["KP", "LC", "MT", "GB", "JA"]),
        ("Peter Kelleher, Marion Goddard", ["Peter Kelleher", "Marion Goddard"]),
        ("SANDRA SHORTER (HoS)", ["SANDRA SHORTER"]),
        ("Nigel Mitchell / Personalisation Group / InLAWS Group",
         ["Nigel Mitchell", "Personalisation Group", "InLAWS Group"]),
        ("Health and Wellbeing Team", ["Health and Wellbeing Team"]),
        ('<p>Kath Amies</p> <ul style="list-style-type: none"> <li>• Team Plans</li></ul>', ["Kath Amies"]),
        (None, []),
    ],
)
def test_owners_are_split_with_the_first_one_responsible(written, expected):
    assert split_owners(written) == expected


def test_new_people_written_in_capitals_get_ordinary_names_and_initials_stay():
    assert display_name("SANDRA SHORTER") == "Sandra Shorter"
    assert display_name("SMT") == "SMT"
    assert display_name("EXTENDED SMT") == "EXTENDED SMT"
    assert display_name("sam.officer@council.gov.uk") == "Sam Officer"
    assert initials_of("Dr Marion Goddard") == "MG"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("100%", Target(Decimal(100))),
        ("4%", Target(Decimal(4))),
        ("2", Target(Decimal(2))),
        (4, Target(Decimal(4))),
        ("£850K", Target(Decimal(850000), "£850K")),
        ("£1,200", Target(Decimal(1200), "£1,200")),
        ("Six", Target(Decimal(6), "Six")),
        ("<1%", Target(None, "<1%")),
        ("TBC", Target(None, "TBC")),
        ("N/A", Target(None, "N/A")),
        ("± 0.5% of net budget", Target(None, "± 0.5% of net budget")),
        ("100% COMPLIANCE", Target(None, "100% COMPLIANCE")),
        ("TBC based on 2010/11 baseline", Target(None, "TBC based on 2010/11 baseline")),
        (None, None),
    ],
)
def test_measure_targets_are_numbers_where_they_are_and_words_as_written_otherwise(written, expected):
    assert parse_target(written) == expected


def test_a_measures_unit_comes_from_how_its_targets_are_written():
    assert unit_from_targets(["100%", "100%"]) == "percentage"
    assert unit_from_targets(["£850K"]) == "currency"
    assert unit_from_targets(["2", "4"]) is None


@pytest.mark.parametrize(
    ("heading", "year"),
    [("Target 2011/12", "2011/12"), ("Target 2012-13", "2012/13"), ("Target 2013/2014", "2013/14"),
     ("2011/12 target", "2011/12"), ("Target", None), ("Target 2011/14", None)],
)
def test_the_financial_year_is_read_from_a_target_heading(heading, year):
    assert financial_year_from_heading(heading) == year


def test_references_that_differ_only_in_spacing_or_case_are_the_same():
    assert ref_key("NI 145") == ref_key("NI145") == ref_key("ni145")
    assert ref_key("SHAW M1.1") == "SHAWM1.1"


def test_a_reference_is_stored_without_html_or_a_spreadsheets_decimal_point():
    assert clean_ref("<b>4</b>") == "4"
    assert clean_ref(4.0) == "4"
    assert clean_ref("  NI  145 ") == "NI 145"


@pytest.mark.parametrize(
    ("ref", "parent"),
    [("ASC2401.A", "ASC2401"), ("SCAR001.1", "SCAR001"), ("SCAR001.10", "SCAR001"), ("ASC2401", None),
     ("1", None), ("SHAW M1.1", "SHAW M1"), ("ASC2401.", None)],
)
def test_the_hierarchy_comes_from_the_reference(ref, parent):
    assert parent_ref(ref) == parent


@pytest.mark.parametrize(
    ("written", "links"),
    [
        ("1/6", [("1",), ("6",)]),
        ("Objective 2/4/6", [("2",), ("4",), ("6",)]),
        ("<p>Delivers against Objective 1/6</p>", [("1",), ("6",)]),
        ("DADU001", [("DADU001",)]),
        ("SCAR002, SCAR004", [("SCAR002",), ("SCAR004",)]),
        ("CP-03 To improve life opportunities and health for everybody in Cheshire East",
         [("CP-03 To improve life opportunities", "CP-03")]),
    ],
)
def test_links_to_objectives_are_read_as_references(written, links):
    assert parse_links(written) == links
