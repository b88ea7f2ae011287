"""Headings under the names councils use, matched whatever their case and punctuation. No database."""

import pytest

from governance.imports.headings import (
    ACTIONS,
    MEASURES,
    MIXED,
    OBJECTIVES,
    RISKS,
    column_letter,
    detect_field,
    map_columns,
    normalise_heading,
    sheet_kind,
)


@pytest.mark.parametrize(
    ("heading", "kind", "field"),
    [
        ("Ref.", MIXED, "ref"), ("Ref./", ACTIONS, "ref"), ("REFERENCE", MIXED, "ref"),
        ("Name", MIXED, "title"), ("Action", ACTIONS, "title"), ("Action/Milestone", ACTIONS, "title"),
        ("Due", MIXED, "due"), ("Due Date", MIXED, "due"), ("Date due for completion", ACTIONS, "due"),
        ("Status", MIXED, "status"), ("Task Status (R, A, G,)", ACTIONS, "rag"), ("% Complete", MIXED, "percent"),
        ("Responsible Officer", ACTIONS, "owner"), ("Lead Manager", ACTIONS, "owner"),
        ("Lead Manager/ Golden Thread", ACTIONS, "owner"), ("Risk Owner", RISKS, "owner"),
        ("Risk Reference", RISKS, "ref"), ("Risk Description", RISKS, "title"),
        ("Measure Description", MEASURES, "title"), ("Target 2011/12", MEASURES, "target:2011/12"),
        ("Target 2012-13", MEASURES, "target:2012/13"), ("Latest Note", MIXED, "note"),
        ("Directorate Objective Reference", OBJECTIVES, "ref"),
        ("Service Objective Description", OBJECTIVES, "title"),
        ("Link to Directorate Objective", OBJECTIVES, "parent"), ("Objective", ACTIONS, "parent"),
        ("Objective", OBJECTIVES, "title"), ("Objective", MEASURES, "parent"),
        ("Delivers against", ACTIONS, "delivers"), ("Measure", ACTIONS, None), ("Milestone", ACTIONS, None),
        ("", MIXED, None), (None, MIXED, None),
    ],
)
def test_headings_are_recognised_under_the_names_councils_give_them(heading, kind, field):
    assert detect_field(heading, kind) == field


def test_headings_are_compared_without_case_or_punctuation():
    assert normalise_heading("% Complete") == "percent complete"
    assert normalise_heading("Task Status (R, A, G,)") == "task status r a g"
    assert normalise_heading("Ref./") == normalise_heading("REF") == "ref"
    assert normalise_heading("<b>Due\nDate</b>") == "due date"


def test_a_mapping_wins_over_detection_and_a_field_is_read_from_its_first_column_only():
    columns = map_columns(["Ref.", "Name", "Title", "Comments"], MIXED, {"comments": "ignore"})

    assert [c.field for c in columns] == ["ref", "title", None, None]
    assert columns[3].source == "mapping"


@pytest.mark.parametrize(
    ("title", "headings", "kind"),
    [
        ("Action Plan", ["Ref.", "Name"], MIXED),
        ("Directorate objectives", ["Ref.", "Name"], OBJECTIVES),
        ("Service Objectives", ["Ref.", "Name"], OBJECTIVES),
        ("Actions", ["Ref.", "Name"], ACTIONS),
        ("Milestones", ["Ref.", "Name"], ACTIONS),
        ("Measures", ["Ref.", "Name"], MEASURES),
        ("KPIs", ["Ref.", "Name"], MEASURES),
        ("Risk register", ["Ref.", "Name"], RISKS),
        ("Sheet1", ["Risk Reference", "Risk Description"], RISKS),
        ("Sheet1", ["Reference", "Measure Description", "Target 2011/12"], MEASURES),
        ("Sheet1", ["Reference", "Target 2011/12"], MEASURES),
        ("Sheet1", ["Ref.", "Name", "% Complete"], MIXED),
    ],
)
def test_a_sheet_says_what_it_holds_by_its_name_else_its_headings(title, headings, kind):
    assert sheet_kind(title, headings) == kind


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (4, "E"), (25, "Z"), (26, "AA"), (27, "AB")])
def test_columns_are_named_by_their_letters(index, letter):
    assert column_letter(index) == letter
