"""Governance's pages: boards and the structure they make, the risk register and risk reviews, and
the assurance matrix. Every view checks access itself (governance.permissions); every write goes
through governance.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from actionplans.permissions import require_programme_reader
from actionplans.rollup import programme_settings
from programmes import rules
from programmes.audit import Channel
from programmes.charts import chart_id
from programmes.forms import add_service_errors
from programmes.models import Objective, Programme
from programmes.permissions import can_read_everything, deny, signed_in_and
from programmes.selectors import change_history

from . import selectors, services
from .charts import board_tree, risk_heat_map
from .forms import BoardForm, MeetingForm, MembershipForm, RegisterFilterForm, RiskReviewForm
from .models import AssuranceSource, Board, BoardMembership, Meeting, Risk, RiskReview
from .permissions import (
    board_editor_required,
    can_edit_boards,
    can_review_risk,
    manages,
    reader_required,
    require_assurance_editor,
    require_risk_review,
)

signed_in = signed_in_and(lambda request: None)  # the view decides, with the record in hand

# ---------------------------------------------------------------- boards


@reader_required
def boards(request):
    index = selectors.boards_index()
    return render(request, "governance/boards.html", {
        "index": index, "tree": board_tree(index.roots, cid=chart_id("boards")),
        "can_edit": can_edit_boards(request.user),
    })


@reader_required
def board_detail(request, pk):
    page = selectors.board_page(pk)
    if page is None:
        raise Http404("There is no board with that number.")
    return render(request, "governance/board.html", {"page": page, "board": page.board,
                                                     "can_edit": can_edit_boards(request.user)})


def _form_page(request, form, *, title: str, back: str, board=None, status=200, **extra):
    return render(request, "governance/form.html", {"form": form, "title": title, "back": back, "board": board,
                                                    **extra}, status=status)


@board_editor_required
@require_http_methods(["GET", "POST"])
def board_edit(request, pk=None):
    board = get_object_or_404(Board, pk=pk) if pk else Board()
    back = reverse("board", args=[pk]) if pk else reverse("boards")
    title = f"Change {board.short_name}" if pk else "Add a board"
    form = BoardForm(request.POST or None, instance=board)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.board_save(form.instance, by=request.user, channel=Channel.BROWSER,
                                programmes=data["programmes"], objectives=data["objectives"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{board.name} saved.")
            return redirect("board", pk=board.pk)
    return _form_page(request, form, title=title, back=back, board=board if pk else None,
                      status=422 if form.errors else 200, wide=True)


@board_editor_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, pk, membership_id=None):
    board = get_object_or_404(Board, pk=pk)
    membership = (get_object_or_404(BoardMembership, pk=membership_id, board=board) if membership_id
                  else BoardMembership(board=board))
    return _board_part_edit(
        request, board, MembershipForm(request.POST or None, instance=membership), services.membership_save,
        lambda: f"{membership.person.name} saved as {membership.get_role_display().lower()}.", "#members",
        "Change a member" if membership_id else "Add a member")


def _board_part_edit(request, board, form, save, saved, anchor: str, title: str):
    """A member or a meeting of a board: the form, then the service, then back to the board's section."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.instance, by=request.user, channel=Channel.BROWSER)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, saved())
            return redirect(reverse("board", args=[board.pk]) + anchor)
    return _form_page(request, form, title=title, back=reverse("board", args=[board.pk]), board=board,
                      status=422 if form.errors else 200)


@board_editor_required
@require_POST
def membership_remove(request, pk, membership_id):
    membership = get_object_or_404(BoardMembership.objects.select_related("person", "board"), pk=membership_id,
                                   board_id=pk)
    services.membership_remove(membership, by=request.user, channel=Channel.BROWSER)
    messages.success(request, f"{membership.person.name} removed from {membership.board.short_name}.")
    return redirect(reverse("board", args=[pk]) + "#members")


@board_editor_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk, meeting_id=None):
    board = get_object_or_404(Board, pk=pk)
    meeting = get_object_or_404(Meeting, pk=meeting_id, board=board) if meeting_id else Meeting(board=board)
    return _board_part_edit(
        request, board, MeetingForm(request.POST or None, instance=meeting), services.meeting_save,
        lambda: f"Meeting on {rules.uk_date(meeting.date)} saved.", "#meetings",
        "Change a meeting" if meeting_id else "Add a meeting")


# ---------------------------------------------------------------- risk register


def _register(request, *, programme_id: int | None):
    today = timezone.localdate()
    programmes = None
    if programme_id is None:
        programmes = list(Programme.objects.order_by("name").values_list("id", "name"))
        settings_, title, programme = None, "Risk register: all programmes", None
    else:
        found = programme_settings(programme_id)
        if found is None:
            raise Http404("There is no programme with that number.")
        short_name, name, settings_ = found
        title, programme = f"Risk register: {name}", {"id": programme_id, "name": name, "short_name": short_name}
    probe = RegisterFilterForm(request.GET)
    as_at = probe.chosen().get("as_at") or today
    rows = selectors.risk_register(as_at=as_at, programme_id=programme_id, settings_=settings_, with_actions=True)
    owners = sorted({(row.owner_id, row.owner) for row in rows if row.owner_id}, key=lambda o: o[1])
    form = RegisterFilterForm(request.GET, programmes=programmes, owners=owners)
    chosen = form.chosen()
    cell = {name: chosen.pop(name) for name in ("likelihood", "impact") if name in chosen}
    mapped = selectors.filter_register(rows, **chosen)
    shown = selectors.filter_register(mapped, **cell)
    here = request.path

    def href_for(likelihood, impact):
        kept = [(k, v) for k, v in request.GET.items() if k not in ("likelihood", "impact")]
        return f"{here}?{urlencode(kept + [('likelihood', likelihood), ('impact', impact)])}"

    def band_for(score):
        return rules.risk_band(score, settings_ or rules.DEFAULT_SETTINGS)

    subject = programme["short_name"] if programme else "all programmes"
    heat_maps = [
        risk_heat_map(selectors.heat_counts(mapped, "current"), cid=chart_id("heat", "current"), subject=subject,
                      band_for=band_for, href_for=href_for, scores="current"),
        risk_heat_map(selectors.heat_counts(mapped, "inherent"), cid=chart_id("heat", "inherent"),
                      subject=subject, band_for=band_for, scores="inherent"),
    ]
    return render(request, "governance/register.html", {
        "title": title, "programme": programme, "rows": shown, "total": len(rows), "form": form,
        "as_at": as_at, "past": as_at < today, "heat_maps": heat_maps, "cell": cell,
        "filtered": len(shown) != len(rows), "settings": settings_ or rules.DEFAULT_SETTINGS,
        "mixed_settings": programme is None,
    })


@reader_required
def risk_register_all(request):
    return _register(request, programme_id=None)


@signed_in
def risk_register(request, pk):
    """One programme's register: its readers, and the officers who own an action in it (as its
    dashboards)."""
    require_programme_reader(request, pk)
    return _register(request, programme_id=pk)


@signed_in
def risk_detail(request, pk):
    page = selectors.risk_page(pk, today=timezone.localdate())
    if page is None:
        raise Http404("There is no risk with that number.")
    may_review = can_review_risk(request.user, page.risk)
    if not (may_review or can_read_everything(request.user)):
        deny(request, f"may not see risk {page.risk.reference}: readers, its owner and its managers only")
    trail = change_history(request, page.risk, children=[(RiskReview, [review.pk for review, _ in page.reviews])])
    return render(request, "governance/risk.html", {"page": page, "risk": page.risk, "can_review": may_review,
                                                    "trail": trail})


@signed_in
@require_http_methods(["GET", "POST"])
def risk_review(request, pk):
    risk = Risk.objects.select_related("programme", "owner").filter(pk=pk).first()
    if risk is None:
        raise Http404("There is no risk with that number.")
    require_risk_review(request, risk)
    form = RiskReviewForm(request.POST) if request.method == "POST" else RiskReviewForm(risk=risk)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_record_review(risk=risk, by=request.user, channel=Channel.BROWSER, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Review of {risk.reference} recorded.")
            return redirect("risk", pk=risk.pk)
    return render(request, "governance/risk_review.html", {"form": form, "risk": risk},
                  status=422 if form.errors else 200)


# ---------------------------------------------------------------- assurance matrix


def _matrix_rows(programme_id: int):
    projects = Objective.objects.filter(programme_id=programme_id, kind="project")
    if not projects.exists():
        projects = Objective.objects.filter(programme_id=programme_id, parent__isnull=True)
    return list(projects.order_by("reference").only("id", "reference", "title"))


@signed_in
@require_http_methods(["GET", "POST"])
def assurance_matrix(request, pk):
    programme = get_object_or_404(Programme.objects.only("id", "name", "short_name"), pk=pk)
    may_edit = manages(request.user, pk)
    if request.method == "POST" or not can_read_everything(request.user):
        require_assurance_editor(request, pk)
    objectives, sources = _matrix_rows(pk), list(AssuranceSource.objects.order_by("order", "name"))
    cells = selectors.assurance_cells([o.pk for o in objectives])
    if request.method == "POST":
        ticked = {}
        for objective in objectives:
            for source in sources:
                key = (objective.pk, source.pk)
                if request.POST.get(f"cell-{objective.pk}-{source.pk}"):
                    ticked[key] = cells.get(key, "")
        changed = services.assurance_matrix_save(objectives=objectives, sources=sources, cells=ticked,
                                                 by=request.user, channel=Channel.BROWSER)
        messages.success(request, f"Assurance matrix saved: {changed} cell{'s' if changed != 1 else ''} changed.")
        return redirect("assurance_matrix", pk=pk)
    rows = [(objective, [(source, (objective.pk, source.pk) in cells, cells.get((objective.pk, source.pk), ""))
                         for source in sources]) for objective in objectives]
    return render(request, "governance/assurance.html", {
        "programme": programme, "sources": sources, "rows": rows, "can_edit": may_edit,
        "editing": may_edit and request.GET.get("edit") == "1",
    })
