"""`make bench`: build the scale data set in a scratch PostgreSQL database, run every benchmark,
and write the figures to bench.json (one flat object) and bench.txt (a table with the targets).

    python -m tests.bench.run [--only rollup] [--reuse-db] [--small]

The database is BENCH_DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/actionplans_bench;
it is dropped and created again, so its name must contain "bench". A missed target is reported,
not failed: the exit status is non-zero only when seeding or a benchmark crashes.
"""

import argparse
import importlib
import io
import json
import os
import platform
import random
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# One line per benchmark module; each exposes run(context) -> dict of figures.
BENCHES = [
    "tests.bench.bench_rollup",
    "tests.bench.bench_save",
    "tests.bench.bench_dashboards",
    "tests.bench.bench_import",
    "tests.bench.bench_reports",
    "tests.bench.bench_governance",
    "tests.bench.bench_rush",
]


@dataclass(frozen=True)
class Target:
    limit: float
    text: str

    def met(self, value) -> bool:
        return value <= self.limit


# Figure name -> the most it may be. A figure without a target is reported as it is.
TARGETS = {
    "rollup_full_recompute_s": Target(1.0, "<= 1 s"),
    "rollup_refresh_p95_ms": Target(20, "<= 20 ms"),
    "rollup_refresh_queries": Target(10, "<= 10"),
    "save_server_p95_ms": Target(50, "<= 50 ms"),
    "dashboards_portfolio_p95_ms": Target(150, "<= 150 ms"),
    "dashboards_programme_page_p95_ms": Target(300, "<= 300 ms"),
    "dashboards_portfolio_after_save_ms": Target(150, "<= 150 ms (the first portfolio request after a save)"),
    "import_preview_s": Target(10, "<= 10 s"),
    "import_commit_s": Target(10, "<= 10 s"),
    "import_commit_share_of_import_export": Target(0.25, "<= 0.25 (4 times faster)"),
    "import_peak_memory_mb": Target(300, "<= 300 MB (10,000 actions, preview and commit)"),
    "import_wide_sheet_peak_memory_mb": Target(300, "<= 300 MB (6,000 rows using column XFD)"),
    "reports_docx_programme_s": Target(3, "<= 3 s (250 actions)"),
    "reports_pdf_programme_s": Target(5, "<= 5 s (250 actions)"),
    "reports_xlsx_estate_s": Target(3, "<= 3 s (10,000 actions)"),
    "reports_movement_estate_s": Target(2, "<= 2 s"),
    "reports_peak_memory_mb": Target(300, "<= 300 MB"),
    "governance_snapshot_s": Target(1, "<= 1 s (430 actions)"),
    "governance_board_pack_pdf_s": Target(10, "<= 10 s (3 programmes)"),
    "governance_digests_s": Target(10, "<= 10 s (500 officers)"),
    "rush_error_rate": Target(0, "0"),
    "rush_portfolio_p95_ms": Target(150, "<= 150 ms"),
    "rush_programme_p95_ms": Target(300, "<= 300 ms"),
    "rush_save_p95_ms": Target(100, "<= 100 ms"),
    "rush_lost_updates": Target(0, "0"),
    "rush_drift": Target(0, "0"),
}

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/actionplans_bench"
ROOT = Path(__file__).resolve().parents[2]
FULL_SCALE = dict(programmes=50, objectives=500, actions=10_000, updates=100_000, measures=1000, periods=60,
                  risks=2000, people=500, seed=42)
# A smoke run of the harness itself: its figures say nothing about the targets.
SMALL_SCALE = dict(programmes=3, objectives=12, actions=60, updates=300, measures=5, periods=6, risks=10,
                   people=40, seed=42)


@dataclass
class BenchContext:
    database_url: str
    seed: int
    scale: dict
    root: Path = ROOT
    small: bool = False
    workers: int | None = None  # gunicorn workers for page benches; None lets the bench choose
    notes: list = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """The same sequence every run, one per benchmark."""
        return random.Random(f"{self.seed}:bench:{name}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[],
                        help="Run only this benchmark (rollup, dashboards...); repeatable.")
    parser.add_argument("--reuse-db", action="store_true",
                        help="Keep the scratch database if it already holds the data set (faster reruns).")
    parser.add_argument("--small", action="store_true", help="A tiny data set, to check the harness runs.")
    args = parser.parse_args(argv)

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "config.settings.test")
    scale = SMALL_SCALE if args.small else FULL_SCALE
    benches = _selected(args.only)

    fresh = not (args.reuse_db and _database_exists(database_url))
    if fresh:
        _recreate_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    from programmes.models import Programme

    figures = {"machine_cpus": os.cpu_count() or 0}
    call_command("migrate", verbosity=0, interactive=False)
    if fresh or not Programme.objects.exists():
        print(f"Building the scale data set in {_database_name(database_url)}...", flush=True)
        out = io.StringIO()
        started = time.perf_counter()
        try:
            call_command("seed_scale", stdout=out, **scale)
        except Exception:
            traceback.print_exc()
            print("seed_scale crashed: no benchmark was run.", file=sys.stderr)
            return 1
        figures["seed_scale_s"] = time.perf_counter() - started
        print(out.getvalue(), flush=True)
    else:
        print(f"Reusing the data set already in {_database_name(database_url)}.", flush=True)

    context = BenchContext(database_url=database_url, seed=scale["seed"], scale=scale, small=args.small)
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) * 0.75:
        context.notes.append(f"The machine was busy when the benchmarks started (load average {load:.2f} on "
                             f"{os.cpu_count()} cores): wall-clock figures are inflated; compare the _cpu_ ones.")
    crashed = []
    for module_name in benches:
        short = module_name.rsplit(".", 1)[-1].removeprefix("bench_")
        print(f"Running {short}...", flush=True)
        started = time.perf_counter()
        try:
            result = importlib.import_module(module_name).run(context)
        except Exception:
            traceback.print_exc()
            crashed.append(short)
            print(f"{short} crashed after {time.perf_counter() - started:.0f} s.", file=sys.stderr, flush=True)
            continue
        figures.update(flatten(short, result, context.notes))
        print(f"{short} took {time.perf_counter() - started:.0f} s.", flush=True)

    figures = {k: round(v, 6) if isinstance(v, float) else v for k, v in figures.items()}
    ran = [m.rsplit(".", 1)[-1].removeprefix("bench_") for m in benches]
    table = render(figures, scale=scale, small=args.small, ran=ran, crashed=crashed, notes=context.notes)
    (ROOT / "bench.json").write_text(json.dumps(figures, indent=2) + "\n")
    (ROOT / "bench.txt").write_text(table)
    print(table)
    print(f"Wrote {ROOT / 'bench.json'} and {ROOT / 'bench.txt'}.")
    return 1 if crashed else 0


def _selected(only: list[str]) -> list[str]:
    if not only:
        return list(BENCHES)
    wanted = {name.removeprefix("bench_") for name in only}
    known = {m.rsplit(".", 1)[-1].removeprefix("bench_"): m for m in BENCHES}
    unknown = wanted - set(known)
    if unknown:
        raise SystemExit(f"No benchmark called {', '.join(sorted(unknown))}. Known: {', '.join(known)}.")
    return [known[name] for name in known if name in wanted]


def flatten(prefix: str, figures: dict, notes: list) -> dict:
    """Numbers only, one level, every name starting with the benchmark's name; text goes to the notes."""
    flat = {}
    for name, value in figures.items():
        key = name if name.startswith(f"{prefix}_") else f"{prefix}_{name}"
        if isinstance(value, dict):
            flat.update(flatten(key, value, notes))
        elif isinstance(value, bool):
            continue  # a bench's own pass/fail flag: the table judges from TARGETS
        elif isinstance(value, int | float):
            flat[key] = value
        elif value is not None and key != f"{prefix}_name":
            notes.append(f"{key}: {value}")
    return flat


# ---------------------------------------------------------------- the database


def _config(database_url: str) -> dict:
    import environ

    config = environ.Env.db_url_config(database_url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit("BENCH_DATABASE_URL must be a PostgreSQL database: the figures are for PostgreSQL.")
    if "bench" not in config["NAME"]:
        raise SystemExit(f"Refusing to drop {config['NAME']!r}: the bench database's name must contain 'bench'.")
    return config


def _database_name(database_url: str) -> str:
    return _config(database_url)["NAME"]


def _server(config: dict):
    import psycopg

    return psycopg.connect(host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
                           password=config["PASSWORD"] or None, dbname="postgres", autocommit=True)


def _database_exists(database_url: str) -> bool:
    config = _config(database_url)
    with _server(config) as server:
        return server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone() is not None


def _recreate_database(database_url: str) -> None:
    from psycopg import sql

    config = _config(database_url)
    name = sql.Identifier(config["NAME"])
    with _server(config) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        server.execute(sql.SQL("CREATE DATABASE {}").format(name))


# ---------------------------------------------------------------- the report


def _shown(name: str, value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if name.endswith("_ms"):
        return f"{value:.1f} ms"
    if name.endswith("_s"):
        return f"{value:.3f} s"
    return f"{value:.3g}"


def render(figures: dict, *, scale: dict, small: bool, ran: list, crashed: list, notes: list) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    lines = [
        f"Benchmarks, {datetime.now():%-d %B %Y %H:%M}",
        f"Machine: {os.cpu_count()} CPU cores, Python {platform.python_version()}, PostgreSQL {postgres}; "
        "load average at the end {:.2f} {:.2f} {:.2f} (1, 5, 15 min)".format(*os.getloadavg()),
        "Data set: " + ", ".join(f"{k} {v:,}" for k, v in scale.items()),
    ]
    if small:
        lines.append("SMALL data set (--small): the figures check the harness, not the targets.")
    lines.append("")
    width = max([len(n) for n in figures] + [10])
    lines.append(f"{'figure':<{width}}  {'value':>14}  {'target':>10}  result")
    for name, value in figures.items():
        target = TARGETS.get(name)
        verdict = ("PASS" if target.met(value) else "MISS") if target else ""
        lines.append(f"{name:<{width}}  {_shown(name, value):>14}  {target.text if target else '':>10}  {verdict}")
    missing = [name for name in TARGETS if name not in figures and any(name.startswith(f"{b}_") for b in ran)]
    if missing:
        lines += ["", "Targets with no figure this run: " + ", ".join(missing)]
    if crashed:
        lines += ["", "CRASHED: " + ", ".join(crashed) + " (see the traceback above)"]
    if notes:
        lines += ["", "Notes:"] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
