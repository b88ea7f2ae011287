"""Workbooks built inside the tests, in the shapes of the seeds (002 and 004) and bigger."""

import csv
import io
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook

SEED_001 = Path(settings.BASE_DIR) / "fixtures" / "asc_action_plan_2024_25"


def seed_001(extension: str = "csv") -> tuple[bytes, str]:
    path = SEED_001.with_suffix(f".{extension}")
    return path.read_bytes(), path.name


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


CP_03 = "CP-03 To improve life opportunities and health for everybody in Cheshire East"
CP_05 = "CP-05 Being an excellent Council and working with others - to deliver for Cheshire East"

SEED_002_SHEETS = {
    "Directorate objectives": [
        ["Directorate Level Planning 2011-12"],
        ["Directorate Objective Reference", "Directorate Objective Description", "Link to Corporate Objective"],
        ["DADU001", "Balance universal and targeted services", CP_03],
        ["DADU003", "Increase the knowledge of managers and staff about the drivers of cost", CP_05],
        ["DADU004", "Integrate assessment with key partners and especially the NHS", CP_05],
        ["DADU005", "Align the directorate with the emerging local delivery model", "CP-02"],
    ],
    "Service objectives": [
        ["Service Objective Reference", "Service Objective Description", "Link to Directorate Objective",
         "Responsible Officer"],
        ["SCAR001", "To maintain and develop a well trained workforce", "DADU001", "Sandra Shorter"],
        ["SCAR002", "To deliver all outcomes specified in the SLA", "DADU004", "Sandra Shorter"],
        ["SCAR004", "Ensure that all services offer value for money", "DADU003", "Sandra Shorter"],
        ["SHAW003", "Work with partners to deliver health and wellbeing", "DADU005", "GK"],
        ["SLIL001", "Develop and pilot a range of models for reablement", "DADU009", "Jacqui Evans"],
    ],
    "Actions": [
        ["Reference", "Action/Milestone", "Responsible Officer", "Date due for completion"],
        ["SCAR001.1", "AGREE DEVELOPMENT PLAN", "Marion Goddard", "24/02/11"],
        ["SCAR001.10", "PREPARE FOR, THEN IMPLEMENT IIP ASSESSMENT RECOMMENDATIONS", "Sandra Shorter", "31/05/11"],
        ["SCAR002.1", "AGREE SLA", "Sandra Shorter", "30/09/2011"],
        ["SCAR002.5", "ASSESS WORKFORCE IMPLICATIONS OF SLA", "SMT", "12/04/2011"],
        ["SCAR004.2", "REDESIGN OF HUB ADMIN & BUSINESS PROCESSES", "Peter Kelleher, Marion Goddard", "31/08/11"],
        ["SHAW003.1", "Develop options appraisal and business case", "GK/MW/KP", "end June 2011"],
        ["SHAW003.3", "Continue to work with Children and Families", "GK/MW/GB", "Ongoing"],
        ["SHAW003.5", "Work with Planning Services on the Core Strategy", "GK/MW", "Quarterly"],
        ["SHAW003.7", "Work with Customer Services on access points", "GK/LC", "Sep-11"],
        ["SHAW003.11", "Work with Policy and Performance", "GK/JW", "end July 2011"],
        ["SHAW003.12", "Align services to the priorities of commissioners", "GK/MW/KP/LC/GB/MT/LC/RW/JA/JW",
         "Aug-11"],
        ["SLIL001.3", "Evaluate pilots: outcomes and savings for Front Line Wilmslow", "Nicola Phillips",
         "July 2011"],
        ["SSTC001.1", "Establish a structure for integrated commissioning", "Lucia Scally", "Dec-11"],
    ],
    "Measures": [
        ["Objective", "Reference", "Measure Description", "Target 2011/12", "Target 2012/13", "Target 2013/14",
         "Responsible Officer"],
        ["SCAR001", "MCAR010", "REDUCTION IN STAFF SICKNESS LEVELS", "4%", "4%", "4%", "SANDRA SHORTER (HoS)"],
        ["SCAR002", "MCAR003", "MEET TERMS OF SLA RE PERFORMANCE", "100%", "100%", "100%",
         "SANDRA SHORTER (HoS)"],
        ["SCAR004", "MCAR003", "MEET TERMS OF SLA RE PERFORMANCE", "100%", "100%", "100%",
         "SANDRA SHORTER (HoS)"],
        ["SCAR004", "MCAR008", "CUSTOMER SATISFACTION SURVEY RESULTS (% GOOD OR BETTER)", "TBC", "TBC", "TBC",
         "PETE KELLEHER"],
        ["SCAR001", "MCAR009", "NUMBER OF REFUSALS TO PROVIDE APPROPRIATE SERVICE", "<1%", "<1%", "<1%",
         "SANDRA SHORTER (HoS)"],
        ["SHAW003", "SHAW M1.1", "Conduct six Service reviews during the course of the year", "Six", "N/A", "N/A",
         "GK"],
        ["SHAW003", "SHAW M1.2", "Achieve a balanced budget", "± 0.5% of net budget", None, None, None],
        ["SLIL001", "MLIL002", "Efficiency Savings in reduction in Care Package Costs", "£850K", None, None,
         "Jacqui Evans"],
        ["SLIL001", "NI145", "Proportion of adults with learning disabilities in settled accommodation", None,
         None, None, "Jacqui Evans"],
        ["SCAR002", "NI 145", "Proportion of adults with learning disabilities in settled accommodation", None,
         None, None, "Jacqui Evans"],
    ],
    "Risks": [
        ["Objective", "Risk Reference", "Risk Description", "Risk Owner"],
        ["SCAR001", "RCAR001", "DEMAND", "Sandra Shorter"],
        ["SCAR002", "RCAR002", "COMMISSIONING", "Sandra Shorter"],
        ["SCAR004", "RCAR002", "COMMISSIONING", "Sandra Shorter"],
    ],
}


def seed_002() -> bytes:
    return xlsx(SEED_002_SHEETS)


def _action(text: str, objectives: str) -> str:
    return f"<p>{text}</p> <p>Delivers against Objective {objectives}</p>"


def _lead(name: str) -> str:
    return (f'<p>{name}</p> <ul style="list-style-type: none"> <li>• Team Plans</li> <li>• PDR</li> '
            "<li>• Training Plan</li> </ul>")


SEED_004_HEADINGS = ["Ref./", "Action", "Lead Manager/ Golden Thread", "Task Status (R, A, G,)", "Measure",
                     "Milestone"]
SEED_004_SHEETS = {
    "Objectives": [
        ["Ref", "Objective"],
        [1, "Strong leadership and accountability"],
        [2, "Personalisation and choice"],
        [3, "Workforce re-modeling and commissioning"],
        [4, "Skills, knowledge and attitudes"],
        [5, "Joint and integrated working"],
        [6, "Recognition and reward"],
    ],
    "Actions": [
        ["Blue - Complete    Green – on target    Red – off target/not achieved"],
        SEED_004_HEADINGS,
        [1, _action("Becoming a Better People Manager delivering Corporate Values to Managers. (Nov 09)", "1/6"),
         _lead("Kath Amies"), "G", "<ul><li>• No of Managers booked onto sessions (Sept 09)</li></ul>", None],
        [2, _action("Staff engagement/ communication mechanisms in place. (Jan 2010)", "3/4"),
         _lead("Personalisation Group / InLAWS Group"), "B", None, None],
        SEED_004_HEADINGS,
        ["<b>4</b>", _action("Personal Assistants and Carers skills set identified. (Mar 2010)", "2/4/6"),
         _lead("Personalisation Group"), "A", None, "<p>IDENTIFY</p>"],
        [7, _action("Skills Training Plan in place and delivered. (Sept 2010)", "4/6"),
         _lead("Nigel Mitchell / All Managers"), "R", None, None],
        [9, _action("New skills set for social work discussed with local Universities. (Dec 2010)", "2/9"),
         _lead("Nigel Mitchell / Personalisation Group / InLAWS Group"), "G", None, None],
    ],
}


def seed_004() -> bytes:
    return xlsx(SEED_004_SHEETS)


def big_plan_rows(actions: int, *, per_objective: int = 100) -> list[list]:
    """A one-sheet plan: `actions` actions under objectives of `per_objective` each."""
    rows = [["Ref.", "Name", "Due Date", "Status", "% Complete", "Responsible Officer", "Latest Note"]]
    for number in range(actions):
        objective, action = divmod(number, per_objective)
        if action == 0:
            rows.append([f"BIG{objective:04d}", f"Objective {objective}", "31 March 2025", None, None, None, None])
        rows.append([f"BIG{objective:04d}.{action + 1}", f"Action {number}", "30/09/2024", "In progress",
                     f"{number % 101}%", f"Officer {number % 40}", f"<p>Update {number}</p>"])
    return rows
