"""A large, realistic and deterministic data set for benchmarks (`manage.py seed_scale`).

Same arguments, same data: every choice comes from a `random.Random` seeded from the seed and
the name of the step, and nothing depends on database ids or row order. It is a synthetic
generator, so it writes with bulk_create and skips the per-record services (and their audit);
one `refresh_programmes()` at the end makes the stored figures true.
"""

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actionplans.models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate
from governance.models import Board, BoardMembership, Risk
from programmes.models import ReportingPeriod

from .choices import (
    Frequency,
    MeasureUnit,
    ObjectiveKind,
    OrgUnitKind,
    PercentMethod,
    Polarity,
    RagPolicy,
    Status,
    ToleranceKind,
)
from .models import Objective, OrgUnit, Person, Programme
from .roles import OFFICER, ensure_role_groups
from .rollup import refresh_programmes

BATCH = 5000
USERNAME_PREFIX = "scale."


class ScaleRefused(Exception):
    """The database is not empty, or the arguments cannot make a data set."""


@dataclass(frozen=True)
class ScaleSpec:
    programmes: int = 50
    objectives: int = 500
    actions: int = 10_000
    updates: int = 100_000
    measures: int = 1000
    periods: int = 60  # monthly periods, ending with the current financial year
    risks: int = 2000
    people: int = 500
    seed: int = 42
    today: date | None = None  # the day the data is shaped around; today when not given

    def check(self) -> None:
        for name in ("programmes", "objectives", "people", "periods"):
            if getattr(self, name) < 1:
                raise ScaleRefused(f"--{name} must be at least 1.")
        for name in ("actions", "updates", "measures", "risks"):
            if getattr(self, name) < 0:
                raise ScaleRefused(f"--{name} cannot be negative.")
        if self.objectives < self.programmes:
            raise ScaleRefused("Give at least one objective per programme (--objectives >= --programmes).")
        if self.today and self.today > timezone.localdate():
            raise ScaleRefused("--today cannot be in the future: progress updates are never dated ahead.")


@dataclass
class ScaleReport:
    counts: dict = field(default_factory=dict)
    step_seconds: dict = field(default_factory=dict)
    seconds: float = 0.0


def build_scale(spec: ScaleSpec, *, progress=None) -> ScaleReport:
    """Build the whole data set in one transaction; `progress(step, seconds)` is told after each step."""
    spec.check()
    today = spec.today or timezone.localdate()
    refuse_unless_empty()
    report = ScaleReport()
    started = time.perf_counter()

    def step(name, fn, *args):
        t0 = time.perf_counter()
        result = fn(*args)
        report.step_seconds[name] = time.perf_counter() - t0
        if progress:
            progress(name, report.step_seconds[name])
        return result

    with transaction.atomic():
        periods = step("periods", build_periods, spec, today)
        people = step("people", build_people, spec)
        org_units = step("org units", build_org_units)
        programmes = step("programmes", build_programmes, spec, today, people)
        objectives = step("objectives", build_objectives, spec, programmes, people, org_units)
        step("boards", build_boards, spec, programmes, objectives, people)
        actions = step("actions and progress updates", build_actions, spec, today, objectives, people)
        step("measures", build_measures, spec, programmes, objectives, people, periods)
        step("risks", build_risks, spec, today, programmes, objectives, people, actions)
        step("roll-up refresh", refresh_programmes)
    report.seconds = time.perf_counter() - started
    report.counts = scale_counts()
    return report


def refuse_unless_empty() -> None:
    existing = Programme.objects.count()
    if existing:
        raise ScaleRefused(
            f"The database already has {existing} programme{'s' if existing != 1 else ''}: seed_scale only "
            "runs on an empty database, so that its figures mean the same every time. Point DATABASE_URL "
            "at a fresh database (make bench creates its own) and run it again."
        )
    if get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).exists():
        raise ScaleRefused(
            f"The database already has accounts named {USERNAME_PREFIX}*, left by an earlier seed_scale. "
            "Use a fresh database."
        )


def scale_counts() -> dict:
    return {
        "people": Person.objects.count(),
        "user accounts": get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).count(),
        "programmes": Programme.objects.count(),
        "objectives": Objective.objects.count(),
        "actions": Action.objects.count(),
        "milestones": Action.objects.filter(is_milestone=True).count(),
        "progress updates": ProgressUpdate.objects.count(),
        "monthly periods": ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH).count(),
        "quarters and years": ReportingPeriod.objects.exclude(kind=ReportingPeriod.Kind.MONTH).count(),
        "measures": Measure.objects.count(),
        "measure targets": MeasureTarget.objects.count(),
        "measure values": MeasureValue.objects.count(),
        "risks": Risk.objects.count(),
        "boards": Board.objects.count(),
    }


def _rng(spec: ScaleSpec, step: str) -> random.Random:
    # One stream per step: changing how risks are made does not change the actions.
    return random.Random(f"{spec.seed}:{step}")


def _bulk(model, objects, batch_size=BATCH):
    return model.objects.bulk_create(objects, batch_size=batch_size)


# ---------------------------------------------------------------- dates and periods


def financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def financial_year_name(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return _add_months(day, 1) - timedelta(days=1)


def period_rows(months: int, today: date) -> list[dict]:
    """`months` monthly periods ending with the current financial year, plus their quarters and years."""
    last_month = _add_months(financial_year_start(today), 11)
    rows, quarters, years = [], {}, {}
    for back in range(months - 1, -1, -1):
        start = _add_months(last_month, -back)
        fy_start = financial_year_start(start)
        fy = financial_year_name(fy_start.year)
        number = (start.year - fy_start.year) * 12 + start.month - fy_start.month + 1
        quarter = (number - 1) // 3 + 1
        rows.append(dict(name=f"{fy} M{number:02d}", kind=ReportingPeriod.Kind.MONTH, financial_year=fy,
                         quarter=quarter, start=start, end=_month_end(start)))
        q_start = _add_months(fy_start, (quarter - 1) * 3)
        quarters[f"{fy} Q{quarter}"] = dict(kind=ReportingPeriod.Kind.QUARTER, financial_year=fy,
                                            quarter=quarter, start=q_start, end=_month_end(_add_months(q_start, 2)))
        years[fy] = dict(kind=ReportingPeriod.Kind.YEAR, financial_year=fy, quarter=None, start=fy_start,
                         end=_month_end(_add_months(fy_start, 11)))
    rows += [dict(name=name, **row) for name, row in quarters.items()]
    rows += [dict(name=name, **row) for name, row in years.items()]
    return rows


def build_periods(spec: ScaleSpec, today: date) -> list[ReportingPeriod]:
    """Create the periods that do not exist yet; return the monthly ones, oldest first."""
    rows = period_rows(spec.periods, today)
    existing = set(ReportingPeriod.objects.filter(name__in=[r["name"] for r in rows]).values_list("name", flat=True))
    _bulk(ReportingPeriod, [ReportingPeriod(**r) for r in rows if r["name"] not in existing])
    months = [r["name"] for r in rows if r["kind"] == ReportingPeriod.Kind.MONTH]
    by_name = ReportingPeriod.objects.in_bulk(months, field_name="name")
    return [by_name[name] for name in months]


# ---------------------------------------------------------------- people and organisation

FIRST_NAMES = (
    "Aisha", "Alan", "Amira", "Andrew", "Bethan", "Carl", "Chloe", "Daniel", "Deepa", "Eleanor", "Emeka",
    "Fiona", "Gareth", "Grace", "Hannah", "Imran", "James", "Joanne", "Karen", "Kwame", "Laura", "Liam",
    "Mandeep", "Mark", "Megan", "Mohammed", "Nadia", "Niamh", "Oliver", "Owen", "Priya", "Rachel", "Rhys",
    "Sam", "Sarah", "Sean", "Tom", "Uzma", "Yusuf", "Zoe",
)
LAST_NAMES = (
    "Ahmed", "Bailey", "Begum", "Bennett", "Campbell", "Clarke", "Davies", "Edwards", "Evans", "Fraser",
    "Green", "Hall", "Hughes", "Hussain", "Jackson", "Jones", "Kaur", "Khan", "Lewis", "Lloyd", "Morgan",
    "Murphy", "Nowak", "Okafor", "Owen", "Patel", "Price", "Roberts", "Robinson", "Scott", "Shah", "Singh",
    "Smith", "Taylor", "Thomas", "Walker", "Ward", "Williams", "Wilson", "Wright",
)
JOB_TITLES = (
    "Service manager", "Head of service", "Team manager", "Project manager", "Programme manager",
    "Assistant director", "Director", "Commissioning manager", "Performance officer", "Business partner",
    "Principal social worker", "Policy officer", "Practice lead", "Operations manager",
)
GROUPS = ("SMT", "DMT", "InLAWS Group", "Commissioning team", "Performance team", "Finance business partners",
          "Workforce development team", "Digital team")


def build_people(spec: ScaleSpec) -> list[Person]:
    """People, a few groups among them, and an officer account for about one in five."""
    rng = _rng(spec, "people")
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    n_groups = min(len(GROUPS), spec.people // 50)
    people = [Person(name=g, is_group=True, job_title="Group") for g in GROUPS[:n_groups]]
    for i in range(spec.people - n_groups):
        first, last = names[i % len(names)]
        suffix = f" {i // len(names) + 1}" if i >= len(names) else ""
        people.append(Person(
            name=f"{first} {last}{suffix}", job_title=rng.choice(JOB_TITLES), initials=f"{first[0]}{last[0]}",
            email=f"{first}.{last}{suffix.strip()}@example.gov.uk".lower(),
        ))
    User = get_user_model()
    with_accounts = [p for p in people if not p.is_group and rng.random() < 0.2]
    users = _bulk(User, [
        User(username=f"{USERNAME_PREFIX}{p.email.split('@')[0]}", email=p.email, first_name=p.name.split()[0],
             last_name=p.name.split()[1], password="!seed_scale")  # "!" marks an unusable password
        for p in with_accounts
    ])
    for person, user in zip(with_accounts, users, strict=True):
        person.user = user
    officer_group = ensure_role_groups()[OFFICER]
    _bulk(User.groups.through, [User.groups.through(user_id=u.pk, group_id=officer_group.pk) for u in users])
    return _bulk(Person, people)


DIRECTORATES = {
    "Adults and health": ("Adult social care", "Public health", "Commissioning", "Safeguarding adults"),
    "Children and families": ("Children's social care", "Education", "Early help", "SEND"),
    "Place": ("Housing", "Environment", "Regeneration", "Highways"),
    "Resources": ("Finance", "Digital", "Human resources", "Customer services"),
}


def build_org_units() -> list[OrgUnit]:
    directorates = _bulk(OrgUnit, [OrgUnit(name=n, kind=OrgUnitKind.DIRECTORATE) for n in DIRECTORATES])
    services = [
        OrgUnit(name=service, kind=OrgUnitKind.SERVICE, parent=directorate)
        for directorate, names in zip(directorates, DIRECTORATES.values(), strict=True)
        for service in names
    ]
    return _bulk(OrgUnit, services)


def _officers(people: list[Person]) -> list[Person]:
    return [p for p in people if not p.is_group]


# ---------------------------------------------------------------- programmes and objectives

AREAS = (
    ("ASC", "Adult social care improvement programme"), ("CSC", "Children's services improvement plan"),
    ("HSG", "Housing services action plan"), ("ENV", "Climate and environment action plan"),
    ("REG", "Town centre regeneration programme"), ("PH", "Public health plan"),
    ("DIG", "Digital transformation programme"), ("WFD", "Workforce development action plan"),
    ("FIN", "Financial sustainability programme"), ("CP", "Council plan action plan"),
    ("EDU", "Education and skills plan"), ("CUS", "Customer services improvement plan"),
)
PERCENT_METHODS = ((PercentMethod.MEAN_OF_CHILDREN, 85), (PercentMethod.MEAN_OF_DESCENDANT_ACTIONS, 7),
                   (PercentMethod.SHARE_COMPLETED, 5), (PercentMethod.MANUAL, 3))
RAG_POLICIES = ((RagPolicy.PROPORTION, 80), (RagPolicy.WORST, 12), (RagPolicy.MAJORITY, 8))


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def build_programmes(spec: ScaleSpec, today: date, people: list[Person]) -> list[Programme]:
    rng = _rng(spec, "programmes")
    officers = _officers(people)
    fy_start = financial_year_start(today)
    fy_end = date(fy_start.year + 1, 3, 31)
    programmes = []
    for i in range(spec.programmes):
        code, title = AREAS[i % len(AREAS)]
        phase = i // len(AREAS) + 1
        start = fy_start if rng.random() < 0.7 else date(fy_start.year - 1, 4, 1)
        programmes.append(Programme(
            name=f"{title} {financial_year_name(fy_start.year)}" + (f", phase {phase}" if phase > 1 else ""),
            short_name=f"{code}{i + 1:02d}",
            description="A synthetic programme made by seed_scale for benchmarks.",
            start_date=start,
            end_date=fy_end if rng.random() < 0.8 else date(fy_end.year + 1, 3, 31),
            owner=rng.choice(officers),
            percent_method=_weighted(rng, PERCENT_METHODS),
            rag_policy=_weighted(rng, RAG_POLICIES),
        ))
    programmes = _bulk(Programme, programmes)
    through = Programme.managers.through
    _bulk(through, [through(programme_id=p.pk, person_id=m.pk)
                    for p in programmes for m in rng.sample(officers, min(len(officers), rng.randint(1, 2)))])
    return programmes


THEMES = (
    "Prevention and early help", "Quality and safeguarding", "Workforce", "Financial sustainability",
    "Digital and data", "Partnerships and integration", "Customer experience", "Independence at home",
    "Commissioning and market shaping", "Governance and assurance", "Climate and environment",
    "Inclusive economy",
)
OBJECTIVE_TITLES = (
    "Reduce waiting lists for assessments", "Improve the quality of care plans", "Recruit and retain social workers",
    "Deliver the savings plan", "Move case recording to the new system", "Join up hospital discharge",
    "Answer more calls at first contact", "Increase the use of reablement", "Review the home care framework",
    "Embed the quality assurance framework", "Cut carbon emissions from council buildings",
    "Support local businesses to grow", "Improve school attendance", "Reduce the use of temporary accommodation",
    "Strengthen the voice of people who use services", "Make annual reviews happen on time",
)
PROJECT_TITLES = (
    "Front door redesign", "Carers' strategy refresh", "Practice framework", "Direct payments review",
    "Telecare roll-out", "Data quality sprint", "Training needs analysis", "Market position statement",
    "Supervision audit", "Contact centre telephony",
)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` split into `parts` counts of at least one each, unevenly."""
    counts = [1] * parts
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    for index in rng.choices(range(parts), weights, k=total - parts):
        counts[index] += 1
    return counts


@dataclass
class _Node:
    objective: Objective
    level: int
    children: int = 0
    actions: int = 0
    milestones: int = 0


def build_objectives(spec, programmes, people, org_units) -> list[_Node]:
    """Per programme about ten objectives: themes, objectives under them, and in half the programmes a
    third level of projects. Saved level by level so that parents have ids."""
    rng = _rng(spec, "objectives")
    officers = _officers(people)
    nodes: list[_Node] = []
    for programme, count in zip(programmes, _split(rng, spec.objectives, len(programmes)), strict=True):
        themes = 1 if count < 2 else max(1, min(count - 1, round(count / 4)))
        three_levels = rng.random() < 0.5
        tops = [_Node(Objective(programme=programme, reference=f"{programme.short_name}.{t + 1}", order=t,
                                title=rng.choice(THEMES), kind=ObjectiveKind.THEME), 1) for t in range(themes)]
        level_two: list[_Node] = []
        programme_nodes = list(tops)
        for _ in range(count - themes):
            if three_levels and level_two and rng.random() < 0.35:
                parent, level, kind, titles = rng.choice(level_two), 3, ObjectiveKind.PROJECT, PROJECT_TITLES
            else:
                parent, level = rng.choice(tops), 2
                kind = rng.choice((ObjectiveKind.OBJECTIVE, ObjectiveKind.OBJECTIVE, ObjectiveKind.WORKSTREAM))
                titles = OBJECTIVE_TITLES
            parent.children += 1
            node = _Node(Objective(programme=programme, parent=parent.objective, order=parent.children,
                                   reference=f"{parent.objective.reference}.{parent.children}",
                                   title=rng.choice(titles), kind=kind), level)
            if level == 2:
                level_two.append(node)
            programme_nodes.append(node)
        manual = programme.percent_method == PercentMethod.MANUAL
        for node in programme_nodes:
            o = node.objective
            o.owner = rng.choice(officers)
            o.weight = Decimal(2) if rng.random() < 0.1 else Decimal(1)
            o.due_date = programme.end_date
            if manual and rng.random() < 0.7:
                o.manual_percent = Decimal(rng.randint(0, 100))
        nodes.extend(programme_nodes)
    for level in (1, 2, 3):
        batch = [n.objective for n in nodes if n.level == level]
        for o in batch:
            o.parent_id = o.parent.pk if o.parent else None  # the parent got its id one level up
        _bulk(Objective, batch)
    leads = Objective.leads.through
    _bulk(leads, [leads(objective_id=n.objective.pk, person_id=rng.choice(officers).pk)
                  for n in nodes if rng.random() < 0.3])
    units = Objective.org_units.through
    _bulk(units, [units(objective_id=n.objective.pk, orgunit_id=rng.choice(org_units).pk)
                  for n in nodes if n.level == 1])
    return nodes


def build_boards(spec, programmes, nodes, people) -> list[Board]:
    """One board per programme overseeing its themes, with a chair, a deputy and members."""
    rng = _rng(spec, "boards")
    officers = _officers(people)
    boards = _bulk(Board, [
        Board(name=f"{p.name} board", short_name=f"{p.short_name}B", meeting_frequency="Monthly",
              purpose="Oversees delivery of the programme and its risks.")
        for p in programmes
    ])
    memberships, board_programmes, board_objectives = [], [], []
    themes = defaultdict(list)
    for n in nodes:
        if n.level == 1:
            themes[n.objective.programme_id].append(n.objective.pk)
    roles = [BoardMembership.Role.CHAIR, BoardMembership.Role.DEPUTY_CHAIR] + [BoardMembership.Role.MEMBER] * 4
    for board, programme in zip(boards, programmes, strict=True):
        members = rng.sample(officers, min(len(officers), len(roles)))
        memberships += [BoardMembership(board=board, person=m, role=r) for m, r in zip(members, roles, strict=False)]
        board_programmes.append(Board.programmes.through(board_id=board.pk, programme_id=programme.pk))
        board_objectives += [Board.objectives.through(board_id=board.pk, objective_id=o) for o in themes[programme.pk]]
    _bulk(BoardMembership, memberships)
    _bulk(Board.programmes.through, board_programmes)
    _bulk(Board.objectives.through, board_objectives)
    return boards


# ---------------------------------------------------------------- actions and their history

VERBS = ("Review", "Agree", "Deliver", "Launch", "Embed", "Procure", "Consult on", "Pilot", "Evaluate",
         "Publish", "Implement", "Train staff on", "Refresh", "Map", "Recommission")
SUBJECTS = ("the carers' strategy", "the front door model", "the practice framework", "direct payments policy",
            "the quality assurance audit cycle", "the new case management system", "the market position statement",
            "the workforce plan", "the hospital discharge pathway", "the annual review backlog plan",
            "the complaints process", "the performance dashboard", "the safeguarding training offer",
            "the housing allocations policy", "the fees and charges review", "the supervision policy")
COMMENTARY = {
    Status.NOT_STARTED: ("Not started yet: waiting for the project manager to be appointed.",
                         "Planned to start next quarter."),
    Status.IN_PROGRESS: ("Work is under way and on plan.", "Draft shared with the DMT for comment.",
                         "Delayed by staff vacancies; recovery plan agreed.", "Consultation closed; analysing responses.",
                         "Procurement under way; tenders due back next month.", "Pilot running in two teams."),
    Status.COMPLETED: ("Completed and signed off by the board.", "Delivered; benefits now being tracked."),
    Status.ON_HOLD: ("On hold pending the budget decision.", "Paused while the service restructure completes."),
    Status.CANCELLED: ("Cancelled: superseded by the new operating model.",),
    Status.DEFERRED: ("Deferred to next year's plan by the board.",),
}
DECLARED_REASONS = ("The officer expects to recover the slippage by the next board.",
                    "Dependency on the new IT system puts the date at risk.",
                    "Funding confirmed, so delivery is more certain than the dates suggest.")


@dataclass(slots=True)
class _ActionPlan:
    """The action's fields and the history that leads to its current state."""

    action: Action
    history: list  # (effective_date, percent, status) oldest first
    final_status: str
    final_percent: int
    declared_rag: str = ""
    update_weight: float = 0.0


def _final_state(rng: random.Random, *, today: date, start, due, milestone: bool) -> tuple[str, int]:
    """Where the action stands today, in realistic proportions for the point reached in the year."""
    r = rng.random()
    if r < 0.03:
        status = Status.CANCELLED
    elif r < 0.06:
        status = Status.DEFERRED
    elif r < 0.10:
        status = Status.ON_HOLD
    elif start and start > today:
        return Status.NOT_STARTED, 0
    elif due and due < today:
        status = Status.COMPLETED if rng.random() < 0.88 else Status.IN_PROGRESS
        if status == Status.IN_PROGRESS:  # late
            return status, (0 if milestone else rng.randint(40, 95))
    elif due and start:
        if rng.random() < 0.05:
            return Status.NOT_STARTED, 0
        expected = (today - start).days / max(1, (due - start).days) * 100
        if expected > 60 and rng.random() < 0.1:
            return Status.COMPLETED, 100
        percent = max(0, min(99, round(expected * rng.gauss(1.02, 0.2))))
        return Status.IN_PROGRESS, (0 if milestone else percent)
    else:
        return Status.IN_PROGRESS, (0 if milestone else rng.randint(10, 90))
    if status == Status.COMPLETED:
        return status, 100
    return status, (0 if milestone else rng.randint(0, 60))


def _plan_action(rng, *, node: _Node, today: date, officers) -> _ActionPlan:
    fy_start = financial_year_start(today)
    milestone = rng.random() < 0.1
    due = None if rng.random() < 0.03 else fy_start + timedelta(days=rng.randint(0, 364))
    start = None
    if rng.random() < 0.9:
        latest_start = due or today
        start = max(fy_start - timedelta(days=90), latest_start - timedelta(days=rng.randint(30, 300)))
    revised = due + timedelta(days=rng.randint(14, 120)) if due and rng.random() < 0.08 else None
    if milestone:
        node.milestones += 1
        reference = f"{node.objective.reference}.M{node.milestones:02d}"
    else:
        node.actions += 1
        reference = f"{node.objective.reference}.A{node.actions:02d}"
    action = Action(
        programme_id=node.objective.programme_id, objective=node.objective, reference=reference,
        title=f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}", responsible=rng.choice(officers),
        start_date=start, due_date=due, revised_due_date=revised, due_note="" if due else "Ongoing",
        is_milestone=milestone, weight=Decimal(2) if rng.random() < 0.05 else Decimal(1),
        order=node.actions + node.milestones,
    )
    status, percent = _final_state(rng, today=today, start=start, due=revised or due, milestone=milestone)
    plan = _ActionPlan(action=action, history=[], final_status=status, final_percent=percent)
    if status == Status.NOT_STARTED:
        plan.update_weight = 0.0 if start and start > today else 0.2
    else:
        first = start or fy_start
        plan.update_weight = rng.uniform(0.5, 1.5) * max(1.0, (today - first).days / 30)
    if status not in (Status.NOT_STARTED, Status.CANCELLED, Status.DEFERRED) and rng.random() < 0.11:
        plan.declared_rag = "blue" if status == Status.COMPLETED else rng.choice(("green", "green", "amber", "red"))
    return plan


def _history(rng, plan: _ActionPlan, n: int, today: date) -> list:
    """n updates, dated between the start and the last update, with percent rising to the final one."""
    a = plan.action
    fy_start = financial_year_start(today)
    first = min(a.start_date or fy_start, today)
    due = a.revised_due_date or a.due_date
    if plan.final_status == Status.COMPLETED and due:
        last = due + timedelta(days=rng.randint(-20, 10))
    elif rng.random() < 0.2:  # not updated this period: shows as stale
        last = today - timedelta(days=rng.randint(50, 120))
    else:
        last = today - timedelta(days=rng.randint(0, 40))
    last = max(first, min(today, last))
    days = (last - first).days + 1
    offsets = sorted(rng.sample(range(days), n) if days >= n else rng.choices(range(days), k=n))
    offsets[-1] = days - 1
    offsets.sort()
    final, milestone = plan.final_percent, a.is_milestone
    ceiling = 100 if plan.final_status == Status.COMPLETED else final
    steps = sorted(0 if milestone else rng.randint(0, max(0, ceiling - 1)) for _ in range(n - 1))
    history = []
    for offset, percent in zip(offsets[:-1], steps, strict=True):
        status = Status.IN_PROGRESS if percent > 0 or rng.random() < 0.5 else Status.NOT_STARTED
        history.append((first + timedelta(days=offset), percent, status))
    history.append((first + timedelta(days=offsets[-1]), final, plan.final_status))
    return history


def build_actions(spec, today, nodes, people) -> list[Action]:
    """Actions on the leaf objectives, their progress history, and the current state from the latest update."""
    rng = _rng(spec, "actions")
    officers = _officers(people)
    leaves = [n for n in nodes if n.children == 0]
    leaf_weights = [rng.uniform(0.5, 1.5) for _ in leaves]
    plans = [_plan_action(rng, node=node, today=today, officers=officers)
             for node in rng.choices(leaves, leaf_weights, k=spec.actions)]

    counts = _update_counts(rng, plans, spec.updates)
    for plan, n in zip(plans, counts, strict=True):
        a = plan.action
        if n == 0:
            plan.final_status, plan.final_percent, plan.declared_rag = Status.NOT_STARTED, 0, ""
            continue
        plan.history = _history(rng, plan, n, today)
        a.last_updated_on, a.percent, a.status = plan.history[-1]
        if plan.declared_rag:
            a.declared_rag, a.declared_rag_reason = plan.declared_rag, rng.choice(DECLARED_REASONS)
    actions = _bulk(Action, [p.action for p in plans], batch_size=2000)

    delegates = Action.delegates.through
    _bulk(delegates, [delegates(action_id=a.pk, person_id=rng.choice(officers).pk)
                      for a in actions if rng.random() < 0.15])
    _save_updates(rng, plans)
    return actions


def _update_counts(rng, plans, total: int) -> list[int]:
    """Exactly `total` updates: one for every action that has begun, the rest where there is more to say."""
    weights = [p.update_weight for p in plans]
    if not plans or total == 0:
        return [0] * len(plans)
    if not any(weights):
        weights = [1.0] * len(plans)
    counts = [1 if w > 0 else 0 for w in weights]
    if sum(counts) > total:
        counts = [0] * len(plans)
    for index, extra in Counter(rng.choices(range(len(plans)), weights, k=total - sum(counts))).items():
        counts[index] += extra
    return counts


def _save_updates(rng, plans) -> None:
    batch = []
    for plan in plans:
        a = plan.action
        author = a.responsible
        for i, (day, percent, status) in enumerate(plan.history):
            latest = i == len(plan.history) - 1
            batch.append(ProgressUpdate(
                action_id=a.pk, author_id=author.user_id, author_name=author.name, effective_date=day,
                percent=percent, status=status, commentary=f"<p>{rng.choice(COMMENTARY[status])}</p>",
                declared_rag=a.declared_rag if latest else "",
                declared_rag_reason=a.declared_rag_reason if latest else "",
                channel="import" if rng.random() < 0.15 else "browser",
            ))
            if len(batch) >= BATCH:
                _bulk(ProgressUpdate, batch)
                batch = []
    _bulk(ProgressUpdate, batch)


# ---------------------------------------------------------------- measures and risks

MEASURE_TITLES = {
    MeasureUnit.PERCENTAGE: ("Contacts resolved at first contact", "Reviews completed on time",
                             "People still at home 91 days after reablement", "Staff turnover",
                             "Invoices paid within 30 days", "Calls answered within 60 seconds"),
    MeasureUnit.NUMBER: ("Referrals received", "People waiting for an assessment", "Households in temporary "
                         "accommodation", "Safeguarding concerns", "Complaints received"),
    MeasureUnit.CURRENCY: ("Savings delivered", "Overspend against budget", "Income from fees and charges"),
    MeasureUnit.DAYS: ("Average days from referral to assessment", "Average sickness days per employee",
                       "Days to process a housing benefit claim"),
    MeasureUnit.RATIO: ("Social workers per 10,000 population", "Agency to permanent staff ratio"),
}
UNIT_LEVELS = {MeasureUnit.PERCENTAGE: (40, 95), MeasureUnit.NUMBER: (50, 5000),
               MeasureUnit.CURRENCY: (10_000, 1_000_000), MeasureUnit.DAYS: (5, 60), MeasureUnit.RATIO: (0.5, 3)}
POLARITIES = ((Polarity.HIGHER_IS_BETTER, 50), (Polarity.LOWER_IS_BETTER, 35), (Polarity.WITHIN_BAND, 15))


def _four(value: float) -> Decimal:
    return Decimal(f"{value:.4f}")


def build_measures(spec, programmes, nodes, people, periods) -> list[Measure]:
    """Monthly measures with a target and a value for every monthly period, mixed polarity."""
    rng = _rng(spec, "measures")
    officers = _officers(people)
    objectives_by_programme = defaultdict(list)
    for n in nodes:
        objectives_by_programme[n.objective.programme_id].append(n.objective)
    measures, shapes = [], []
    for i in range(spec.measures):
        unit = rng.choice(tuple(MEASURE_TITLES))
        polarity = _weighted(rng, POLARITIES)
        programme = rng.choice(programmes) if rng.random() < 0.85 else None
        measures.append(Measure(
            programme=programme, reference=f"KPI{i + 1:04d}", title=rng.choice(MEASURE_TITLES[unit]),
            unit=unit, polarity=polarity, frequency=Frequency.MONTHLY,
            tolerance=Decimal(10) if rng.random() < 0.85 else Decimal(5),
            tolerance_kind=ToleranceKind.PERCENT if rng.random() < 0.9 else ToleranceKind.ABSOLUTE,
            amber_if_improving=rng.random() < 0.15, owner=rng.choice(officers),
        ))
        shapes.append((rng.uniform(*UNIT_LEVELS[unit]), polarity, unit == MeasureUnit.PERCENTAGE))
    measures = _bulk(Measure, measures)
    links = Measure.objectives.through
    _bulk(links, [links(measure_id=m.pk, objective_id=rng.choice(objectives_by_programme[m.programme_id]).pk)
                  for m in measures if m.programme_id])

    targets, values = [], []
    for measure, (level, polarity, capped) in zip(measures, shapes, strict=True):
        improving = rng.uniform(-0.01, 0.03)  # per month, in the good direction
        for month, period in enumerate(periods):
            target = level * (1 + 0.01 * (month // 12))
            drift = improving * month if polarity == Polarity.HIGHER_IS_BETTER else -improving * month
            value = max(0.0, target * (1 + drift * 0.1 + rng.gauss(0, 0.08)))
            if capped:
                target, value = min(target, 100.0), min(value, 100.0)
            if polarity == Polarity.LOWER_IS_BETTER:
                target = target * 0.95
            row = MeasureTarget(measure=measure, period=period, value=_four(target))
            if polarity == Polarity.WITHIN_BAND:
                row.band_low, row.band_high = _four(target * 0.9), _four(target * 1.1)
            elif rng.random() < 0.02:
                row.value, row.text = None, "TBC"
            targets.append(row)
            values.append(MeasureValue(measure=measure, period=period, value=_four(value)))
        if len(targets) >= BATCH:
            _bulk(MeasureTarget, targets)
            _bulk(MeasureValue, values)
            targets, values = [], []
    _bulk(MeasureTarget, targets)
    _bulk(MeasureValue, values)
    return measures


RISK_TITLES = ("Failure to recruit enough social workers", "Provider market failure", "Overspend on placements",
               "Cyber attack on case management systems", "Delay to the new IT system", "Legal challenge to the "
               "consultation", "Loss of key staff", "Rising demand from hospital discharges",
               "Inflation in contract prices", "Data protection breach", "Regulator finds services inadequate")


def build_risks(spec, today, programmes, nodes, people, actions) -> list[Risk]:
    rng = _rng(spec, "risks")
    officers = _officers(people)
    objectives_by_programme = defaultdict(list)
    for n in nodes:
        objectives_by_programme[n.objective.programme_id].append(n.objective)
    actions_by_programme = defaultdict(list)
    for a in actions:
        actions_by_programme[a.programme_id].append(a)
    numbers = Counter()
    risks = []
    for _ in range(spec.risks):
        programme = rng.choice(programmes)
        numbers[programme.pk] += 1
        il, ii = rng.randint(2, 5), rng.randint(2, 5)
        cl, ci = rng.randint(1, il), rng.randint(1, ii)
        risks.append(Risk(
            programme=programme, reference=f"{programme.short_name}.R{numbers[programme.pk]:02d}",
            objective=rng.choice(objectives_by_programme[programme.pk]) if rng.random() < 0.7 else None,
            title=rng.choice(RISK_TITLES), owner=rng.choice(officers),
            inherent_likelihood=il, inherent_impact=ii, current_likelihood=cl, current_impact=ci,
            target_likelihood=rng.randint(1, cl), target_impact=rng.randint(1, ci),
            review_date=today + timedelta(days=rng.randint(-60, 120)),
            status=Risk.Status.OPEN if rng.random() < 0.9 else Risk.Status.CLOSED,
            mitigation="Monthly monitoring at the programme board; recovery plan where needed.",
        ))
    risks = _bulk(Risk, risks)
    through = Risk.mitigating_actions.through
    _bulk(through, [through(risk_id=r.pk, action_id=rng.choice(actions_by_programme[r.programme_id]).pk)
                    for r in risks if actions_by_programme[r.programme_id] and rng.random() < 0.3])
    return risks
