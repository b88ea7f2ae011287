"""The officers' pages: My actions, an action with its update form, and measure values.

Every view and every partial checks access itself through programmes.permissions: an
htmx partial can be fetched on its own, so a template `{% if %}` is never the only guard.
One page template per screen; htmx requests get one of its partials.
"""

import time
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from actionplans.permissions import (
    can_enter_measure,
    can_update_action,
    require_action_update,
    require_action_view,
    require_measure_entry,
)
from programmes.audit import Channel
from programmes.forms import add_service_errors
from programmes.permissions import can_read_everything, deny
from programmes.roles import ADMIN, OFFICER, PROGRAMME_MANAGER, has_role
from programmes.selectors import change_history

from . import selectors
from .forms import MeasureValueForm, MyActionsFilterForm, ProgressForm
from .measures import unit_hint
from .models import Action, Measure
from .services import ActionConflict, action_record_progress, measure_record_value

ACTION_PAGE = "actionplans/action_detail.html"
MEASURE_PAGE = "actionplans/measure_detail.html"


def server_timing(view):
    """Say in a Server-Timing header how long the view took (wall clock and this process's CPU),
    so a bench can tell the work from the queueing on a busy machine."""

    @wraps(view)
    def timed(request, *args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        response = view(request, *args, **kwargs)
        response["Server-Timing"] = (
            f"view;dur={(time.perf_counter() - started) * 1000:.1f}, "
            f"cpu;dur={(time.process_time() - cpu) * 1000:.1f}"
        )
        return response

    return timed


def _partial_into(response, target: str):
    """Send an htmx response somewhere other than where the form asked (errors, conflicts)."""
    return reswap(retarget(response, target), "innerHTML")


@login_required
@require_GET
def my_actions(request):
    form = MyActionsFilterForm(request.GET)
    filters = form.filters()
    mine = selectors.my_actions(user=request.user, **filters)
    form.set_programmes(mine.programmes)
    context = {"form": form, "mine": mine, "filtered": mine.shown != mine.total}
    if request.htmx:
        return render(request, "actionplans/my_actions.html#results", context)
    # A programme manager also sees what needs chasing in the programmes they manage.
    if has_role(request.user, PROGRAMME_MANAGER):
        context["chase"] = selectors.to_chase(user=request.user)
    return render(request, "actionplans/my_actions.html", context)


def _action(pk: int) -> Action:
    try:
        return selectors.action_for_page(pk)
    except Action.DoesNotExist:
        raise Http404("There is no action with that number.") from None


def _action_to_save(pk: int) -> Action:
    """A save needs only the action and what the permission check reads: one query."""
    try:
        return Action.objects.select_related("programme", "objective").get(pk=pk)
    except Action.DoesNotExist:
        raise Http404("There is no action with that number.") from None


def home_link(user) -> dict:
    """Where an officer's page leads back to: their actions, or the portfolio for those who only read."""
    if has_role(user, OFFICER, PROGRAMME_MANAGER, ADMIN):
        return {"text": "My actions", "href": reverse("my_actions")}
    return {"text": "Portfolio", "href": reverse("portfolio")}


def _render_action_page(request, action, *, form=None, conflict=None, status=200, focus_first=False):
    page = selectors.action_page(action)
    context = {"home": home_link(request.user),
        "page": page, "action": action, "row": selectors.action_row(action.pk),
        "can_update": can_update_action(request.user, action), "form": form, "conflict": conflict,
        "figures": page.figures, "history": page.history, "explanation": page.objective_explanation,
        "focus_first": focus_first, "trail": change_history(request, action),
    }
    return render(request, ACTION_PAGE, context, status=status)


@login_required
@require_GET
def action_detail(request, pk):
    action = _action(pk)
    require_action_view(request, action)
    return _render_action_page(request, action)


@login_required
@require_GET
def action_explanation(request, pk):
    """The explanation of the action's objective figure, fetched when opened after a save."""
    action = _action(pk)
    require_action_view(request, action)
    if not request.htmx:
        return redirect("action_detail", pk=action.pk)
    context = {"action": action, "explanation": selectors.objective_explanation(action.objective)}
    return render(request, f"{ACTION_PAGE}#explanation_body", context)


@login_required
@require_http_methods(["GET", "POST"])
@server_timing
def action_update(request, pk):
    action = _action(pk) if request.method == "GET" else _action_to_save(pk)
    require_action_update(request, action)
    if request.method == "GET":
        form = ProgressForm(action=action, last_commentary=selectors.last_commentary(action.pk))
        if request.htmx:
            return render(request, f"{ACTION_PAGE}#update_form",
                          {"action": action, "form": form, "focus_first": True})
        return _render_action_page(request, action, form=form, focus_first=True)
    form = ProgressForm(request.POST, action=action)
    if form.is_valid():
        try:
            action_record_progress(action=action, by=request.user, channel=Channel.BROWSER,
                                   **form.service_kwargs())
        except ActionConflict as conflict:
            return _conflict(request, action, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, action)
    if request.htmx:
        context = {"action": action, "form": form}
        return _partial_into(render(request, f"{ACTION_PAGE}#update_form", context, status=422), "#update-panel")
    return _render_action_page(request, action, form=form, status=422)


def _after_write_context(action, *, history_limit: int = selectors.HISTORY_LIMIT) -> dict:
    """What an htmx response swaps after the action changed: stored figures, fresh history.

    The service refreshed the stored figures in its transaction, so they are current; the
    explanation is fetched when it is next opened rather than recomputing the tree here.
    Only someone who may update gets here, so the update button is theirs.
    """
    state = selectors.action_state(action)
    return {
        "action": action, "row": state.row, "figures": state.figures, "can_update": True,
        "objective_reference": state.objective_figure.reference,
        "history": selectors.action_history(action.pk, limit=history_limit), "explanation_stale": True,
    }


def _saved(request, action):
    if not request.htmx:
        messages.success(request, f"Your update to {action.reference} was saved.")
        return redirect("action_detail", pk=action.pk)
    context = _after_write_context(action, history_limit=1) | {"saved": True}
    context["first_update"] = context["history"][0].is_first
    return render(request, f"{ACTION_PAGE}#saved", context)


def _conflict(request, action, conflict: ActionConflict):
    """Nothing was written. Show what changed and offer their values again at the new version."""
    data = request.POST.copy()
    data["version"] = str(conflict.action.version)
    form = ProgressForm(data)
    form.is_valid()
    current = conflict.action
    current.programme, current.objective = action.programme, action.objective
    details = selectors.conflict_details(conflict, form.service_kwargs())
    if not request.htmx:
        return _render_action_page(request, current, form=form, conflict=details, status=409)
    context = _after_write_context(current) | {"form": form, "conflict": details}
    return _partial_into(render(request, f"{ACTION_PAGE}#conflict_response", context, status=409),
                         "#update-panel")


def _measure(pk: int) -> Measure:
    return get_object_or_404(Measure.objects.select_related("programme", "owner"), pk=pk)


def _render_measure_page(request, measure, *, form=None, status=200, template=MEASURE_PAGE, **extra):
    page = selectors.measure_page(measure)
    can_enter = can_enter_measure(request.user, measure)
    if can_enter and form is None:
        form = MeasureValueForm(periods=page.periods,
                                initial={"period": page.periods[0].pk if page.periods else None})
    context = {"page": page, "measure": measure, "form": form, "can_enter": can_enter,
               "home": home_link(request.user), "unit_hint": unit_hint(measure.unit),
               "trail": change_history(request, measure, children=selectors.measure_children(measure))} | extra
    return render(request, template, context, status=status)


@login_required
@require_GET
def measure_detail(request, pk):
    measure = _measure(pk)
    if not (can_read_everything(request.user) or can_enter_measure(request.user, measure)):
        deny(request, f"may not view measure {measure.reference}")
    return _render_measure_page(request, measure)


@login_required
@require_POST
def measure_record(request, pk):
    measure = _measure(pk)
    require_measure_entry(request, measure)
    form = MeasureValueForm(request.POST, periods=selectors.measure_entry_periods(measure))
    if form.is_valid():
        data = form.cleaned_data
        try:
            measure_record_value(measure=measure, period=data["period"], value=data["value"],
                                 note=data["note"], by=request.user, channel=Channel.BROWSER)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, f"The value for {data['period'].name} was saved.")
                return redirect("measure_detail", pk=measure.pk)
            return _render_measure_page(request, measure, template=f"{MEASURE_PAGE}#saved",
                                        saved_period=data["period"])
    if request.htmx:
        response = render(request, f"{MEASURE_PAGE}#value_form",
                          {"measure": measure, "form": form}, status=422)
        return _partial_into(response, "#measure-entry")
    return _render_measure_page(request, measure, form=form, status=422)
