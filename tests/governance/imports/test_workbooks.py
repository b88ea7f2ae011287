"""Workbooks in the shapes of seeds 002 (directorate and service plans) and 004 (workforce plan)."""

from datetime import date
from decimal import Decimal

import pytest

from actionplans.models import Action, Measure, MeasureTarget
from governance.imports.service import import_commit, import_preview
from governance.models import Risk
from programmes.models import ImportMapping, Objective, Person, ReportingPeriod
from tests.factories import PersonFactory, ReportingPeriodFactory

from .builders import SEED_002_SHEETS, csv_bytes, seed_002, seed_004, xlsx
from .conftest import AS_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(db):
    """People the council already has: Sandra by name, Gail and Mark by their initials."""
    return {
        "sandra": PersonFactory(name="Sandra Shorter", initials="SS"),
        "gail": PersonFactory(name="Gail Kennedy", initials="GK"),
        "mark": PersonFactory(name="Mark Wilson", initials=""),
    }


@pytest.fixture
def directorate_plan(programme, priya, officers):
    result = import_commit(data=seed_002(), file_name="dadu_2011_12.xlsx", programme=programme, by=priya,
                           as_at=AS_AT)
    assert result.ok, result.errors
    return result.summary()


def messages(summary, level="warnings") -> list[str]:
    return [issue["message"] for issue in summary[level]]


def test_service_objectives_sit_under_their_directorate_objectives(directorate_plan):
    parents = dict(Objective.objects.values_list("reference", "parent__reference"))

    assert parents["SCAR001"] == "DADU001"
    assert parents["SCAR002"] == "DADU004"
    assert parents["SHAW003"] == "DADU005"
    assert parents["DADU001"] is None


def test_a_link_to_a_parent_that_does_not_exist_is_a_warning_and_the_objective_sits_at_the_top(directorate_plan):
    assert Objective.objects.get(reference="SLIL001").parent is None
    assert Objective.objects.get(reference="DADU001").parent is None
    warnings = messages(directorate_plan)
    assert any("DADU009" in m and "SLIL001" in m for m in warnings)
    assert any("CP-03" in m and "DADU001" in m for m in warnings)
    assert directorate_plan["errors"] == []


def test_actions_belong_to_the_objective_their_reference_names(directorate_plan):
    action = Action.objects.select_related("objective").get(reference="SCAR001.10")

    assert action.objective.reference == "SCAR001"
    assert action.due_date == date(2011, 5, 31)


def test_an_action_whose_objective_is_missing_gets_one_made_from_its_reference(directorate_plan):
    placeholder = Objective.objects.get(reference="SSTC001")

    assert placeholder.title == "SSTC001" and placeholder.parent is None
    assert Action.objects.get(reference="SSTC001.1").objective == placeholder
    assert any("SSTC001" in m and "creates" in m for m in messages(directorate_plan))


@pytest.mark.parametrize(
    ("ref", "due", "note"),
    [
        ("SCAR001.1", date(2011, 2, 24), ""),
        ("SCAR002.1", date(2011, 9, 30), ""),
        ("SHAW003.1", date(2011, 6, 30), ""),
        ("SHAW003.7", date(2011, 9, 30), ""),
        ("SHAW003.11", date(2011, 7, 31), ""),
        ("SHAW003.12", date(2011, 8, 31), ""),
        ("SLIL001.3", date(2011, 7, 31), ""),
        ("SSTC001.1", date(2011, 12, 31), ""),
        ("SHAW003.3", None, "Ongoing"),
        ("SHAW003.5", None, "Quarterly"),
    ],
)
def test_messy_dates_are_read_the_uk_way(directorate_plan, ref, due, note):
    action = Action.objects.get(reference=ref)

    assert (action.due_date, action.due_note) == (due, note)


def test_words_instead_of_a_date_are_reported(directorate_plan):
    warnings = messages(directorate_plan)

    assert any("Ongoing" in m and "SHAW003.3" in m for m in warnings)
    assert any("Quarterly" in m and "SHAW003.5" in m for m in warnings)


def test_initials_are_two_owners_the_first_responsible_and_matched_case_insensitively(directorate_plan, officers):
    action = Action.objects.get(reference="SHAW003.1")

    assert action.responsible == officers["gail"]
    assert {p.name for p in action.leads.all()} == {"Mark Wilson", "KP"}


def test_an_owner_written_as_an_email_address_is_matched_whatever_its_case(programme, priya):
    sandra = PersonFactory(name="Sandra Shorter", email="sandra.shorter@example-council.gov.uk")
    rows = [["Ref.", "Name", "Responsible Officer"], ["EM1", "Objective", ""],
            ["EM1.1", "Agree the plan", "Sandra.Shorter@Example-Council.gov.uk"]]

    result = import_commit(data=csv_bytes(rows), file_name="emails.csv", programme=programme, by=priya,
                           as_at=AS_AT)

    assert result.ok, result.errors
    assert Action.objects.get(reference="EM1.1").responsible == sandra
    assert result.summary()["new_people"] == []


def test_unknown_names_become_new_people_and_are_listed(directorate_plan):
    new = directorate_plan["new_people"]

    assert "Marion Goddard" in new and "KP" in new and "SMT" in new
    assert "Sandra Shorter" not in new and "GK" not in new and "MW" not in new
    assert Person.objects.get(name="SMT").is_group
    assert Person.objects.get(name="KP").initials == "KP"
    assert directorate_plan["created"]["people"] == len(new)
    assert Action.objects.get(reference="SCAR001.1").responsible.name == "Marion Goddard"


def test_a_name_written_in_capitals_with_a_role_finds_the_person(directorate_plan, officers):
    assert Measure.objects.get(reference="MCAR010").owner == officers["sandra"]


def test_the_same_measure_under_several_objectives_is_one_measure_linked_to_each(directorate_plan):
    measure = Measure.objects.get(reference="MCAR003")

    assert {o.reference for o in measure.objectives.all()} == {"SCAR002", "SCAR004"}
    assert Measure.objects.filter(reference__in=["MCAR003"]).count() == 1


def test_references_differing_only_in_spacing_are_the_same_measure(directorate_plan):
    measures = Measure.objects.filter(reference__in=["NI145", "NI 145"])

    assert measures.count() == 1
    assert {o.reference for o in measures.get().objectives.all()} == {"SLIL001", "SCAR002"}


def test_targets_per_year_are_numbers_where_they_can_be_and_words_otherwise(directorate_plan):
    def target(ref, year="2011/12"):
        t = MeasureTarget.objects.get(measure__reference=ref, period__name=year)
        return (t.value, t.text)

    assert target("MCAR010") == (Decimal(4), "")
    assert target("MCAR010", "2013/14") == (Decimal(4), "")
    assert target("MCAR003", "2012/13") == (Decimal(100), "")
    assert target("MCAR008") == (None, "TBC")
    assert target("MCAR009") == (None, "<1%")
    assert target("SHAW M1.1") == (Decimal(6), "Six")
    assert target("SHAW M1.1", "2012/13") == (None, "N/A")
    assert target("SHAW M1.2") == (None, "± 0.5% of net budget")
    assert target("MLIL002") == (Decimal(850000), "£850K")
    assert Measure.objects.get(reference="MCAR010").unit == "percentage"
    assert Measure.objects.get(reference="MLIL002").unit == "currency"


def test_the_financial_years_are_created_as_reporting_periods(directorate_plan):
    years = ReportingPeriod.objects.filter(kind="year").order_by("start")

    assert [(p.name, p.start, p.end) for p in years] == [
        ("2011/12", date(2011, 4, 1), date(2012, 3, 31)),
        ("2012/13", date(2012, 4, 1), date(2013, 3, 31)),
        ("2013/14", date(2013, 4, 1), date(2014, 3, 31)),
    ]


def test_an_existing_period_of_that_year_is_used_not_duplicated(programme, priya, officers):
    period = ReportingPeriodFactory(name="2011/12", kind="year", financial_year="2011/12", quarter=None,
                                    start=date(2011, 4, 1), end=date(2012, 3, 31))

    import_commit(data=seed_002(), file_name="dadu.xlsx", programme=programme, by=priya, as_at=AS_AT)

    assert MeasureTarget.objects.get(measure__reference="MCAR010", period__name="2011/12").period == period
    assert ReportingPeriod.objects.filter(name="2011/12").count() == 1


def test_the_same_risk_under_two_objectives_is_one_risk_with_a_warning(directorate_plan):
    risk = Risk.objects.get(reference="RCAR002")

    assert risk.objective.reference == "SCAR002"
    assert Risk.objects.count() == 2
    assert any("RCAR002" in m and "SCAR004" in m for m in messages(directorate_plan))


def test_the_counts_say_what_was_created(directorate_plan):
    assert directorate_plan["created"] == {"objectives": 10, "actions": 13, "measures": 8, "risks": 2,
                                           "people": len(directorate_plan["new_people"])}


def test_the_directorate_plan_imported_again_changes_nothing(directorate_plan, programme, priya):
    again = import_preview(data=seed_002(), file_name="dadu.xlsx", programme=programme, as_at=AS_AT).summary()

    assert set(again["created"].values()) == {0} and set(again["updated"].values()) == {0}
    assert again["unchanged"]["measures"] == 8 and again["unchanged"]["risks"] == 2


def test_a_changed_target_is_shown_old_and_new_and_updated(directorate_plan, programme, priya):
    sheets = {name: [list(row) for row in rows] for name, rows in SEED_002_SHEETS.items()}
    sheets["Measures"][1][3] = "3.5%"

    summary = import_commit(data=xlsx(sheets), file_name="dadu.xlsx", programme=programme, by=priya,
                            as_at=AS_AT).summary()

    assert summary["updated"]["measures"] == 1
    assert summary["changes"]["measures"][0]["fields"] == {"target 2011/12": ["4", "3.5"]}
    assert MeasureTarget.objects.get(measure__reference="MCAR010", period__name="2011/12").value == Decimal("3.5")


# ---------------------------------------------------------------- seed 004: the workforce plan


@pytest.fixture
def workforce_plan(programme, priya):
    result = import_commit(data=seed_004(), file_name="workforce.xlsx", programme=programme, by=priya,
                           as_at=AS_AT)
    assert result.ok, result.errors
    return result.summary()


def test_an_action_delivering_against_several_objectives_sits_under_the_first_and_contributes_to_the_rest(
        workforce_plan):
    action = Action.objects.select_related("objective").get(reference="1")

    assert action.objective.reference == "1"
    assert [o.reference for o in action.contributes_to.all()] == ["6"]
    assert {o.reference for o in Action.objects.get(reference="4").contributes_to.all()} == {"4", "6"}
    assert action.title == "Becoming a Better People Manager delivering Corporate Values to Managers. (Nov 09)"


def test_task_status_rag_is_the_declared_rag_with_blue_meaning_complete(workforce_plan):
    green, blue = Action.objects.get(reference="1"), Action.objects.get(reference="2")

    assert (green.declared_rag, green.declared_rag_reason) == ("green", "Imported")
    assert (blue.declared_rag, blue.status, blue.percent) == ("blue", "completed", 100)
    assert Action.objects.get(reference="7").declared_rag == "red"
    assert Action.objects.get(reference="4").declared_rag == "amber"


def test_the_lead_is_read_from_the_first_paragraph_and_groups_are_groups(workforce_plan):
    action = Action.objects.get(reference="2")

    assert action.responsible.name == "Personalisation Group" and action.responsible.is_group
    assert [p.name for p in action.leads.all()] == ["InLAWS Group"]
    assert Action.objects.get(reference="1").responsible.name == "Kath Amies"


def test_a_repeated_heading_row_and_a_bold_reference_are_read_as_a_printed_report_has_them(workforce_plan):
    assert set(Action.objects.values_list("reference", flat=True)) == {"1", "2", "4", "7", "9"}


def test_unknown_columns_and_a_missing_objective_are_warnings(workforce_plan):
    warnings = messages(workforce_plan)

    assert any("“Measure” (column E)" in m for m in warnings)
    assert any("“Milestone” (column F)" in m for m in warnings)
    assert any("“9”" in m for m in warnings)
    assert [o.reference for o in Action.objects.get(reference="9").contributes_to.all()] == []


# ---------------------------------------------------------------- headings and mappings


def test_headings_are_recognised_whatever_their_case_and_punctuation(programme):
    data = csv_bytes([["REFERENCE", "name", "due date", "% COMPLETE", "Responsible officer", "Latest note:"],
                      ["P1", "Objective", None, None, None, None],
                      ["P1.1", "Action", "30/06/2024", "0.5", "Sam Officer", "<script>x</script><p>Fine</p>"]])

    summary = import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT).summary()

    fields = [c["field"] for c in summary["sheets"][0]["columns"]]
    assert fields == ["ref", "title", "due", "percent", "owner", "note"]
    assert summary["ok"]


def test_an_explicit_mapping_overrides_detection_and_is_remembered_for_the_programme(programme, priya):
    data = csv_bytes([["Identifier", "What", "Deadline", "Done"],
                      ["P1", "Objective", None, None],
                      ["P1.1", "Action", "30/06/2024", "50%"]])
    mapping = {"mixed": {"Identifier": "ref", "What": "title", "Done": "percent", "Deadline": "ignore"}}

    first = import_commit(data=data, file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT,
                          mapping=mapping)
    again = import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT)

    assert first.ok and Action.objects.get(reference="P1.1").percent == 50
    assert Action.objects.get(reference="P1.1").due_date is None
    assert ImportMapping.objects.get(programme=programme, sheet_key="mixed").mapping == mapping["mixed"]
    assert again.ok and again.summary()["unchanged"]["actions"] == 1


def test_a_file_with_no_heading_row_is_an_error(programme):
    data = csv_bytes([["Something", "Else"], ["1", "2"]])

    summary = import_preview(data=data, file_name="plan.csv", programme=programme).summary()

    assert summary["ok"] is False
    assert "No sheet has a heading row" in summary["errors"][0]["message"]


def test_every_error_names_its_sheet_row_and_column_in_plain_english(programme):
    data = csv_bytes([["Ref.", "Name", "Due Date", "% Complete", "Status"],
                      ["P1", "Objective", None, None, None],
                      ["P1.1", "Action", "31/02/2024", "150%", "Sort of"],
                      [None, None, "30/06/2024", None, None]])

    summary = import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT).summary()

    assert summary["ok"] is False
    errors = {(e["sheet"], e["row"], e["column"]): e["message"] for e in summary["errors"]}
    assert "not a real date" in errors[("plan.csv", 3, "Due Date")]
    assert "between 0 and 100" in errors[("plan.csv", 3, "% Complete")]
    assert "not a status" in errors[("plan.csv", 3, "Status")]
    assert "neither a reference nor a name" in errors[("plan.csv", 4, "Ref.")]
    assert summary["error_counts"]["actions"] == 3


def test_an_edited_file_moves_records_and_changes_owners_in_place(programme, priya, officers):
    headings = ["Ref.", "Type", "Name", "Parent", "Owner", "% Complete"]
    first = csv_bytes([headings, ["T1", "Objective", "Theme", None, "Sandra Shorter", None],
                       ["T2", "Objective", "Other theme", None, None, None],
                       ["P1", "Objective", "Project", "T1", None, None],
                       ["A1", "Action", "Do it", "P1", "GK", "10%"]])
    moved = csv_bytes([headings, ["T1", "Objective", "Theme", None, "Sandra Shorter", None],
                       ["T2", "Objective", "Other theme", None, None, None],
                       ["P1", "Objective", "Project", "T2", "MW", None],
                       ["A1", "Action", "Do it", "T2", "Sandra Shorter/GK", "10%"]])
    import_commit(data=first, file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT)
    ids = dict(Action.objects.values_list("reference", "pk"))

    summary = import_commit(data=moved, file_name="plan.csv", programme=programme, by=priya,
                            as_at=AS_AT).summary()

    assert summary["ok"], summary["errors"]
    assert summary["updated"] == {"objectives": 1, "actions": 1, "measures": 0, "risks": 0, "people": 0}
    changes = {c["ref"]: c["fields"] for c in summary["changes"]["objectives"] + summary["changes"]["actions"]}
    assert changes["P1"] == {"parent": ["T1", "T2"], "owner": [None, "Mark Wilson"]}
    assert changes["A1"] == {"objective": ["P1", "T2"], "responsible": ["Gail Kennedy", "Sandra Shorter"],
                             "leads": [[], ["Gail Kennedy"]]}
    action = Action.objects.get(reference="A1")
    assert action.pk == ids["A1"] and action.objective.reference == "T2"
    assert action.responsible == officers["sandra"] and list(action.leads.all()) == [officers["gail"]]
    assert Objective.objects.get(reference="P1").parent.reference == "T2"
    assert action.updates.count() == 1


def test_an_action_due_before_it_starts_is_an_error(programme):
    data = csv_bytes([["Ref.", "Name", "Start Date", "Due Date", "Revised Due Date"],
                      ["P1", "Objective", None, None, None],
                      ["P1.1", "Action", "1 May 2024", "30 April 2024", None],
                      ["P1.2", "Action", "1 May 2024", "30 June 2024", "30 April 2024"]])

    summary = import_preview(data=data, file_name="plan.csv", programme=programme, as_at=AS_AT).summary()

    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(3, "Due Date"), (4, "Revised Due Date")]
    assert "due (30/04/2024) before it starts (01/05/2024)" in summary["errors"][0]["message"]


def test_a_renamed_risk_is_updated_in_place_and_audited(directorate_plan, programme, priya):
    from programmes.models import AuditEntry

    sheets = {name: [list(row) for row in rows] for name, rows in SEED_002_SHEETS.items()}
    sheets["Risks"][1][2] = "DEMAND FOR SERVICES"
    risk_id = Risk.objects.get(reference="RCAR001").pk

    summary = import_commit(data=xlsx(sheets), file_name="dadu.xlsx", programme=programme, by=priya,
                            as_at=AS_AT).summary()

    assert summary["updated"]["risks"] == 1 and summary["created"]["risks"] == 0
    assert Risk.objects.get(pk=risk_id).title == "DEMAND FOR SERVICES"
    entry = AuditEntry.objects.get(model="governance.risk", action="updated")
    assert (entry.user, entry.channel, entry.changes) == (priya, "import", {"title": ["DEMAND", "DEMAND FOR SERVICES"]})


def test_a_sheets_name_says_what_it_holds_but_a_csv_files_name_does_not(programme):
    rows = [["Ref.", "Name"], ["ASC2401", "Objective"], ["ASC2401.A", "Action"]]

    as_csv = import_preview(data=csv_bytes(rows), file_name="objectives_and_actions.csv", programme=programme,
                            as_at=AS_AT).summary()
    as_sheet = import_preview(data=xlsx({"Service objectives": rows}), file_name="plan.xlsx",
                              programme=programme, as_at=AS_AT).summary()

    assert (as_csv["created"]["objectives"], as_csv["created"]["actions"]) == (1, 1)
    assert (as_sheet["created"]["objectives"], as_sheet["created"]["actions"]) == (2, 0)
    assert Objective.objects.count() == 0
