import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from actionplans.rollup import compute_trees, tree_as_dict
from programmes import rules
from programmes.models import Programme


class Command(BaseCommand):
    help = "Show the rolled-up percent and RAG of programmes, for today or any past date."

    def add_arguments(self, parser):
        parser.add_argument("programmes", nargs="*", help="Short names, names or ids; all when none given.")
        parser.add_argument("--as-at", dest="as_at", help="Compute for this date (YYYY-MM-DD).")
        parser.add_argument("--explain", metavar="REF", help="Explain how one figure was made.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        as_at = self._parse_date(options["as_at"]) if options["as_at"] else None
        ids = self._programme_ids(options["programmes"]) if options["programmes"] else None
        trees = compute_trees(ids, as_at=as_at, with_people=True)
        if options["explain"]:
            return self._explain(trees, options["explain"], options["format"])
        if options["format"] == "json":
            self.stdout.write(json.dumps([tree_as_dict(t) for t in trees], indent=2))
            return
        for tree in trees:
            self.stdout.write(f"As at {rules.uk_date(tree.as_at)}")
            self._write_text(tree, tree.result, 0)

    def _parse_date(self, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"--as-at must be a date like 2024-06-30, not {value!r}.") from error

    def _programme_ids(self, names):
        ids = []
        for name in names:
            match = Q(short_name__iexact=name) | Q(name__iexact=name)
            if name.isdigit():
                match |= Q(pk=int(name))
            found = list(Programme.objects.filter(match).values_list("pk", flat=True))
            if not found:
                raise CommandError(f"No programme called {name!r}. Try one of: {self._known()}")
            ids.extend(found)
        return ids

    def _known(self) -> str:
        return ", ".join(Programme.objects.values_list("short_name", flat=True)) or "(none yet)"

    def _write_text(self, tree, result, depth):
        info = tree.info[result.key]
        percent = rules.display_percent(result.percent)
        shown = "–" if percent is None else f"{percent}%"
        due = f"  due {rules.uk_date(info.due)}" if info.due else ""
        owners = f"  ({', '.join(info.owners)})" if info.owners else ""
        self.stdout.write(f"{'  ' * depth}{result.ref:<12} {shown:>5} {result.rag.value:<6} {info.title}{due}{owners}")
        for child in getattr(result, "children", ()):
            self._write_text(tree, child, depth + 1)

    def _explain(self, trees, ref, fmt):
        for tree in trees:
            for result in rules.iter_results(tree.result):
                if result.ref.lower() != ref.lower():
                    continue
                explanation = getattr(result, "explanation", None)
                if fmt == "json":
                    payload = explanation.as_dict() if explanation else {"ref": result.ref, "reason": result.reason}
                    self.stdout.write(json.dumps(payload, indent=2, default=str))
                else:
                    self.stdout.write(explanation.as_text() if explanation else f"{result.ref}: {result.reason}")
                return
        raise CommandError(f"No objective or action with reference {ref!r} in the programmes shown.")
