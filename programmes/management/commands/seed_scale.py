from datetime import date

from django.core.management.base import BaseCommand, CommandError

from programmes.scale import ScaleRefused, ScaleSpec, build_scale


class Command(BaseCommand):
    help = (
        "Fill an EMPTY database with a large, realistic, deterministic data set for benchmarks "
        "(same arguments, same data). Refuses to run on a database that already has programmes."
    )

    def add_arguments(self, parser):
        defaults = ScaleSpec()
        for name in ("programmes", "objectives", "actions", "updates", "measures", "periods", "risks", "people",
                     "seed"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
        parser.add_argument("--today", help="Shape the data around this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as error:
            raise CommandError(f"--today must be a date like 2026-11-23, not {options['today']!r}.") from error
        spec = ScaleSpec(today=today, **{k: options[k] for k in (
            "programmes", "objectives", "actions", "updates", "measures", "periods", "risks", "people", "seed")})
        verbose = options["verbosity"] > 1

        def progress(step, seconds):
            if verbose:
                self.stdout.write(f"  {step}: {seconds:.1f} s")

        try:
            report = build_scale(spec, progress=progress)
        except ScaleRefused as error:
            raise CommandError(str(error)) from error
        width = max(len(name) for name in report.counts)
        for name, count in report.counts.items():
            self.stdout.write(f"{name:<{width}}  {count:>8,}")
        self.stdout.write(self.style.SUCCESS(f"Seeded the scale data set (seed {spec.seed}) in "
                                             f"{report.seconds:.1f} s."))
