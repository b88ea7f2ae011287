from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from governance.retention import retention_apply
from programmes.audit import Channel
from programmes.rules import uk_date


class Command(BaseCommand):
    help = ("Apply the retention schedule (what Celery beat does nightly): pseudonymise the people who left "
            "longer ago than RETENTION_LEFT_PEOPLE_DAYS, and forget old import files, failed sign-ins' "
            "addresses, sign-in logs and expired sessions. --dry-run says what it would do, and does nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done; change nothing.")
        parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD: act as on this day.")

    def handle(self, *args, dry_run, today, **options):
        run = retention_apply(today=today or timezone.localdate(), dry_run=dry_run, channel=Channel.COMMAND)
        cut = uk_date(run.left_on_or_before)
        if not run.due:
            self.stdout.write(f"Nobody who left on or before {cut} is still named.")
        if dry_run:
            for _pk, name, left_on in run.due:
                self.stdout.write(f"Would pseudonymise {name} (left {uk_date(left_on)}).")
        # Only the pseudonym: what is printed may be kept in a log.
        for done in run.pseudonymised:
            self.stdout.write(f"Pseudonymised person {done.person_id} (left {uk_date(done.left_on)}) as "
                              f"{done.pseudonym}; {done.audit_entries_redacted} audit entries redacted.")
        verb = "Would forget" if dry_run else "Forgot"
        self.stdout.write(f"{verb} {run.import_files} import file(s), the addresses of {run.sign_in_addresses} "
                          f"failed sign-in(s), {run.sign_in_logs} sign-in log row(s) and {run.sessions} expired "
                          "session(s).")
