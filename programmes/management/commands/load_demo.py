from django.core.management.base import BaseCommand

from programmes.demo import REPORT_DATE, load_demo
from programmes.rules import uk_date


class Command(BaseCommand):
    help = (
        "Load the demo data set: the adult social care action plan 2024/25 at its quarter 1 report "
        "(30 June 2024) and the whole service improvement programme, phase 3, with their boards, "
        "assurance matrix, reporting periods, measures and risks. Idempotent: running it again adds "
        "only what is missing, and keeps the dates the demo was first loaded with."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--shift-dates",
            action="store_true",
            help=(
                "Move every date (start, end, due, update, review, meeting and period dates) by the "
                "same number of days so that the report date, 30 June 2024, falls on today. Reporting "
                "periods keep the papers' names with the dates they now cover, e.g. "
                '"2024/25 Q1 (25 August 2026 to 23 November 2026)"; their financial year and quarter '
                "fields stay as the papers have them. Only applies when the demo is not loaded yet."
            ),
        )

    def handle(self, *args, **options):
        report = load_demo(shift_dates=options["shift_dates"])
        if options["verbosity"] == 0:
            return
        rows = report.rows()
        width = max(len(label) for label, _, _ in rows)
        self.stdout.write(f"{'':<{width}}  {'added':>6}  {'already there':>13}")
        for label, created, existing in rows:
            self.stdout.write(f"{label:<{width}}  {created:>6}  {existing:>13}")
        if report.already_loaded and options["shift_dates"] and report.shift.days == 0:
            self.stdout.write(self.style.WARNING(
                "The demo was already loaded with the papers' own dates, so --shift-dates changed nothing."
            ))
        if report.shift.days:
            self.stdout.write(f"Dates are moved by {report.shift.days} days: the report date "
                              f"{uk_date(REPORT_DATE)} is {uk_date(report.report_date)}.")
        else:
            self.stdout.write(f"Dates are as in the papers: the report date is {uk_date(REPORT_DATE)}.")
        added = sum(created for _, created, _ in rows)
        message = f"Added {added} records." if added else "The demo data set was already loaded: nothing added."
        self.stdout.write(self.style.SUCCESS(message))
