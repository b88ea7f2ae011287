"""factory-boy factories for every model. They write with the ORM; service tests call services."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from actionplans.models import Action, Measure, MeasureTarget, MeasureValue, ProgressUpdate
from governance.models import (
    Assurance,
    AssuranceSource,
    Board,
    BoardMembership,
    Meeting,
    Risk,
    RiskReview,
    RoundMessage,
    UpdateRound,
)
from programmes.choices import ObjectiveKind, OrgUnitKind, Status
from programmes.models import (
    AuditEntry,
    FiguresVersion,
    ImportMapping,
    ImportRun,
    Objective,
    OrgUnit,
    Person,
    Programme,
    ReportingPeriod,
)
from programmes.roles import ensure_role_groups

# Quarters of the UK financial year 2024/25: Q1 is April to June.
QUARTERS_2024_25 = {
    1: (date(2024, 4, 1), date(2024, 6, 30)),
    2: (date(2024, 7, 1), date(2024, 9, 30)),
    3: (date(2024, 10, 1), date(2024, 12, 31)),
    4: (date(2025, 1, 1), date(2025, 3, 31)),
}
Q1_BOARD_MEETING = date(2024, 7, 18)


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(role=roles.OFFICER)` puts the user in that role's group."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Officer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.uk")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(ensure_role_groups()[extracted])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Officer {n}")
    job_title = "Service manager"
    initials = factory.Sequence(lambda n: f"O{n}")


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Service {n}")
    kind = OrgUnitKind.SERVICE


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Adult social care action plan {n}")
    short_name = factory.Sequence(lambda n: f"ASC{n}")
    start_date = date(2024, 4, 1)
    end_date = date(2025, 3, 31)
    owner = factory.SubFactory(PersonFactory)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    programme = factory.SubFactory(ProgrammeFactory)
    parent = None
    reference = factory.Sequence(lambda n: f"OBJ{n:04d}")
    title = factory.Sequence(lambda n: f"Objective {n}")
    kind = ObjectiveKind.OBJECTIVE
    owner = factory.SubFactory(PersonFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    programme = factory.LazyAttribute(lambda a: a.objective.programme)
    reference = factory.Sequence(lambda n: f"ACT{n:04d}")
    title = factory.Sequence(lambda n: f"Action {n}")
    responsible = factory.SubFactory(PersonFactory)
    start_date = date(2024, 4, 1)
    due_date = date(2025, 3, 31)
    status = Status.IN_PROGRESS
    percent = 25


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    author_name = "Sam Officer"
    effective_date = date(2024, 6, 30)
    percent = 50
    status = Status.IN_PROGRESS
    commentary = "<p>On track.</p>"


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    """A quarter of 2024/25; the sequence keeps names unique however many are made."""

    class Meta:
        model = ReportingPeriod

    kind = ReportingPeriod.Kind.QUARTER
    financial_year = "2024/25"
    quarter = factory.Sequence(lambda n: n % 4 + 1)
    name = factory.LazyAttributeSequence(lambda p, n: f"2024/25 Q{p.quarter} ({n})")
    start = factory.LazyAttribute(lambda p: QUARTERS_2024_25[p.quarter][0])
    end = factory.LazyAttribute(lambda p: QUARTERS_2024_25[p.quarter][1])


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"KPI{n:04d}")
    title = factory.Sequence(lambda n: f"Contacts resolved at first contact {n}")
    owner = factory.SubFactory(PersonFactory)


class MeasureTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureTarget

    measure = factory.SubFactory(MeasureFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    value = Decimal("75")


class MeasureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureValue

    measure = factory.SubFactory(MeasureFactory)
    period = factory.SubFactory(ReportingPeriodFactory)
    value = Decimal("72.5")


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Change board {n}")
    short_name = factory.Sequence(lambda n: f"CB{n}")
    meeting_frequency = "Every 8 weeks"


class BoardMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMembership

    board = factory.SubFactory(BoardFactory)
    person = factory.SubFactory(PersonFactory)
    role = BoardMembership.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    date = Q1_BOARD_MEETING
    updates_due_by = factory.LazyAttribute(lambda m: m.date - timedelta(days=14))
    title = "Quarter 1 review"


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    programme = factory.SubFactory(ProgrammeFactory)
    reference = factory.Sequence(lambda n: f"R{n:04d}")
    title = factory.Sequence(lambda n: f"Not enough social workers {n}")
    owner = factory.SubFactory(PersonFactory)
    review_date = date(2024, 9, 30)


class RiskReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskReview

    risk = factory.SubFactory(RiskFactory)
    reviewed_on = date(2024, 6, 30)
    owner = factory.SelfAttribute("risk.owner")
    inherent_likelihood = 4
    inherent_impact = 4
    current_likelihood = 3
    current_impact = 4
    target_likelihood = 2
    target_impact = 2
    review_date = date(2024, 9, 30)
    note = "Reviewed at the quarter's end."


class AssuranceSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssuranceSource

    name = factory.Sequence(lambda n: f"CQC peer review {n}")


class AssuranceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assurance

    objective = factory.SubFactory(ObjectiveFactory)
    source = factory.SubFactory(AssuranceSourceFactory)


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    user = factory.SubFactory(UserFactory)
    channel = AuditEntry.Channel.BROWSER
    action = "updated"
    model = "actionplans.action"
    object_id = factory.Sequence(str)
    object_repr = factory.Sequence(lambda n: f"ACT{n:04d} Action {n}")


class FiguresVersionFactory(factory.django.DjangoModelFactory):
    """Only the admin's tests make these by hand: the database's triggers keep the real ones."""

    class Meta:
        model = FiguresVersion

    programme_id = factory.Sequence(lambda n: 1_000_000 + n)
    version = factory.Sequence(lambda n: n + 1)


class ImportMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportMapping

    programme = factory.SubFactory(ProgrammeFactory)
    sheet_key = factory.Sequence(lambda n: f"sheet-{n}")
    mapping = factory.LazyFunction(lambda: {"Ref.": "ref"})


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    programme = factory.SubFactory(ProgrammeFactory)
    created_by = factory.SubFactory(UserFactory)
    file_name = factory.Sequence(lambda n: f"plan-{n}.csv")
    data = b"Ref.,Name\nA1,Objective\n"
    file_size = 23


class UpdateRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpdateRound

    title = factory.Sequence(lambda n: f"Quarter {n % 4 + 1} updates")
    cut_off = date(2024, 9, 20)


class RoundMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundMessage

    round = factory.SubFactory(UpdateRoundFactory)
    person = factory.SubFactory(PersonFactory)
    stage = "opening"
    to = "officer@council.example"
    subject = "Updates are due by 20 September 2024: Quarter 3 updates"
