from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from governance.rounds.services import send_due


class Command(BaseCommand):
    help = ("Send every open update round's digests and reminders due today, each once (what Celery beat "
            "does daily). --dry-run lists who would be sent what, and sends nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; send nothing.")
        parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD: act as on this day.")

    def handle(self, *args, dry_run, today, **options):
        results = send_due(today or timezone.localdate(), dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        if not results:
            self.stdout.write("No update round has anything due today.")
        for result in results:
            names = ", ".join(result.sent) or "nobody"
            self.stdout.write(f"{result.round.title} ({result.stage}): {verb} {len(result.sent)} digest(s) to "
                              f"{names}; {result.already} already sent.")
