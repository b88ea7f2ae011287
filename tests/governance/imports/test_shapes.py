"""The other shapes councils keep: rows with no reference, flat plans numbered 1, 2, 3, owners as
written (several, with bullet lines after them, teams), columns the import does not know."""

import pytest

from actionplans.models import Action
from governance.imports.service import import_commit, import_preview
from governance.models import Risk
from programmes.models import Objective, Person
from tests.factories import PersonFactory

from .builders import csv_bytes, xlsx
from .conftest import AS_AT

pytestmark = pytest.mark.django_db


def commit(data, programme, priya, file_name="plan.xlsx", **options):
    result = import_commit(data=data, file_name=file_name, programme=programme, by=priya, as_at=AS_AT,
                           options=options or None)
    assert result.ok, result.errors
    return result.summary()


def preview(data, programme, file_name="plan.xlsx", **options):
    return import_preview(data=data, file_name=file_name, programme=programme, as_at=AS_AT,
                          options=options or None).summary()


def nothing_changes(summary) -> bool:
    return set(summary["created"].values()) == {0} and set(summary["updated"].values()) == {0}


# ---------------------------------------------------------------- rows without a reference

RISK_REGISTER = {
    "Service objectives": [["Service Objective Reference", "Service Objective Description"],
                           ["SCAR001", "A well trained workforce"], ["SSTC001", "Integrated commissioning"]],
    "Risks": [
        ["Objective", "Risk Reference", "Risk Description", "Risk Owner", "Likelihood", "Impact"],
        ["SCAR001", "RCAR001", "Demand", "Sandra Shorter", 3, 4],
        ["SSTC001", None, "Partners withdraw", "Lucia Scally", 2, 5],
        ["SSTC001", None, "Funding ends", "Lucia Scally", 4, 4],
    ],
}


def test_rows_without_a_reference_get_one_from_their_parent_and_place_listed_in_the_preview(programme):
    summary = preview(xlsx(RISK_REGISTER), programme)

    assert summary["ok"], summary["errors"]
    assert [(g["ref"], g["row"], g["title"]) for g in summary["generated"]] == [
        ("SSTC001-R1", 3, "Partners withdraw"), ("SSTC001-R2", 4, "Funding ends")]
    assert summary["created"]["risks"] == 3


def test_a_register_reimported_matches_its_unreferenced_rows_by_parent_and_title(programme, priya):
    commit(xlsx(RISK_REGISTER), programme, priya)
    reordered = {**RISK_REGISTER, "Risks": [RISK_REGISTER["Risks"][0], RISK_REGISTER["Risks"][3],
                                            RISK_REGISTER["Risks"][1], RISK_REGISTER["Risks"][2]]}

    again = preview(xlsx(reordered), programme)

    assert nothing_changes(again), again["changes"]
    assert dict(Risk.objects.values_list("title", "reference")) == {
        "Demand": "RCAR001", "Partners withdraw": "SSTC001-R1", "Funding ends": "SSTC001-R2"}
    assert Risk.objects.get(reference="SSTC001-R2").objective.reference == "SSTC001"


def test_a_register_with_no_reference_column_at_all_is_read_by_its_names(programme, priya):
    sheet = {"Risk register": [["Risk Description", "Risk Owner", "Likelihood", "Impact"],
                               ["Demand exceeds budget", "Sandra Shorter", 4, 4]]}

    commit(xlsx(sheet), programme, priya)

    assert Risk.objects.get().reference == "RR-R1"
    assert nothing_changes(preview(xlsx(sheet), programme))


def test_an_action_row_without_a_reference_belongs_to_the_objective_row_above_it(programme, priya):
    rows = [["Ref.", "Name", "Due Date"], ["ASC2401", "Objective", None], [None, "Agree the plan", "30/09/2024"],
            [None, "Publish it", "31/10/2024"], ["ASC2401.A", "Train staff", "31/12/2024"]]

    commit(csv_bytes(rows), programme, priya, "plan.csv")
    again = preview(csv_bytes(rows), programme, "plan.csv")

    refs = dict(Action.objects.values_list("title", "reference"))
    assert refs == {"Agree the plan": "ASC2401-A1", "Publish it": "ASC2401-A2", "Train staff": "ASC2401.A"}
    assert set(Action.objects.values_list("objective__reference", flat=True)) == {"ASC2401"}
    assert nothing_changes(again)


# ---------------------------------------------------------------- flat plans (seed 004's action plan)

FLAT_HEADINGS = ["Ref./", "Action", "Lead Manager/ Golden Thread", "Task Status (R, A, G,)", "Measure", "Milestone"]
FLAT_PLAN = [
    ["Blue - Complete    Green – on target    Red – off target/not achieved"],
    FLAT_HEADINGS,
    [1, "Becoming a Better People Manager (Nov 09) Delivers against Objective 1/6",
     "Kath Amies\n• Team Plans\n• PDR\n• Training Plan", "G", "• No of Managers booked\n• Evaluation forms", None],
    [2, "Staff engagement mechanisms in place (Jan 2010) Delivers against Objective 3/4",
     "Personalisation Group / InLAWS Group", "B", None, "Survey done"],
    [3, "Skills Training Plan in place and delivered (Sept 2010) Delivers against Objective 4/6",
     "Nigel Mitchell and All Managers", "R", None, None],
]


def test_a_flat_plan_numbered_1_2_3_imports_as_actions_under_the_objectives_they_deliver_against(programme, priya):
    summary = commit(xlsx({"Action Plan": FLAT_PLAN}), programme, priya)

    assert summary["created"]["actions"] == 3
    first = Action.objects.get(reference="1")
    assert first.objective.reference == "1" and [o.reference for o in first.contributes_to.all()] == ["6"]
    assert first.title == "Becoming a Better People Manager (Nov 09)"
    assert Objective.objects.get(reference="6").title == "Objective 6"
    assert (first.declared_rag, Action.objects.get(reference="2").status) == ("green", "completed")
    assert sorted(Objective.objects.values_list("reference", flat=True)) == ["1", "3", "4", "6"]


def test_a_flat_plan_imported_again_changes_nothing(programme, priya):
    commit(xlsx({"Action Plan": FLAT_PLAN}), programme, priya)

    assert nothing_changes(preview(xlsx({"Action Plan": FLAT_PLAN}), programme))


def test_a_flat_plan_naming_no_objectives_sits_under_one_the_preview_names_and_the_admin_may_rename(
        programme, priya):
    rows = [["No.", "Action", "Owner", "Due Date", "Status"], [1, "Agree the plan", "Sam Officer", "30/09/2024",
                                                               "In progress"],
            [2, "Publish it", "Sam Officer", "31/10/2024", "Not started"]]

    first = preview(csv_bytes(rows), programme, "workforce_plan.csv")
    renamed = commit(csv_bytes(rows), programme, priya, "workforce_plan.csv", objective_title="Workforce plan 2024")

    assert first["flat_objective"] == {"ref": "PLAN", "title": "workforce plan", "sheet": "workforce_plan.csv"}
    assert renamed["flat_objective"]["title"] == "Workforce plan 2024"
    assert {a.objective.title for a in Action.objects.select_related("objective")} == {"Workforce plan 2024"}


# ---------------------------------------------------------------- owners as written


def test_bullet_lines_after_a_leads_name_are_a_links_to_note_never_people(programme, priya):
    commit(xlsx({"Action Plan": FLAT_PLAN}), programme, priya)

    action = Action.objects.get(reference="1")
    assert action.responsible.name == "Kath Amies"
    assert action.extra["Links to"] == "Team Plans\nPDR\nTraining Plan"
    assert not Person.objects.filter(name__in=["Team Plans", "PDR", "Training Plan", "• PDR"]).exists()


@pytest.mark.parametrize(
    ("written", "responsible", "leads"),
    [
        ("Pete Kelleher / Marion Goddard", "Pete Kelleher", ["Marion Goddard"]),
        ("Pete Kelleher and Marion Goddard", "Pete Kelleher", ["Marion Goddard"]),
        ("GK/MW", "GK", ["MW"]),
        ("GK and MW", "GK", ["MW"]),
        ("Health and Wellbeing Team", "Health and Wellbeing Team", []),
        ("Nigel Mitchell and All Managers", "Nigel Mitchell", ["All Managers"]),
    ],
)
def test_several_owners_are_read_as_councils_write_them(programme, priya, written, responsible, leads):
    rows = [["Ref.", "Name", "Owner"], ["P1", "Objective", None], ["P1.1", "Action", written]]

    commit(csv_bytes(rows), programme, priya, "plan.csv")

    action = Action.objects.get(reference="P1.1")
    assert action.responsible.name == responsible
    assert sorted(p.name for p in action.leads.all()) == leads


def test_teams_and_groups_are_kept_as_teams_not_people(programme, priya):
    rows = [["Ref.", "Name", "Owner"], ["P1", "Objective", "SMT"], ["P2", "Objective", "EMT"],
            ["P3", "Objective", "InLAWS Group"], ["P4", "Objective", "Sam Officer"]]

    commit(csv_bytes(rows), programme, priya, "plan.csv")

    assert dict(Person.objects.values_list("name", "is_group")) == {
        "SMT": True, "EMT": True, "InLAWS Group": True, "Sam Officer": False}


DUPLICATES = [["Ref.", "Name", "Owner"], ["P1", "Objective", "Peter Kelleher"], ["P2", "Objective", "Pete Kelleher"],
              ["P3", "Objective", "Rachael Elliot"], ["P4", "Objective", "PK"]]


def test_likely_duplicates_are_proposed_in_the_preview_never_merged_silently(programme, priya):
    PersonFactory(name="Rachael Elliott", initials="")

    summary = commit(csv_bytes(DUPLICATES), programme, priya, "plan.csv")

    pairs = {(d["name"], d["like"]) for d in summary["duplicates"]}
    assert ("Pete Kelleher", "Peter Kelleher") in pairs or ("Peter Kelleher", "Pete Kelleher") in pairs
    assert ("Rachael Elliot", "Rachael Elliott") in pairs
    assert ("PK", "Peter Kelleher") in pairs
    assert {"Peter Kelleher", "Pete Kelleher", "Rachael Elliot", "Rachael Elliott", "PK"} <= set(
        Person.objects.values_list("name", flat=True))


def test_the_admin_may_merge_a_likely_duplicate(programme, priya):
    rachael = PersonFactory(name="Rachael Elliott", initials="")

    commit(csv_bytes(DUPLICATES), programme, priya, "plan.csv",
           people={"Pete Kelleher": "Peter Kelleher", "PK": "Peter Kelleher", "Rachael Elliot": "Rachael Elliott"})

    owners = dict(Objective.objects.values_list("reference", "owner__name"))
    assert owners == {"P1": "Peter Kelleher", "P2": "Peter Kelleher", "P3": "Rachael Elliott", "P4": "Peter Kelleher"}
    assert Objective.objects.get(reference="P3").owner == rachael
    assert not Person.objects.filter(name__in=["Pete Kelleher", "PK", "Rachael Elliot"]).exists()


# ---------------------------------------------------------------- nothing dropped


def test_columns_the_import_does_not_know_are_kept_with_each_record_lines_and_all(programme, priya):
    commit(xlsx({"Action Plan": FLAT_PLAN}), programme, priya)

    assert Action.objects.get(reference="1").extra["Measure"] == "• No of Managers booked\n• Evaluation forms"
    assert Action.objects.get(reference="2").extra == {"Milestone": "Survey done"}


def test_a_kept_column_changed_in_the_file_is_updated_and_a_blank_cell_clears_nothing(programme, priya):
    rows = [["Ref.", "Name", "Directorate", "Budget code"], ["P1", "Objective", "Adults", "X1"]]
    commit(csv_bytes(rows), programme, priya, "plan.csv")
    rows[1][2:] = ["Adults and Health", None]

    summary = commit(csv_bytes(rows), programme, priya, "plan.csv")

    assert summary["updated"]["objectives"] == 1
    assert Objective.objects.get(reference="P1").extra == {"Directorate": "Adults and Health", "Budget code": "X1"}


def test_a_column_the_admin_leaves_out_is_not_kept(programme, priya):
    rows = [["Ref.", "Name", "Directorate"], ["P1", "Objective", "Adults"]]

    commit(csv_bytes(rows), programme, priya, "plan.csv")
    import_commit(data=csv_bytes(rows), file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT,
                  mapping={"mixed": {"Directorate": "ignore"}})

    assert Objective.objects.get(reference="P1").extra == {"Directorate": "Adults"}  # kept from before
    rows[0][0] = "Reference"
    Objective.objects.all().delete()
    import_commit(data=csv_bytes(rows), file_name="plan.csv", programme=programme, by=priya, as_at=AS_AT,
                  mapping={"mixed": {"Directorate": "ignore"}})
    assert Objective.objects.get(reference="P1").extra == {}


# ---------------------------------------------------------------- round trips


def kept(programme) -> dict:
    records = list(Objective.objects.filter(programme=programme)) + list(Action.objects.filter(programme=programme))
    return {(type(r).__name__, r.reference): r.extra for r in records if r.extra}


def test_a_flat_plan_round_trips_through_the_export_keeping_every_column(programme, priya):
    from governance.imports.export import export_csv, export_xlsx
    from tests.factories import ProgrammeFactory

    commit(xlsx({"Action Plan": FLAT_PLAN}), programme, priya)
    other = ProgrammeFactory(short_name="COPY")

    same = preview(export_xlsx(programme), programme)
    commit(export_csv(programme), other, priya, "copy.csv")

    assert nothing_changes(same), same["changes"]
    assert kept(other) == kept(programme) and kept(programme)[("Action", "1")] == {
        "Links to": "Team Plans\nPDR\nTraining Plan", "Measure": "• No of Managers booked\n• Evaluation forms"}


def test_a_register_with_generated_references_round_trips_through_the_export(programme, priya):
    from governance.imports.export import export_xlsx

    register = {**RISK_REGISTER, "Risks": [row + (["Team"] if i == 0 else ["Commissioning"])
                                           for i, row in enumerate(RISK_REGISTER["Risks"])]}
    commit(xlsx(register), programme, priya)

    again = preview(export_xlsx(programme), programme)

    assert nothing_changes(again), again["changes"]
    assert Risk.objects.get(reference="SSTC001-R1").extra == {"Team": "Commissioning"}


# ---------------------------------------------------------------- measures per period

MEASURES_BY_PERIOD = {"Measures": [
    ["Reference", "Measure Description", "Q1 target", "Q2 target", "Target 2025/26", "Apr-24", "May-24",
     "Q1 actual"],
    ["M1", "Staff sickness (days lost)", 2.5, 2.4, "TBC", 2.7, 2.6, 7.9],
    ["M2", "Reviews completed", "95%", "95%", None, "-", 91, None],
]}


def test_targets_and_values_in_period_columns_are_kept_per_period(programme, priya):
    from decimal import Decimal

    from actionplans.models import MeasureTarget, MeasureValue

    commit(xlsx(MEASURES_BY_PERIOD), programme, priya)

    targets = {(t.measure.reference, t.period.name): (t.value, t.text)
               for t in MeasureTarget.objects.select_related("measure", "period")}
    values = {(v.measure.reference, v.period.name): v.value for v in MeasureValue.objects.select_related(
        "measure", "period")}
    assert targets[("M1", "2024/25 Q1")] == (Decimal("2.5"), "")
    assert targets[("M1", "2024/25 Q2")] == (Decimal("2.4"), "")
    assert targets[("M1", "2025/26")] == (None, "TBC")
    assert targets[("M2", "2024/25 Q1")] == (Decimal(95), "")
    assert values == {("M1", "April 2024"): Decimal("2.7"), ("M1", "May 2024"): Decimal("2.6"),
                      ("M1", "2024/25 Q1"): Decimal("7.9"), ("M2", "May 2024"): Decimal(91)}
    from programmes.models import ReportingPeriod
    april = ReportingPeriod.objects.get(name="April 2024")
    assert (april.kind, april.quarter, april.financial_year, str(april.end)) == ("month", 1, "2024/25", "2024-04-30")


def test_an_existing_period_of_another_name_is_used_for_its_dates(programme, priya):
    from datetime import date

    from tests.factories import ReportingPeriodFactory
    month = ReportingPeriodFactory(name="2024/25 M01", kind="month", financial_year="2024/25", quarter=1,
                                   start=date(2024, 4, 1), end=date(2024, 4, 30))

    commit(xlsx(MEASURES_BY_PERIOD), programme, priya)

    from decimal import Decimal

    from actionplans.models import MeasureValue
    assert MeasureValue.objects.get(measure__reference="M1", period=month).value == Decimal("2.7")


def test_measures_per_period_round_trip_through_the_export(programme, priya):
    from governance.imports.export import export_xlsx

    commit(xlsx(MEASURES_BY_PERIOD), programme, priya)
    again = preview(export_xlsx(programme), programme)
    changed = {**MEASURES_BY_PERIOD, "Measures": [list(r) for r in MEASURES_BY_PERIOD["Measures"]]}
    changed["Measures"][1][5] = 2.8
    edited = preview(xlsx(changed), programme)

    assert nothing_changes(again), again["changes"]
    assert edited["changes"]["measures"][0]["fields"] == {"value April 2024": ["2.7", "2.8"]}


def test_names_that_differ_by_a_number_are_not_proposed_as_one_person(programme, priya):
    rows = [["Ref.", "Name", "Owner"], ["P1", "Objective", "Officer 1"], ["P2", "Objective", "Officer 10"],
            ["P3", "Objective", "Officer 11"]]

    assert commit(csv_bytes(rows), programme, priya, "plan.csv")["duplicates"] == []


def test_a_leads_bulleted_list_written_in_html_is_a_links_to_note_too(programme, priya):
    from .builders import seed_004

    commit(seed_004(), programme, priya)

    assert Action.objects.get(reference="1").extra["Links to"] == "Team Plans\nPDR\nTraining Plan"
    assert Action.objects.get(reference="1").extra["Measure"] == "• No of Managers booked onto sessions (Sept 09)"
    assert Action.objects.get(reference="4").extra["Milestone"] == "IDENTIFY"
