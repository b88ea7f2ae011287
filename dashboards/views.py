"""The leadership dashboards: portfolio, programme, objective drill-down, exceptions and risks.

Every figure is the rules engine's, computed for the as-at date in the URL (today when
there is none). Every view and every partial checks access itself: a partial can be
fetched on its own.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from actionplans.permissions import require_programme_reader
from programmes.periods import previous_period
from programmes.permissions import (
    can_read_everything,
    can_set_up_programme,
    require_reader,
    signed_in_and,
)
from programmes.roles import OFFICER, has_role
from programmes.selectors import change_history
from programmes.versions import FiguresVersions

from . import selectors
from .filters import AS_AT_PARAMS, FILTER_FIELDS, AsAtForm, as_at_from, filters_from

EXPLAINABLE = ("programme", "objective", "action")
CACHE_SECONDS = 600
EXCEPTIONS_PER_PROGRAMME = 10
INDENTATION = re.compile(r"\n\s+")


def home(request):
    """The start page for each role: officers their actions, everyone else the portfolio."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if has_role(request.user, OFFICER) and not can_read_everything(request.user):
        return redirect("my_actions")
    return redirect("portfolio")


# Signed-in leadership, programme managers, admins and clerks; 403 (logged) for everyone else.
reader_required = signed_in_and(require_reader)


def _signed_in(request) -> None:
    """Anyone signed in gets as far as the view, which decides per programme (require_programme_reader)."""


# A programme's own pages: readers of everything, and officers who own an action in the programme.
programme_reader_required = signed_in_and(_signed_in)


@dataclass
class AsAt:
    """The as-at date of a request, its selector form, and what every link must carry."""

    form: AsAtForm
    on: date
    chosen: bool
    periods: list
    version: FiguresVersions
    today: date

    @property
    def qs(self) -> str:
        return f"?as_at={self.on.isoformat()}" if self.chosen else ""

    @property
    def amp(self) -> str:
        return f"&as_at={self.on.isoformat()}" if self.chosen else ""


def _as_at(request) -> AsAt:
    today = timezone.localdate()
    version = selectors.data_version()
    periods = selectors.reporting_periods(version)
    form, on, chosen = as_at_from(request, periods=periods, today=today)
    return AsAt(form, on, chosen, periods, version, today)


def _kept_params(request, names=()) -> list[tuple[str, str]]:
    """The page's own query parameters, so changing the date keeps the filters."""
    return [(name, value) for name in names for value in request.GET.getlist(name)]


def _link(rows, as_at: AsAt, programme_id: int | None = None):
    """Give rows their URLs: programmes and objectives their dashboards, actions the action page."""
    for row in rows:
        if row.kind == "programme":
            row.url = reverse("programme_dashboard", args=[row.id]) + as_at.qs
        elif row.kind == "objective":
            row.url = reverse("objective_dashboard", args=[programme_id, row.id]) + as_at.qs
        else:
            row.url = reverse("action_detail", args=[row.id])
    return rows


def _content_key(name: str, key: tuple, as_at: AsAt, programme_ids=None) -> str:
    """Where rendered content is kept: per (name, key, as-at date, today, and the figures versions of the
    programmes shown: `programme_ids`, None for every programme)."""
    versions = as_at.version.key(programme_ids)
    digest = hashlib.sha256(repr((key, as_at.on, as_at.chosen, as_at.today, versions)).encode())
    return f"dashboards:{name}:{digest.hexdigest()}"


def _figures_page(request, template: str, as_at: AsAt, key: tuple, build, personal: dict | None = None,
                  programme_ids=None):
    """Render a dashboard whose content is kept per (page, query, as-at date, today, and the figures
    versions of the programmes it shows: `programme_ids`, None for every programme).

    `build()` returns the context for the template's "content" partial (with a "title"), or
    None for a 404. Nothing personal is inside the content: the header with the user's name
    is base.html's. A write to anything a programme's pages show changes its version in the same
    transaction (programmes.versions), so a kept page is never stale, in any process.
    """
    cache_key = _content_key(template, key, as_at, programme_ids)
    kept = cache.get(cache_key)
    if kept is None:
        context = build()
        if context is None:
            raise Http404("There is no programme with that number.")
        context.setdefault("as_at", as_at)
        html = render_to_string(f"{template}#content", context, request)
        # Indentation is a third of a big page; a newline still separates words (no <pre> here).
        kept = (context["title"], INDENTATION.sub("\n", html))
        cache.set(cache_key, kept, CACHE_SECONDS)
    title, content = kept
    # `personal`: what differs by person (links they may use), never inside the kept content.
    return render(request, template, {"title": title, "content": mark_safe(content), **(personal or {})})


def _query(request, names) -> tuple:
    return tuple((name, tuple(request.GET.getlist(name))) for name in names if name in request.GET)


@reader_required
def portfolio(request):
    as_at = _as_at(request)

    def build():
        since = previous_period(as_at.on, as_at.periods)
        rows, total = _portfolio_rows(as_at, since)
        return {"title": "Portfolio", "since": since, "rows": rows,
                "distribution_chart": selectors.portfolio_chart(total)}

    return _figures_page(request, "dashboards/portfolio.html", as_at, _query(request, AS_AT_PARAMS), build)


PORTFOLIO_ROW = "dashboards/portfolio.html#programme_row"


def _portfolio_rows(as_at: AsAt, since) -> tuple[list[str], dict]:
    """Each programme's row and its counts by colour, kept per its own version (in Django's cache, shared
    by every process): after a save only that programme's trees are computed and its row made again, by
    whichever process asks first; the others are read back in one go. Also the counts added up."""
    ids = as_at.version.programme_ids
    keys = {pk: _content_key(PORTFOLIO_ROW, (pk, since.on, "with counts"), as_at, [pk]) for pk in ids}
    kept = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in kept]
    if missing:
        data = selectors.portfolio(as_at=as_at.on, periods=as_at.periods, version=as_at.version,
                                   programme_ids=missing)
        made = {}
        for tree in data.trees:
            summary = data.summary(tree)
            _link([summary.row], as_at)
            html = render_to_string(PORTFOLIO_ROW, {"summary": summary, "since": since, "as_at": as_at})
            made[keys[tree.programme_id]] = (INDENTATION.sub("\n", html), dict(tree.result.distribution))
        cache.set_many(made, CACHE_SECONDS)
        kept.update(made)
    shown = [kept[keys[pk]] for pk in ids if keys[pk] in kept]  # one deleted since the versions were read: gone
    return [mark_safe(html) for html, _ in shown], selectors.distribution_total(counts for _, counts in shown)


@reader_required
def exceptions(request):
    as_at = _as_at(request)
    programme_id = _positive_int(request.GET.get("programme"))

    def build():
        data = selectors.exceptions(as_at=as_at.on, version=as_at.version, programme_id=programme_id,
                                    limit=None if programme_id else EXCEPTIONS_PER_PROGRAMME)
        if programme_id and not data.groups and not data.programmes_without:
            return None
        for group in data.groups:
            _link([group.programme], as_at)
            _link([item.row for item in group.items], as_at, group.programme.id)
        names = [group.name for group in data.groups] + data.programmes_without
        return {"title": "Exceptions", "exceptions": data, "programme_id": programme_id,
                "programme_name": names[0] if programme_id else "",
                "kept_for_as_at": _kept_params(request, ["programme"])}

    key = _query(request, (*AS_AT_PARAMS, "programme"))
    return _figures_page(request, "dashboards/exceptions.html", as_at, key, build,
                         programme_ids=[programme_id] if programme_id else None)


@programme_reader_required
def programme(request, pk):
    require_programme_reader(request, pk)
    as_at = _as_at(request)
    risk_base = reverse("risk_list", args=[pk])

    def risk_href(likelihood, impact):
        return f"{risk_base}?{urlencode({'likelihood': likelihood, 'impact': impact})}{as_at.amp}"

    def build():
        page = selectors.programme_page(pk, as_at=as_at.on, periods=as_at.periods, version=as_at.version,
                                        risk_href=risk_href)
        if page is None:
            return None
        filters = filters_from(request, choices=page.filter_choices)
        criteria = filters.criteria()
        matches = selectors.matching_actions(page, criteria, as_at=as_at.on) if criteria.active else None
        _link(page.top_rows, as_at, pk)
        _link(matches or [], as_at, pk)
        _link([row for _, rows in page.milestones for row in rows], as_at, pk)
        return {
            "title": f"{page.name}: programme dashboard", "page": page, "programme_id": pk, "filters": filters,
            "criteria": criteria, "matches": matches, "kept_for_as_at": _kept_params(request, FILTER_FIELDS),
            "risk_list_url": risk_base + as_at.qs,
        }

    key = (pk, _query(request, (*AS_AT_PARAMS, *FILTER_FIELDS)))
    personal = {"setup_href": reverse("setup_programme", args=[pk])} if can_set_up_programme(request.user, pk) else {}
    return _figures_page(request, "dashboards/programme.html", as_at, key, build, personal, programme_ids=[pk])


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@programme_reader_required
def objective(request, pk, objective_id):
    """One level of the tree: the htmx partial under an expanded row, or a page of its own without JavaScript."""
    require_programme_reader(request, pk)
    as_at = _as_at(request)
    tree = selectors.programme_tree(pk, as_at=as_at.on, version=as_at.version)
    level = selectors.tree_level(tree, objective_id, as_at.on) if tree else None
    if level is None:
        raise Http404("There is no objective with that number in this programme.")
    node, rows = level
    _link(rows, as_at, pk)
    context = {"as_at": as_at, "programme_id": pk, "node": node, "rows": rows}
    if request.htmx:
        return render(request, "dashboards/programme.html#tree_level", context)
    context.update(
        programme_name=tree.info[tree.result.key].title, programme_ref=tree.result.ref,
        path=selectors.objective_path(tree, node.key), trail=change_history(request, "programmes.objective", node.id),
    )
    return render(request, "dashboards/objective.html", context)


@programme_reader_required
def explanation(request, pk, kind, node_id):
    """How a figure was made: the partial inside a details element, or a page without JavaScript."""
    require_programme_reader(request, pk)
    if kind not in EXPLAINABLE:
        raise Http404("Only programmes, objectives and actions have explanations.")
    as_at = _as_at(request)
    tree = selectors.programme_tree(pk, as_at=as_at.on, version=as_at.version)
    explained = selectors.explain(tree, kind, node_id, as_at.on) if tree else None
    if explained is None:
        raise Http404("There is nothing with that number in this programme.")
    context = {"as_at": as_at, "programme_id": pk, "explained": explained,
               "programme_name": tree.info[tree.result.key].title}
    template = "dashboards/explanation.html#explanation" if request.htmx else "dashboards/explanation.html"
    return render(request, template, context)
