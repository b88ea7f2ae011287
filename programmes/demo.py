"""The demo data set (`manage.py load_demo`) and the demo logins (`manage.py create_demo_users`).

Two real adult social care papers, read from fixtures/: the 2024/25 action plan at its
quarter 1 report date (seed 001) and the whole service improvement programme, phase 3
(seed 000), with their boards, assurance matrix, measures and risks. Everything is written
through the services with the "command" channel, so it is validated and audited like any
other write. Loading is idempotent: records are looked up by their natural key (reference,
short name, name) and only what is missing is added.

`--shift-dates` moves every date by the same number of days so that the report date,
30 June 2024, falls on today. The shift is a single function applied to each date as it
is parsed, before anything is written.
"""

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actionplans.models import Action, Measure, MeasureTarget, MeasureValue
from actionplans.services import action_create, action_record_progress, measure_record_value
from governance.models import Assurance, AssuranceSource, Board, BoardMembership, Meeting, Risk
from programmes.models import ReportingPeriod

from .audit import Channel, audit_record
from .choices import ObjectiveKind, Status
from .models import Objective, Person, Programme
from .roles import ADMIN, CLERK, LEADERSHIP, OFFICER, PROGRAMME_MANAGER, ensure_role_groups
from .rollup import programme_refresh
from .rules import uk_date
from .services import objective_create, person_create, record_save

CHANNEL = Channel.COMMAND
REPORT_DATE = date(2024, 6, 30)  # the action plan's quarter 1 report
AUTHOR_NAME = "Performance team"
DEMO_PASSWORD = "demo-password-2024"

ACTION_PLAN = {
    "name": "Adult Social Care action plan 2024/25",
    "short_name": "ASC-AP-2425",
    "start_date": date(2024, 4, 1),
    "end_date": date(2025, 3, 31),
    "description": (
        "The directorate's action plan for the financial year 2024/25 at its quarter 1 report "
        "(April to June 2024): objectives and actions with due dates, percent complete and the latest "
        "note, as the council's performance system exported them."
    ),
}
FINANCIAL_YEARS = (2023, 2024)
QUARTER_STARTS_2024_25 = {1: date(2024, 4, 1), 2: date(2024, 7, 1), 3: date(2024, 10, 1), 4: date(2025, 1, 1)}
NOT_DUE_TO_START = re.compile(r"not due to start until Q([1-4])", re.IGNORECASE)  # 2023/24 holds the improvement programme's KPI month (April 2023)


def fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


def read_csv(name: str) -> list[dict]:
    with (fixtures_dir() / name).open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def read_json(name: str) -> dict:
    with (fixtures_dir() / name).open(encoding="utf-8") as f:
        return json.load(f)


def parse_uk_date(text: str) -> date:
    """ "30 March 2025" -> date(2025, 3, 30)."""
    return datetime.strptime(text.strip(), "%d %B %Y").date()


def parse_percent(text: str) -> int:
    return int(text.strip().rstrip("%"))


def status_for_percent(percent: int) -> str:
    if percent >= 100:
        return Status.COMPLETED
    if percent <= 0:
        return Status.NOT_STARTED
    return Status.IN_PROGRESS


def stated_start_date(note: str) -> date | None:
    """ "Work not due to start until Q3." -> 1 October 2024: the plan's own word on when work starts."""
    match = NOT_DUE_TO_START.search(note or "")
    return QUARTER_STARTS_2024_25[int(match.group(1))] if match else None


def board_short_names(reports_to: str) -> list[str]:
    """ "Ops & performance then ASCCIB" -> ["Ops & performance", "ASCCIB"]; "ASCCIB?" -> ["ASCCIB"]."""
    parts = re.split(r"\s+then\s+|\s*/\s*", reports_to)
    return [p.strip(" ?") for p in parts if p.strip(" ?")]


@dataclass(frozen=True)
class DateShift:
    """Moves a date by a fixed number of days; 0 leaves the papers' dates as they are."""

    days: int = 0

    @classmethod
    def onto(cls, day: date) -> "DateShift":
        """The shift that puts the report date on `day`."""
        return cls((day - REPORT_DATE).days)

    def __call__(self, day: date | None) -> date | None:
        return None if day is None else day + timedelta(days=self.days)

    def iso(self, text: str | None) -> date | None:
        return self(date.fromisoformat(text)) if text else None


@dataclass(frozen=True)
class PaperPeriod:
    """A reporting period as the papers name it, in the papers' dates."""

    name: str
    kind: str
    financial_year: str
    quarter: int | None
    start: date
    end: date


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def financial_year_periods(start_year: int) -> list[PaperPeriod]:
    """The UK financial year starting 1 April `start_year`: the year, its four quarters, its months."""
    fy = f"{start_year}/{(start_year + 1) % 100:02d}"
    Kind = ReportingPeriod.Kind
    periods = [PaperPeriod(fy, Kind.YEAR, fy, None, date(start_year, 4, 1), date(start_year + 1, 3, 31))]
    months = [date(start_year + (m > 12), (m - 1) % 12 + 1, 1) for m in range(4, 16)]
    for quarter in range(1, 5):
        first = months[(quarter - 1) * 3]
        periods.append(PaperPeriod(f"{fy} Q{quarter}", Kind.QUARTER, fy, quarter, first,
                                   _month_end(months[quarter * 3 - 1])))
    for index, first in enumerate(months):
        month_name = uk_date(first).split(" ", 1)[1]  # "April 2024"
        periods.append(PaperPeriod(month_name, Kind.MONTH, fy, index // 3 + 1, first, _month_end(first)))
    return periods


def shifted_period_name(period: PaperPeriod, shift: DateShift) -> str:
    """The papers' name, plus the dates it now covers when the dates were moved.

    A moved "2024/25 Q1" no longer runs April to June, so its bare name would be wrong; the
    papers' commentary still speaks of "quarter 1", so the name keeps it and says the dates.
    """
    if not shift.days:
        return period.name
    return f"{period.name} ({uk_date(shift(period.start))} to {uk_date(shift(period.end))})"


@dataclass
class DemoReport:
    shift: DateShift
    already_loaded: bool = False
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)

    @property
    def report_date(self) -> date:
        return self.shift(REPORT_DATE)

    def rows(self) -> list[tuple[str, int, int]]:
        labels = list(dict.fromkeys([*self.created, *self.existing]))
        return [(label, self.created[label], self.existing[label]) for label in labels]


def current_shift(*, shift_dates: bool, today: date | None = None) -> tuple[DateShift, bool]:
    """The shift to load with, and whether the demo is already there.

    Once loaded, the demo keeps the dates it was first loaded with: running again (with or
    without --shift-dates, today or next week) only adds what is missing, in the same dates.
    """
    loaded = Programme.objects.filter(short_name=ACTION_PLAN["short_name"]).values_list("start_date", flat=True)
    if loaded.exists():
        start = loaded.first()
        return DateShift((start - ACTION_PLAN["start_date"]).days if start else 0), True
    if shift_dates:
        return DateShift.onto(today or timezone.localdate()), False
    return DateShift(0), False


def load_demo(*, shift_dates: bool = False, today: date | None = None) -> DemoReport:
    """Load the whole demo data set in one transaction; see the module docstring."""
    with transaction.atomic():
        shift, already_loaded = current_shift(shift_dates=shift_dates, today=today)
        loader = _Loader(DemoReport(shift=shift, already_loaded=already_loaded))
        loader.load()
    return loader.report


class _Loader:
    def __init__(self, report: DemoReport):
        self.report = report
        self.shift = report.shift
        self.people: dict[str, Person] = {}  # by name and by every alias
        self.periods: dict[str, ReportingPeriod] = {}  # by the papers' name
        self.programmes: dict[str, Programme] = {}
        self.objectives: dict[tuple[str, str], Objective] = {}  # (programme short name, reference)
        self.actions: dict[tuple[str, str], Action] = {}
        self.boards: dict[str, Board] = {}
        self.board_objectives: dict[str, list[Objective]] = {}
        self.people_data = read_json("demo_people.json")
        self.programme_data = read_json("demo_improvement_programme.json")
        self.improvement = self.programme_data["programme"]["short_name"]

    def load(self) -> None:
        self.load_people(self.people_data)
        self.load_periods()
        self.load_action_plan(self.people_data)
        self.load_improvement_programme(self.programme_data)
        self.load_boards()
        self.load_assurance()
        self.load_measures()
        self.load_risks()
        for programme in self.programmes.values():
            programme_refresh(programme_id=programme.pk)

    # ------------------------------------------------------------ lookups

    def _existing_or(self, label: str, found, create):
        """Return `found` if there is one (counted as already there), else `create()`."""
        if found is not None:
            self.report.existing[label] += 1
            return found
        self.report.created[label] += 1
        return create()

    def person(self, name: str) -> Person:
        try:
            return self.people[name]
        except KeyError:
            raise ValueError(f"{name!r} is not in fixtures/demo_people.json.") from None

    def action(self, programme: str, reference: str) -> Action:
        return self.actions[(programme, reference)]

    # ------------------------------------------------------------ people and periods

    def load_people(self, data: dict) -> None:
        for row in data["people"]:
            person = self._existing_or(
                "people",
                Person.objects.filter(name=row["name"]).first(),
                lambda row=row: person_create(
                    name=row["name"], job_title=row.get("job_title", ""),
                    initials=row.get("initials", ""), channel=CHANNEL,
                ),
            )
            for key in (row["name"], *row["aliases"]):
                self.people[key] = person

    def load_periods(self) -> None:
        for start_year in FINANCIAL_YEARS:
            for period in financial_year_periods(start_year):
                name = shifted_period_name(period, self.shift)
                self.periods[period.name] = self._existing_or(
                    "reporting periods",
                    ReportingPeriod.objects.filter(name=name).first(),
                    lambda period=period, name=name: record_save(
                        ReportingPeriod(
                            name=name, kind=period.kind, financial_year=period.financial_year,
                            quarter=period.quarter, start=self.shift(period.start), end=self.shift(period.end),
                        ),
                        channel=CHANNEL,
                    ),
                )

    def programme(self, *, name, short_name, **fields) -> Programme:
        manager = self.person(self.people_data["demo_manager"])
        programme = self._existing_or(
            "programmes",
            Programme.objects.filter(short_name=short_name).first(),
            lambda: record_save(
                Programme(name=name, short_name=short_name, **fields),
                channel=CHANNEL, m2m={"managers": [manager]},
            ),
        )
        self.programmes[short_name] = programme
        return programme

    def objective(self, programme: Programme, reference: str, **fields) -> Objective:
        m2m = fields.pop("m2m", None)
        objective = self._existing_or(
            "objectives",
            Objective.objects.filter(programme=programme, reference=reference).first(),
            lambda: objective_create(
                programme=programme, reference=reference, channel=CHANNEL, m2m=m2m, **fields
            ),
        )
        self.objectives[(programme.short_name, reference)] = objective
        return objective

    def new_action(self, objective: Objective, reference: str, **fields) -> Action:
        programme = objective.programme
        action = self._existing_or(
            "actions",
            Action.objects.filter(programme=programme, reference=reference).first(),
            lambda: action_create(objective=objective, reference=reference, channel=CHANNEL, **fields),
        )
        self.actions[(programme.short_name, reference)] = action
        return action

    # ------------------------------------------------------------ seed 001: the action plan

    def load_action_plan(self, people: dict) -> None:
        programme = self.programme(
            name=ACTION_PLAN["name"], short_name=ACTION_PLAN["short_name"],
            description=ACTION_PLAN["description"],
            start_date=self.shift(ACTION_PLAN["start_date"]), end_date=self.shift(ACTION_PLAN["end_date"]),
        )
        officer = self.person(people["demo_officer"])
        officer_refs = set(people["demo_officer_actions"])
        others = [self.person(name) for name in people["action_plan_officers"]]
        rows = read_csv("asc_action_plan_2024_25.csv")
        objective_order, action_order, others_index = 0, Counter(), 0
        for row in rows:
            reference = row["Ref."].strip()
            percent = parse_percent(row["% Complete"])
            if "." not in reference:
                objective_order += 1
                self.objective(
                    programme, reference, title=row["Name"].strip(), kind=ObjectiveKind.OBJECTIVE,
                    due_date=self.shift(parse_uk_date(row["Due Date"])), order=objective_order,
                    # The engine computes the objective's percent; the report's own figure stays visible.
                    description=f"Stated in the 2024/25 quarter 1 report: {percent}% complete.",
                )
                continue
            objective = self.objectives[(programme.short_name, reference.split(".")[0])]
            if reference in officer_refs:
                responsible = officer
            else:
                responsible = others[others_index % len(others)]
                others_index += 1
            action_order[objective.pk] += 1
            action = self.new_action(
                objective, reference, title=row["Name"].strip(), responsible=responsible,
                start_date=self.shift(stated_start_date(row["Latest Note"])),
                due_date=self.shift(parse_uk_date(row["Due Date"])), order=action_order[objective.pk],
            )
            self.report_progress(action, percent=percent, note=row["Latest Note"])

    def report_progress(self, action: Action, *, percent: int, note: str) -> None:
        if action.updates.exists():
            self.report.existing["progress updates"] += 1
            return
        self.report.created["progress updates"] += 1
        action_record_progress(
            action=action, percent=percent, status=status_for_percent(percent), commentary=note,
            effective_date=self.shift(REPORT_DATE), author_name=AUTHOR_NAME, channel=CHANNEL,
            refresh=False,  # one refresh per programme at the end
        )

    # ------------------------------------------------------------ seed 000: the improvement programme

    def load_improvement_programme(self, data: dict) -> None:
        meta = data["programme"]
        programme = self.programme(
            name=meta["name"], short_name=meta["short_name"], description=meta["description"],
            start_date=self.shift.iso(meta["start_date"]),
        )
        themes = {}
        for order, theme in enumerate(data["themes"], start=1):
            themes[theme["title"]] = self.objective(
                programme, theme["reference"], title=theme["title"], kind=ObjectiveKind.THEME,
                description=theme["description"], order=order,
            )
        references = {p["project"]: p for p in data["projects"]}
        for order, row in enumerate(read_csv("asc_improvement_programme_projects.csv"), start=1):
            project = references[row["Project"]]
            reports_to = row["Reports to"].strip()
            objective = self.objective(
                programme, project["reference"], title=row["Project"], kind=ObjectiveKind.PROJECT,
                parent=themes[row["Theme"]], owner=self.person(row["SRO"].strip()),
                leads_note=row["Deputies/ Lead / PM"].strip(), purpose=row["Purpose"].strip(),
                subgroup=row["Subgroup/ activity"].strip(), dependencies=row["Dependencies / links"].strip(),
                timeframe=row["Timeframe"].strip(), order=order,
                description=f"SRO as written: {row['SRO'].strip()}\nReports to: {reports_to}",
                m2m={"leads": [self.person(name) for name in project["leads"]]},
            )
            for short_name in board_short_names(reports_to):
                self.board_objectives.setdefault(short_name, []).append(objective)
        for order, row in enumerate(data["actions"], start=1):
            objective = self.objectives[(programme.short_name, row["project"])]
            self.new_action(
                objective, row["reference"], title=row["title"],
                responsible=self.person(row["responsible"]) if row.get("responsible") else None,
                start_date=self.shift.iso(row.get("start_date")), due_date=self.shift.iso(row.get("due_date")),
                due_note=row.get("due_note", ""), order=order,
            )

    def load_boards(self) -> None:
        data = read_json("demo_boards.json")
        known = {b["short_name"] for b in data["boards"]}
        unknown = set(self.board_objectives) - known
        if unknown:
            raise ValueError(f"Projects report to boards missing from demo_boards.json: {sorted(unknown)}")
        for row in data["boards"]:
            short_name = row["short_name"]
            objectives = self.board_objectives.get(short_name, []) + [
                self.objectives[(self.improvement, ref)] for ref in row.get("objectives", [])
            ]
            self.boards[short_name] = self._existing_or(
                "boards",
                Board.objects.filter(short_name=short_name).first(),
                lambda row=row, objectives=objectives: record_save(
                    Board(
                        name=row["name"], short_name=row["short_name"], purpose=row.get("purpose", ""),
                        terms_of_reference=row.get("terms_of_reference", ""),
                        meeting_frequency=row.get("meeting_frequency", ""),
                        reports_to=self.boards[row["reports_to"]] if row.get("reports_to") else None,
                    ),
                    channel=CHANNEL,
                    m2m={"objectives": objectives,
                         "programmes": [self.programmes[p] for p in row.get("programmes", [])]},
                ),
            )
            for member in row.get("members", []):
                board, person = self.boards[short_name], self.person(member["person"])
                self._existing_or(
                    "board members",
                    BoardMembership.objects.filter(board=board, person=person).first(),
                    lambda board=board, person=person, member=member: record_save(
                        BoardMembership(board=board, person=person, role=member["role"]), channel=CHANNEL
                    ),
                )
        for row in data["meetings"]:
            board = self.boards[row["board"]]
            self._existing_or(
                "meetings",
                Meeting.objects.filter(board=board, title=row["title"]).first(),
                lambda row=row, board=board: record_save(
                    Meeting(board=board, title=row["title"], date=self.shift.iso(row["date"]),
                            updates_due_by=self.shift.iso(row.get("updates_due_by"))),
                    channel=CHANNEL,
                ),
            )

    def load_assurance(self) -> None:
        sources = {}
        for order, row in enumerate(self.programme_data["assurance_sources"], start=1):
            sources[row["name"]] = self._existing_or(
                "sources of assurance",
                AssuranceSource.objects.filter(name=row["name"]).first(),
                lambda row=row, order=order: record_save(
                    AssuranceSource(name=row["name"], description=row["description"], order=order),
                    channel=CHANNEL,
                ),
            )
        projects = [
            o for (p, _), o in self.objectives.items() if p == self.improvement and o.kind == ObjectiveKind.PROJECT
        ]
        for row in read_csv("asc_improvement_programme_assurance.csv"):
            objective = project_named(row["Project"], projects)
            for name, source in sources.items():
                if row.get(name, "").strip().lower() != "yes":
                    continue
                self._existing_or(
                    "assurance cells",
                    Assurance.objects.filter(objective=objective, source=source).first(),
                    lambda objective=objective, source=source: record_save(
                        Assurance(objective=objective, source=source), channel=CHANNEL
                    ),
                )

    def load_measures(self) -> None:
        for row in read_json("demo_measures.json")["measures"]:
            programme = self.programmes[row["programme"]]
            if "owner_from_action" in row:
                owner = self.action(row["programme"], row["owner_from_action"]).responsible
            else:
                owner = self.person(row["owner"])
            measure = self._existing_or(
                "measures",
                Measure.objects.filter(programme=programme, reference=row["reference"]).first(),
                lambda row=row, programme=programme, owner=owner: record_save(
                    Measure(
                        programme=programme, reference=row["reference"], title=row["title"], unit=row["unit"],
                        frequency=row["frequency"], polarity=row["polarity"], data_only=row["data_only"],
                        owner=owner, description=row.get("description", ""),
                    ),
                    channel=CHANNEL,
                    m2m={"objectives": [self.objectives[(row["programme"], ref)] for ref in row["objectives"]]},
                ),
            )
            for target in row.get("targets", []):
                period = self.periods[target["period"]]
                self._existing_or(
                    "measure targets",
                    MeasureTarget.objects.filter(measure=measure, period=period).first(),
                    lambda target=target, measure=measure, period=period: record_save(
                        MeasureTarget(measure=measure, period=period, value=Decimal(target["value"]),
                                      text=target.get("text", "")),
                        channel=CHANNEL,
                    ),
                )
            for value in row.get("values", []):
                period = self.periods[value["period"]]
                self._existing_or(
                    "measure values",
                    MeasureValue.objects.filter(measure=measure, period=period).first(),
                    lambda value=value, measure=measure, period=period: measure_record_value(
                        measure=measure, period=period, value=Decimal(value["value"]),
                        note=value.get("note", ""), channel=CHANNEL,
                    ).value,
                )

    def load_risks(self) -> None:
        for row in read_json("demo_risks.json")["risks"]:
            programme = self.programmes[row["programme"]]
            actions = [self.action(row["programme"], ref) for ref in row.get("mitigating_actions", [])]
            self._existing_or(
                "risks",
                Risk.objects.filter(programme=programme, reference=row["reference"]).first(),
                lambda row=row, programme=programme, actions=actions: record_save(
                    Risk(
                        programme=programme, objective=self.objectives[(row["programme"], row["objective"])],
                        reference=row["reference"], title=row["title"], description=row["description"],
                        owner=self.person(row["owner"]), mitigation=row["mitigation"],
                        inherent_likelihood=row["inherent"][0], inherent_impact=row["inherent"][1],
                        current_likelihood=row["current"][0], current_impact=row["current"][1],
                        target_likelihood=row["target"][0], target_impact=row["target"][1],
                        review_date=self.shift.iso(row["review_date"]),
                    ),
                    channel=CHANNEL,
                    m2m={"mitigating_actions": actions},
                ),
            )


def project_named(name: str, projects: list[Objective]) -> Objective:
    """The assurance matrix shortens some project names ("TOM L1 (customer information & digital)")."""
    name = name.strip()
    exact = [p for p in projects if p.title == name]
    matches = exact or [p for p in projects if p.title.startswith(name)]
    if len(matches) != 1:
        raise ValueError(f"The assurance matrix names {name!r}, which matches {len(matches)} projects.")
    return matches[0]


# ---------------------------------------------------------------- demo logins


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    person: str = ""  # the Person the login is linked to, if any


DEMO_USERS = (
    DemoUser("officer", OFFICER, "Sam", "Clarke", person="Sam Clarke"),
    DemoUser("manager", PROGRAMME_MANAGER, "Jo", "Bennett", person="Jo Bennett"),
    DemoUser("leadership", LEADERSHIP, "Demo", "Director"),
    DemoUser("admin", ADMIN, "Demo", "Administrator"),
    DemoUser("clerk", CLERK, "Demo", "Clerk"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    person: str
    created: bool
    is_staff: bool


def create_demo_users(*, password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    """One login per role, all with the same (printed, not secret) password. Idempotent.

    Running it again resets each demo user's password, role and flags, so the printed
    logins always work. Only the admin may use the Django admin site.
    """
    User = get_user_model()
    groups = ensure_role_groups()
    logins = []
    with transaction.atomic():
        for demo in DEMO_USERS:
            user = User.objects.filter(username=demo.username).first()
            created = user is None
            if created:
                user = User(username=demo.username)
            user.first_name, user.last_name = demo.first_name, demo.last_name
            user.email = f"{demo.username}@example.gov.uk"
            user.is_staff = user.is_superuser = demo.role == ADMIN
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.set([groups[demo.role]])
            if created:
                audit_record(instance=user, action="created", channel=CHANNEL)
            if demo.person:
                _link_person(user, demo.person)
            logins.append(DemoLogin(demo.username, demo.role, password, demo.person, created, user.is_staff))
    return logins


def _link_person(user, name: str) -> None:
    person = Person.objects.filter(name=name).first() or person_create(name=name, channel=CHANNEL)
    if person.user_id == user.pk:
        return
    for previous in Person.objects.filter(user=user).exclude(pk=person.pk):
        previous.user = None
        record_save(previous, channel=CHANNEL)
    person.user = user
    record_save(person, channel=CHANNEL)
