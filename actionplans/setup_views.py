"""Set-up in the app: programmes, the objective tree, actions and milestones, measures and their
targets, and giving a leaver's actions to others. (People themselves: programmes/views.py.)

Admins set up every programme, programme managers their own (programmes.permissions); every
view checks it itself, every write goes through a service in actionplans/services.py, which
validates, audits and keeps the figures true. Pages post and redirect, with or without JavaScript.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programmes.audit import Channel
from programmes.forms import add_service_errors
from programmes.models import Objective, Person, Programme
from programmes.permissions import (
    deny,
    person_id_for,
    require_programme_set_up,
    require_set_up,
    signed_in_and,
)
from programmes.roles import ADMIN, has_role
from programmes.selectors import programmes_set_up_by

from . import selectors
from .models import Action, Measure
from .rollup import settings_preview
from .services import (
    action_delete,
    action_move,
    action_save,
    actions_reassign,
    measure_save,
    measure_targets_set,
    objective_delete,
    objective_move,
    objective_reorder,
    objective_save,
    programme_save,
)
from .setup_forms import (
    ActionForm,
    ActionMoveForm,
    MeasureForm,
    MeasureTargetsForm,
    ObjectiveForm,
    ObjectiveMoveForm,
    ProgrammeForm,
    ReassignForm,
)

FORM_PAGE = "setup/form_page.html"

setting_up = signed_in_and(require_set_up)


def _form_page(request, form, *, back_href, template=FORM_PAGE, **context):
    context = {"form": form, "back_href": back_href, **context}
    return render(request, template, context, status=422 if form.errors else 200)


def _programme_url(programme_id: int) -> str:
    return reverse("setup_programme", args=[programme_id])


def _m2m(form, *names) -> dict:
    return {name: form.cleaned_data[name] for name in names}


def _save(request, form, service, **kwargs) -> bool:
    """Call the service; on its ValidationError put the messages beside the fields and say no."""
    try:
        service(by=request.user, channel=Channel.BROWSER, **kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


# --- Programmes ---------------------------------------------------------------------------------


@setting_up
@require_GET
def setup_home(request):
    programmes = list(programmes_set_up_by(request.user).select_related("owner"))
    return render(request, "setup/home.html", {"programmes": programmes})


@setting_up
@require_http_methods(["GET", "POST"])
def programme_new(request):
    """A programme manager who creates a programme is one of its managers from the start."""
    admin, me = has_role(request.user, ADMIN), person_id_for(request.user)
    if not admin and me is None:
        deny(request, "a programme manager needs their account linked to a person to create a programme")
    form = ProgrammeForm(request.POST or None, initial={"managers": [me] if me else []})
    if request.method == "POST" and form.is_valid():
        managers = list(form.cleaned_data["managers"])
        if not admin and me not in [p.pk for p in managers]:
            managers.append(Person.objects.get(pk=me))
        programme = form.save(commit=False)
        if _save(request, form, programme_save, programme=programme, m2m={"managers": managers}):
            messages.success(request, f"{programme.name} was created. Add its objectives next.")
            return redirect("setup_programme", pk=programme.pk)
    return _form_page(request, form, template="setup/programme_form.html", back_href=reverse("setup_home"),
                      title="Create a programme", submit_text="Create programme")


def _programme(request, pk) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("owner"), pk=pk)
    require_programme_set_up(request, programme)
    return programme


@setting_up
@require_GET
def programme_setup(request, pk):
    programme = _programme(request, pk)
    tree = selectors.setup_tree(programme.pk)
    context = {"programme": programme, "tree": tree, "managers": list(programme.managers.all()),
               "measures": selectors.measures_for_setup(programme.pk)}
    return render(request, "setup/programme.html", context)


@setting_up
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    programme = _programme(request, pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = settings_preview(programme.pk, form.settings_fields())
        elif _save(request, form, programme_save, programme=form.save(commit=False),
                   m2m=_m2m(form, "managers")):
            messages.success(request, f"The changes to {programme.name} were saved.")
            return redirect("setup_programme", pk=programme.pk)
    return _form_page(request, form, template="setup/programme_form.html", back_href=_programme_url(programme.pk),
                      title=f"Change {programme.short_name}", caption=programme.name, programme=programme,
                      preview=preview, submit_text="Save changes")


# --- Objectives ---------------------------------------------------------------------------------


def _objective(request, pk) -> Objective:
    objective = get_object_or_404(Objective.objects.select_related("programme", "parent"), pk=pk)
    require_programme_set_up(request, objective.programme)
    return objective


@setting_up
@require_http_methods(["GET", "POST"])
def objective_new(request, pk):
    programme = _programme(request, pk)
    parent = request.GET.get("parent")
    # A suggestion the manager may change; a reference already taken is refused by the service.
    suggested = f"{programme.short_name}{programme.objectives.count() + 1:02d}"
    form = ObjectiveForm(request.POST or None, programme=programme, initial={"parent": parent, "reference": suggested})
    if request.method == "POST" and form.is_valid():
        objective = form.save(commit=False)
        if _save(request, form, objective_save, objective=objective, m2m=_m2m(form, "leads")):
            messages.success(request, f"{objective.reference} was added. Add its actions next.")
            return redirect(_programme_url(programme.pk) + f"#objective-{objective.pk}")
    return _form_page(request, form, back_href=_programme_url(programme.pk), caption=programme.name,
                      title="Add an objective", submit_text="Add objective")


@setting_up
@require_http_methods(["GET", "POST"])
def objective_edit(request, pk):
    objective = _objective(request, pk)
    form = ObjectiveForm(request.POST or None, instance=objective, programme=objective.programme, with_parent=False)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, objective_save, objective=form.save(commit=False), m2m=_m2m(form, "leads")):
            messages.success(request, f"The changes to {objective.reference} were saved.")
            return redirect(_programme_url(objective.programme_id) + f"#objective-{objective.pk}")
    return _form_page(request, form, back_href=_programme_url(objective.programme_id),
                      caption=objective.programme.name, title=f"Change {objective.reference}")


@setting_up
@require_http_methods(["GET", "POST"])
def objective_move_view(request, pk):
    objective = _objective(request, pk)
    form = ObjectiveMoveForm(request.POST or None, objective=objective, initial={"parent": objective.parent_id})
    if request.method == "POST" and form.is_valid():
        if _save(request, form, objective_move, objective=objective, parent=form.cleaned_data["parent"]):
            messages.success(request, f"{objective.reference} was moved.")
            return redirect(_programme_url(objective.programme_id) + f"#objective-{objective.pk}")
    return _form_page(request, form, back_href=_programme_url(objective.programme_id),
                      caption=objective.programme.name, title=f"Move {objective.reference} {objective.title}",
                      intro="Its actions and the objectives under it move with it.", submit_text="Move")


@setting_up
@require_POST
def objective_reorder_view(request, pk):
    objective = _objective(request, pk)
    direction = request.POST.get("direction", "")
    try:
        objective_reorder(objective=objective, direction=direction, by=request.user, channel=Channel.BROWSER)
    except ValidationError:
        messages.error(request, "Choose to move it up or down.")
    else:
        messages.success(request, f"{objective.reference} was moved {direction}.")
    return redirect(_programme_url(objective.programme_id) + f"#objective-{objective.pk}")


def _confirm_delete(request, record, *, noun: str, delete, deleted: str):
    """The confirmation page naming everything that goes with the record; on POST, the delete service."""
    summary = selectors.deletion_summary(record)
    if request.method == "POST" and not summary.protected:
        delete(by=request.user, channel=Channel.BROWSER, **{noun: record})
        messages.success(request, f"{record.reference} {record.title} {deleted}")
        return redirect("setup_programme", pk=record.programme_id)
    return render(request, "setup/confirm_delete.html", {
        "record": record, "noun": noun, "summary": summary, "programme": record.programme,
        "back_href": _programme_url(record.programme_id)})


@setting_up
@require_http_methods(["GET", "POST"])
def objective_delete_view(request, pk):
    return _confirm_delete(request, _objective(request, pk), noun="objective", delete=objective_delete,
                           deleted="was deleted, with everything under it.")


# --- Actions and milestones ---------------------------------------------------------------------


def _action(request, pk) -> Action:
    action = get_object_or_404(Action.objects.select_related("programme", "objective"), pk=pk)
    require_programme_set_up(request, action.programme)
    return action


@setting_up
@require_http_methods(["GET", "POST"])
def action_new(request, pk):
    objective = _objective(request, pk)
    count = objective.actions.count()
    form = ActionForm(request.POST or None, objective=objective,
                      initial={"reference": f"{objective.reference}.{count + 1}"})
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        if _save(request, form, action_save, action=action, m2m=_m2m(form, "leads", "delegates")):
            messages.success(request, f"{action.reference} was added.")
            return redirect(_programme_url(objective.programme_id) + f"#objective-{objective.pk}")
    return _form_page(request, form, back_href=_programme_url(objective.programme_id),
                      caption=f"{objective.reference} {objective.title}", title="Add an action or milestone",
                      submit_text="Add action")


@setting_up
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = _action(request, pk)
    form = ActionForm(request.POST or None, instance=action, objective=action.objective)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, action_save, action=form.save(commit=False), m2m=_m2m(form, "leads", "delegates")):
            messages.success(request, f"The changes to {action.reference} were saved.")
            return redirect(_programme_url(action.programme_id) + f"#objective-{action.objective_id}")
    return _form_page(request, form, back_href=_programme_url(action.programme_id), caption=action.programme.name,
                      title=f"Change {action.reference}")


@setting_up
@require_http_methods(["GET", "POST"])
def action_move_view(request, pk):
    action = _action(request, pk)
    form = ActionMoveForm(request.POST or None, programmes=programmes_set_up_by(request.user),
                          initial={"objective": action.objective_id})
    if request.method == "POST" and form.is_valid():
        if _save(request, form, action_move, action=action, objective=form.cleaned_data["objective"]):
            messages.success(request, f"{action.reference} was moved to {form.cleaned_data['objective'].reference}.")
            return redirect("setup_programme", pk=action.programme_id)
    return _form_page(request, form, back_href=_programme_url(action.programme_id), caption=action.programme.name,
                      title=f"Move {action.reference} {action.title}", submit_text="Move",
                      intro="Its history of updates moves with it.")


@setting_up
@require_http_methods(["GET", "POST"])
def action_delete_view(request, pk):
    return _confirm_delete(request, _action(request, pk), noun="action", delete=action_delete,
                           deleted="was deleted.")


# --- Measures -----------------------------------------------------------------------------------


def _measure(request, pk) -> Measure:
    measure = get_object_or_404(Measure.objects.select_related("programme"), pk=pk)
    if measure.programme is None:
        raise Http404("This measure belongs to no programme; change it in the admin.")
    require_programme_set_up(request, measure.programme)
    return measure


@setting_up
@require_http_methods(["GET", "POST"])
def measure_new(request, pk):
    programme = _programme(request, pk)
    form = MeasureForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        measure = form.save(commit=False)
        if _save(request, form, measure_save, measure=measure, m2m=_m2m(form, "objectives")):
            messages.success(request, f"{measure.reference} was added. Set its targets next.")
            return redirect("setup_measure_targets", pk=measure.pk)
    return _form_page(request, form, back_href=_programme_url(programme.pk) + "#measures", caption=programme.name,
                      title="Add a measure", submit_text="Add measure")


@setting_up
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = _measure(request, pk)
    form = MeasureForm(request.POST or None, instance=measure, programme=measure.programme)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, measure_save, measure=form.save(commit=False), m2m=_m2m(form, "objectives")):
            messages.success(request, f"The changes to {measure.reference} were saved.")
            return redirect(_programme_url(measure.programme_id) + "#measures")
    return _form_page(request, form, back_href=_programme_url(measure.programme_id) + "#measures",
                      caption=measure.programme.name, title=f"Change {measure.reference}")


@setting_up
@require_http_methods(["GET", "POST"])
def measure_targets(request, pk):
    measure = _measure(request, pk)
    periods = selectors.target_periods(measure)
    form = MeasureTargetsForm(request.POST or None, measure=measure, periods=periods,
                              targets=selectors.measure_targets_by_period(measure))
    if request.method == "POST" and form.is_valid():
        if _save(request, form, measure_targets_set, measure=measure, entries=form.entries()):
            messages.success(request, f"The targets of {measure.reference} were saved.")
            return redirect(_programme_url(measure.programme_id) + "#measures")
    return _form_page(request, form, template="setup/measure_targets.html", measure=measure,
                      back_href=_programme_url(measure.programme_id) + "#measures", caption=measure.programme.name,
                      title=f"Targets for {measure.reference} {measure.title}")


# --- Someone's actions, to give to someone else ---------------------------------------------------


@setting_up
@require_http_methods(["GET", "POST"])
def person_actions(request, pk):
    """A leaver's (or anyone's) open actions in the programmes this user sets up, and a form to give
    the chosen ones to someone else. Only actions listed here can be reassigned from it."""
    person = get_object_or_404(Person, pk=pk)
    actions = selectors.open_actions_of(person.pk, programme_ids=programmes_set_up_by(request.user)
                                        .values_list("pk", flat=True))
    form = ReassignForm(request.POST or None, actions=actions, person=person)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["actions"]
        if _save(request, form, actions_reassign, actions=chosen, from_person=person,
                 to_person=form.cleaned_data["to_person"]):
            messages.success(request, f"{len(chosen)} action{'s' if len(chosen) != 1 else ''} went to "
                                      f"{form.cleaned_data['to_person'].name}.")
            return redirect("person_actions", pk=person.pk)
    return render(request, "setup/person_actions.html", {"person": person, "actions": actions, "form": form},
                  status=422 if form.errors else 200)
