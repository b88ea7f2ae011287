from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from dashboards.snapshots import Channel, snapshot_take
from programmes.models import Programme


class Command(BaseCommand):
    help = ("Freeze what a committee sees of a programme for a date: every report, figure, colour, "
            "commentary and the rule settings. Prints the snapshot's id, for export_report --snapshot ID. "
            "For example: snapshot_take --programme ASC-AP-2425 --as-at 2024-06-30 --label 'Q1 to Cabinet'")

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="The programme's name or short name.")
        parser.add_argument("--as-at", type=date.fromisoformat, help="YYYY-MM-DD; today when left out.")
        parser.add_argument("--label", required=True, help="What the snapshot is for, e.g. 'Q1 report to Cabinet'.")

    def handle(self, *args, programme, as_at, label, **options):
        found = list(Programme.objects.filter(Q(name__iexact=programme) | Q(short_name__iexact=programme))
                     .values_list("pk", flat=True)[:2])
        if len(found) != 1:
            raise CommandError(f"There is no programme called {programme!r}: give its name or short name."
                               if not found else f"More than one programme is called {programme!r}: give its "
                                                 "short name.")
        try:
            snapshot = snapshot_take(programme_id=found[0], as_at=as_at or timezone.localdate(), label=label,
                                     channel=Channel.COMMAND)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(str(snapshot.pk))
