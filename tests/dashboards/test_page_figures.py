"""The counts on the pages are the engine's: a test reads the rendered portfolio, exceptions and risk
pages the way a reader would, and compares them with figures worked out here straight from the
engine's results (actionplans.rollup and programmes.rules), not from the dashboard selectors."""

import re
from collections import Counter
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplans.rollup import PROGRAMME, compute_tree, compute_trees
from programmes import rules
from programmes.choices import Status
from tests.dashboards.builders import JULY_15, council_plan
from tests.dashboards.pages import elements, engine_figures, figures
from tests.factories import ActionFactory, ObjectiveFactory, ProgrammeFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

OCTOBER_15 = date(2024, 10, 15)  # after the council plan's first due dates, in a new quarter
COLOURS = [rag.label for rag in rules.RAG_ORDER]  # Blue, Green, Amber, Red, Grey


# ---------------------------------------------------------------- reading a page


class Row:
    def __init__(self, attrs: dict):
        self.attrs = attrs
        self.text: list[str] = []
        self.items: list[str] = []  # the text of each list item in the row
        self.tables: list[dict[str, int]] = []  # each small RAG table in the row, header -> number


class RowReader(HTMLParser):
    """Every table row that carries data-ref, with its text, list items and small RAG tables.

    The small tables outside any such row (the portfolio's own distribution) are kept apart.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, Row] = {}
        self.outside: list[dict[str, int]] = []
        self._row: Row | None = None
        self._depth = 0  # rows open inside the current one (the small tables have rows too)
        self._table: tuple[list, list] | None = None  # (headers, numbers) of the small table open
        self._cell: list[str] | None = None
        self._item: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and self._row is None and "data-ref" in attrs:
            self._row, self._depth = Row(attrs), 1
            assert attrs["data-ref"] not in self.rows, f"{attrs['data-ref']} has two rows"
            self.rows[attrs["data-ref"]] = self._row
        elif tag == "tr" and self._row is not None:
            self._depth += 1
        elif tag == "table" and "dashboard-mini-table" in attrs.get("class", ""):
            self._table = ([], [])
        elif tag in ("th", "td") and self._table is not None:
            self._cell = []
        elif tag == "li" and self._row is not None:
            self._item = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            headers, numbers = self._table
            text = " ".join("".join(self._cell).split())
            (headers if tag == "th" else numbers).append(text)
            self._cell = None
        elif tag == "table" and self._table is not None:
            headers, numbers = self._table
            assert len(headers) == len(numbers), f"a RAG table with headers {headers} and numbers {numbers}"
            table = {header: int(number) for header, number in zip(headers, numbers, strict=True)}
            (self._row.tables if self._row is not None else self.outside).append(table)
            self._table = None
        elif tag == "li" and self._item is not None:
            self._row.items.append(" ".join("".join(self._item).split()))
            self._item = None
        elif tag == "tr" and self._row is not None:
            self._depth -= 1
            if not self._depth:
                self._row = None

    def handle_data(self, data):
        for buffer in (self._cell, self._item, self._row.text if self._row is not None else None):
            if buffer is not None:
                buffer.append(data)


def read_rows(html: str) -> RowReader:
    reader = RowReader()
    reader.feed(html)
    reader.close()
    return reader


def count_in(items: list[str], words: str) -> int:
    """The number in the list item that says "<n> <words>", exactly once."""
    [number] = [item.removesuffix(f" {words}") for item in items if item.endswith(f" {words}")]
    return int(number)


# ---------------------------------------------------------------- the engine's counts


def action_facts(node) -> dict:
    found = {}
    for child in node.children:
        if isinstance(child, rules.ActionFacts):
            found[child.key] = child
        else:
            found.update(action_facts(child))
    return found


def engine_counts(tree, as_at: date) -> dict:
    """A programme's actions by colour, overdue and not updated, from the engine's action results.

    Overdue is worked out from the facts: due before the date, not completed, not left out.
    """
    facts = action_facts(tree.facts)
    results = [r for r in rules.iter_results(tree.result) if isinstance(r, rules.ActionResult)]
    assert sorted(r.key for r in results) == sorted(facts)
    colours = Counter(r.rag.label for r in results)
    overdue = sum(
        1 for r in results
        if facts[r.key].due is not None and facts[r.key].due < as_at and not r.excluded
        and facts[r.key].status != rules.Status.COMPLETED
    )
    counts = {
        "distribution": {colour: colours[colour] for colour in COLOURS} | {"Total": len(results)},
        "overdue": overdue,
        "not updated": sum(r.stale for r in results),
    }
    # The programme's own distribution (every descendant action) agrees with its actions' colours.
    assert {rag.label: n for rag, n in tree.result.distribution.items()} == {c: colours[c] for c in COLOURS}
    return counts


def shown_counts(row: Row) -> dict:
    [distribution] = row.tables
    overdue, not_updated = count_in(row.items, "overdue"), count_in(row.items, "not updated")
    # The machine-readable counts on the row say what its text says.
    assert (int(row.attrs["data-overdue"]), int(row.attrs["data-not-updated"])) == (overdue, not_updated)
    return {"distribution": distribution, "overdue": overdue, "not updated": not_updated}


# ---------------------------------------------------------------- the portfolio


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def portfolio(today):
    """The council plan, a programme of today's actions in every state, and an empty programme."""
    council_plan()
    programme = ProgrammeFactory(short_name="HOU", name="Housing improvement plan",
                                 start_date=today - timedelta(days=200), end_date=today + timedelta(days=400))
    objective = ObjectiveFactory(programme=programme, reference="HOU1")

    def action(reference, *, due_in, percent, updated_days_ago=1, **fields):
        made = ActionFactory(objective=objective, reference=reference, start_date=today - timedelta(days=100),
                             due_date=today + timedelta(days=due_in), percent=percent,
                             last_updated_on=today - timedelta(days=updated_days_ago), **fields)
        ProgressUpdateFactory(action=made, percent=percent, status=made.status,
                              effective_date=today - timedelta(days=updated_days_ago))
        return made

    action("HOU1.A", due_in=100, percent=55)  # on schedule
    action("HOU1.B", due_in=100, percent=40)  # a little behind
    action("HOU1.C", due_in=100, percent=10, updated_days_ago=90)  # far behind, not updated
    action("HOU1.D", due_in=-10, percent=80)  # overdue
    action("HOU1.E", due_in=-20, percent=100, status=Status.COMPLETED)  # past due but done
    action("HOU1.F", due_in=-5, percent=30, status=Status.CANCELLED)  # past due but left out
    ActionFactory(objective=objective, reference="HOU1.G", start_date=today + timedelta(days=30),
                  due_date=today + timedelta(days=300), percent=0, last_updated_on=today)  # not started yet
    ProgrammeFactory(short_name="EMPTY", name="An empty programme")


@pytest.mark.parametrize("as_at", [None, OCTOBER_15], ids=["today", "past"])
def test_the_portfolio_shows_the_engines_counts_for_every_programme(director, portfolio, as_at, today):
    params = {"as_at": as_at.isoformat()} if as_at else {}
    page = read_rows(director.get(reverse("portfolio"), params).content.decode())

    on = as_at or today
    expected = {tree.result.ref: engine_counts(tree, on) for tree in compute_trees(as_at=on)}
    shown = {ref: shown_counts(row) for ref, row in page.rows.items()
             if row.attrs.get("data-kind") == "programme"}
    assert shown == expected
    assert set(shown) == {"ASC", "HOU", "EMPTY"}

    # The data makes every count matter: something overdue, not updated, and several colours.
    assert sum(c["overdue"] for c in expected.values()) > 0
    assert sum(c["not updated"] for c in expected.values()) > 0
    used = {colour for c in expected.values() for colour in COLOURS if c["distribution"][colour]}
    assert len(used) >= 3, used

    # The portfolio's own distribution is the sum over the programmes.
    [total] = page.outside
    assert total == {key: sum(c["distribution"][key] for c in expected.values()) for key in [*COLOURS, "Total"]}


def test_the_housing_programme_counts_are_the_ones_a_person_would_work_out(director, portfolio):
    """Worked by hand from the rules, so a wrong engine cannot agree with itself."""
    page = read_rows(director.get(reverse("portfolio")).content.decode())
    shown = shown_counts(page.rows["HOU"])

    assert shown["distribution"] == {"Blue": 1, "Green": 1, "Amber": 1, "Red": 2, "Grey": 2, "Total": 7}
    assert shown["overdue"] == 1  # HOU1.D; the completed and the cancelled ones are not
    assert shown["not updated"] == 1  # HOU1.C


# ---------------------------------------------------------------- exceptions as at a past date


def engine_exceptions(tree, as_at: date) -> dict[str, set[str]]:
    """Each objective and action that needs attention on the date, with why, from the engine's results."""
    facts = action_facts(tree.facts)
    found = {}
    for result in rules.iter_results(tree.result):
        if result.key[0] == PROGRAMME or getattr(result, "excluded", False):
            continue
        reasons = {rules.Rag.RED: {"Red"}, rules.Rag.AMBER: {"Amber"}}.get(result.rag, set())
        if isinstance(result, rules.ActionResult):
            fact = facts[result.key]
            if fact.due and fact.due < as_at and fact.status != rules.Status.COMPLETED:
                reasons.add("Overdue")
            if result.stale:
                reasons.add("Not updated")
            if result.declared_greener:
                reasons.add("Declared greener")
        if reasons:
            found[result.ref] = reasons
    return found


def listed_exceptions(html: str) -> dict[str, set[str]]:
    return {a["data-ref"]: set(a["data-reasons"].split(",")) for _, a in elements(html) if "data-reasons" in a}


def test_the_exceptions_page_lists_what_needed_attention_on_a_past_date(director):
    plan = council_plan()
    pk = plan.programme.pk
    html = director.get(reverse("exceptions"), {"as_at": "2024-07-15"}).content.decode()
    now = director.get(reverse("exceptions")).content.decode()

    then = listed_exceptions(html)
    assert then == engine_exceptions(compute_tree(pk, as_at=JULY_15), JULY_15)
    assert listed_exceptions(now) == engine_exceptions(compute_tree(pk), timezone.localdate())
    assert then != listed_exceptions(now)
    assert "ASC1.1.A" in then and "ASC1.1.A" not in listed_exceptions(now)  # completed since

    tree_then = engine_figures(compute_tree(pk, as_at=JULY_15))
    assert all(tree_then[key] == value for key, value in figures(html).items())
    assert 'data-as-at="2024-07-15"' in html and "Past date" in html
    programme_link = reverse("programme_dashboard", args=[pk]) + "?as_at=2024-07-15"
    assert f'href="{programme_link}"' in html


REASON_SLUGS = {"Red": "red", "Amber": "amber", "Overdue": "overdue", "Not updated": "not-updated",
                "Declared greener": "declared-greener"}


class _ReasonCounts(HTMLParser):
    """The number in each <li data-reason> at the top of the exceptions page."""

    def __init__(self):
        super().__init__()
        self.counts: dict[str, int] = {}
        self._reason = None

    def handle_starttag(self, tag, attrs):
        self._reason = dict(attrs).get("data-reason") if tag == "li" else self._reason

    def handle_data(self, data):
        if self._reason and data.strip():
            self.counts[self._reason] = int(data)
            self._reason = None


def reason_counts(html: str) -> dict[str, int]:
    reader = _ReasonCounts()
    reader.feed(html)
    return reader.counts


def test_the_reasons_counted_at_the_top_of_the_exceptions_page_are_for_the_past_date(director):
    plan = council_plan()
    html = director.get(reverse("exceptions"), {"as_at": "2024-07-15"}).content.decode()

    expected = Counter(reason for reasons in engine_exceptions(compute_tree(plan.programme.pk, as_at=JULY_15),
                                                               JULY_15).values() for reason in reasons)
    assert reason_counts(html) == {slug: expected[name] for name, slug in REASON_SLUGS.items()}
    assert reason_counts(html) != reason_counts(director.get(reverse("exceptions")).content.decode())


# ---------------------------------------------------------------- the risk list as at a past date


def test_the_risk_list_flags_a_review_as_overdue_only_after_its_date(director):
    plan = council_plan()  # R1 is due for review on 1 June 2024; R2 and R3 have no review date
    url = reverse("risk_list", args=[plan.programme.pk])

    before = read_rows(director.get(url, {"as_at": "2024-05-15"}).content.decode()).rows
    after_html = director.get(url, {"as_at": "2024-07-15"}).content.decode()
    after = read_rows(after_html).rows

    assert sorted(before) == sorted(after) == ["R1", "R2", "R3"]  # R4 is closed
    overdue_before = {ref for ref, row in before.items() if "Review overdue" in "".join(row.text)}
    overdue_after = {ref for ref, row in after.items() if "Review overdue" in "".join(row.text)}
    assert overdue_before == set()
    assert overdue_after == {"R1"}
    assert 'data-as-at="2024-07-15"' in after_html
    # Filtering keeps the date: it is one of the register's filters.
    for part, value in (("day", "15"), ("month", "0?7"), ("year", "2024")):  # GOV.UK's three boxes
        assert re.search(f'name="as_at-{part}" type="text" inputmode="numeric" value="{value}"', after_html)
