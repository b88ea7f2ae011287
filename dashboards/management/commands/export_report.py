from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from dashboards.models import Snapshot
from dashboards.reports.files import FORMATS, report_file
from dashboards.reports.model import ACTION_PLAN, KIND_TITLES
from dashboards.reports.pdf import fewer_collections
from dashboards.reports.report import ESTATE_KINDS, build_report
from dashboards.snapshots import snapshot_report
from programmes.audit import Channel, audit_download
from programmes.models import Objective, Programme


class Command(BaseCommand):
    help = (
        "Write a committee report to a file: the same report, figures and words as the Reports page, "
        "for any as-at date. For example: export_report --programme ASC-AP-2425 --kind action-plan "
        "--format docx --as-at 2024-06-30 --output q1.docx. --all-programmes instead of --programme reports on "
        "every programme (action plan, exceptions and movement)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--programme", help="The programme's name or short name.")
        which.add_argument("--all-programmes", action="store_true", help="Every programme in one report.")
        which.add_argument("--snapshot", type=int, help="A snapshot's id (snapshot_take prints it): the report as "
                                                        "it was frozen, whatever changed since.")
        parser.add_argument("--kind", choices=list(KIND_TITLES), default=ACTION_PLAN, help="Which report.")
        parser.add_argument("--format", choices=list(FORMATS), required=True, dest="file_format")
        parser.add_argument("--as-at", type=date.fromisoformat, help="YYYY-MM-DD; today when left out.")
        parser.add_argument("--compare", type=date.fromisoformat,
                            help="YYYY-MM-DD, for the movement report: the earlier date (by default the end "
                                 "of the reporting period before the as-at date).")
        parser.add_argument("--objective", help="An objective's reference: the report covers it and what sits under it.")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args, programme, all_programmes, snapshot, kind, file_format, as_at, compare, objective,
               output, **options):
        if snapshot is not None:
            if as_at or compare or objective:
                raise CommandError("A snapshot has its own date: leave out --as-at, --compare and --objective.")
            frozen = Snapshot.objects.filter(pk=snapshot).first()
            if frozen is None:
                raise CommandError(f"There is no snapshot {snapshot}.")
            self._write(snapshot_report(frozen, kind), file_format, output, model="dashboards.snapshot",
                        object_id=frozen.pk)
            return
        if all_programmes:
            if kind not in ESTATE_KINDS:
                raise CommandError(f"A {KIND_TITLES[kind].lower()} is of one programme: give --programme.")
            if objective:
                raise CommandError("--objective needs --programme: objectives belong to one programme.")
            found = [None]
        else:
            found = list(Programme.objects.filter(Q(name__iexact=programme) | Q(short_name__iexact=programme))
                         .values_list("pk", flat=True)[:2])
        if not found:
            raise CommandError(f"There is no programme called {programme!r}: give its name or short name.")
        if len(found) > 1:
            raise CommandError(f"More than one programme is called {programme!r}: give its short name.")
        today = timezone.localdate()
        if as_at and as_at > today:
            raise CommandError("The as-at date must be today or in the past.")
        if compare and compare >= (as_at or today):
            raise CommandError("The date to compare with must be before the as-at date.")
        objective_id = None
        if objective:
            objective_id = Objective.objects.filter(programme_id=found[0], reference__iexact=objective).values_list(
                "pk", flat=True).first()
            if objective_id is None:
                raise CommandError(f"The programme has no objective {objective!r}.")
        with fewer_collections():  # as the background runs make them (reports.runs)
            report = build_report(kind, found[0], as_at=as_at or today, user=None, compare=compare,
                                  objective_id=objective_id)
        if report is None:
            raise CommandError("There is nothing to report: no programme has been set up.")
        self._write(report, file_format, output, model="programmes.programme" if found[0] else "",
                    object_id=found[0] or "")

    def _write(self, report, file_format, output, *, model, object_id):
        path = Path(output)
        path.write_bytes(report_file(report, file_format))
        # An export by the command line is a download like any other: in the trail, without a person.
        audit_download(by=None, channel=Channel.COMMAND, what=report.title, file_format=file_format,
                       file_name=path.name, model=model, object_id=object_id, programme=report.programme)
        counts = "; ".join(f"{section.title}: {len(section.rows)}" for section in report.sections)
        self.stdout.write(f"Wrote {report.title} for {report.programme} as at {report.as_at_shown} "
                          f"({len(report.rows)} rows. {counts}) to {path}")
