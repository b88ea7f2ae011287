"""Import a council's spreadsheet into a programme, through the same service as the browser.

    python manage.py import_plan PATH --programme NAME [--create] [--dry-run]
        [--format text|json] [--as-at YYYY-MM-DD] [--user USERNAME] [--start-date YYYY-MM-DD]
        [--objective-name NAME] [--merge "AS WRITTEN=USE INSTEAD" ...]

Exit status 0 when the file was imported (or the dry run is clean), 1 when nothing was written
because of errors. `--format json` prints one object (governance/imports/summary.py).
"""

import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from governance.imports.issues import Issue
from governance.imports.service import ImportResult, import_commit, import_preview
from governance.imports.summary import summary_text
from programmes.audit import Channel, audit_upload
from programmes.models import Programme


class Command(BaseCommand):
    help = "Import objectives, actions, measures and risks from a CSV or Excel file into a programme."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .csv or .xlsx file.")
        parser.add_argument("--programme", required=True, help="The programme's name or short name.")
        parser.add_argument("--create", action="store_true", help="Create the programme if there is none.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--as-at", type=date.fromisoformat, default=None,
                            help="Date of the progress updates, YYYY-MM-DD (default today).")
        parser.add_argument("--user", default=None, help="Username recorded in the audit trail.")
        parser.add_argument("--start-date", type=date.fromisoformat, default=None,
                            help="The programme's start date (default: its own, else 1 April of the as-at "
                                 "date's financial year).")
        parser.add_argument("--objective-name", default="",
                            help="A flat plan: the name of the one objective its actions sit under.")
        parser.add_argument("--merge", action="append", default=[], metavar="WRITTEN=NAME",
                            help="Treat a likely duplicate as one person, e.g. \"Pete Kelleher=Peter Kelleher\".")

    def handle(self, *args, path, programme, create, dry_run, format, as_at, user, start_date=None,
               objective_name="", merge=(), **options):
        file = Path(path)
        if not file.is_file():
            refused = self.refused(file.name, f"There is no file at {path}.", dry_run, as_at)
            return self.finish(refused, format)
        found = find_programme(programme)
        if found is None and not create:
            message = (f"There is no programme called “{programme}”. Check the name, or add --create to "
                       "create it.")
            return self.finish(self.refused(file.name, message, dry_run, as_at), format)
        choices = {"people": dict(pair.split("=", 1) for pair in merge if "=" in pair)}
        if start_date:
            choices["start_date"] = start_date.isoformat()
        if objective_name:
            choices["objective_title"] = objective_name
        options = dict(data=file.read_bytes(), file_name=file.name, programme=found,
                       new_programme_name="" if found else programme, as_at=as_at, options=choices)
        by = find_user(user)
        if dry_run:
            result = import_preview(**options)
        else:
            result = import_commit(by=by, **options)
        # A file read from the command line is an upload like the browser's: in the trail, with what became of it.
        outcome = ("imported" if result.committed else "checked, not imported (dry run)" if dry_run and result.ok
                   else f"not imported: {len(result.errors)} error{'s' if len(result.errors) != 1 else ''}")
        audit_upload(by=by, channel=Channel.COMMAND, file_name=file.name, data=options["data"], outcome=outcome)
        return self.finish(result, format)

    def refused(self, file_name: str, message: str, dry_run: bool, as_at) -> ImportResult:
        from django.utils import timezone

        return ImportResult(ok=False, dry_run=dry_run, file_name=file_name, file_size=0,
                            as_at=as_at or timezone.localdate(), failure=[Issue("", None, "", message)])

    def finish(self, result: ImportResult, format: str) -> None:
        summary = result.summary()
        if format == "json":
            self.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(summary_text(summary))
        if not result.ok:
            self.stdout.flush()
            raise SystemExit(1)


def find_programme(name: str) -> Programme | None:
    return Programme.objects.filter(Q(short_name__iexact=name) | Q(name__iexact=name)).order_by("pk").first()


def find_user(username: str | None):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"There is no user called “{username}”.") from None
