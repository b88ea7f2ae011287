"""Update rounds' pages: the rounds, opening one, and who has and has not updated (with a reminder button).

Readers (leadership, managers, admins, clerks) see them; admins and programme managers open rounds and
send reminders."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from programmes.forms import add_service_errors
from programmes.models import Person
from programmes.permissions import deny, require_reader, signed_in_and
from programmes.roles import ADMIN, PROGRAMME_MANAGER, has_role

from .forms import RoundForm
from .models import UpdateRound
from .selectors import compliance
from .services import round_open, round_remind

reader_required = signed_in_and(require_reader)


def _may_run(user) -> bool:
    return has_role(user, ADMIN, PROGRAMME_MANAGER)


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@require_http_methods(["GET", "POST"])
@reader_required
def rounds(request):
    may_run = _may_run(request.user)
    form = RoundForm(request.POST or None) if may_run else None
    if request.method == "POST":
        if not may_run:
            deny(request, "only admins and programme managers open update rounds")
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ("period", "first_reminder_days",
                                                                 "second_reminder_days", "final_reminder_days")}
            try:
                round_ = round_open(title=form.cleaned_data["title"], cut_off=form.cleaned_data["cut_off"],
                                    programmes=form.cleaned_data["programmes"], by=request.user,
                                    today=timezone.localdate(), **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _see_other(reverse("update_round", args=[round_.pk]))
    listed = UpdateRound.objects.select_related("period").order_by("-cut_off", "-pk")[:50]
    return render(request, "governance/rounds/rounds.html", {
        "title": "Update rounds", "rounds": listed, "form": form, "may_run": may_run,
        "today": timezone.localdate()})


@require_http_methods(["GET"])
@reader_required
def update_round(request, pk):
    round_ = get_object_or_404(UpdateRound.objects.select_related("period"), pk=pk)
    return render(request, "governance/rounds/round.html", {
        "title": round_.title, "round": round_, "compliance": compliance(round_), "may_run": _may_run(request.user),
        "sent": request.GET.get("sent", "")})


@require_POST
@reader_required
def update_round_remind(request, pk, person_id):
    if not _may_run(request.user):
        deny(request, "only admins and programme managers send reminders")
    round_ = get_object_or_404(UpdateRound, pk=pk)
    person = get_object_or_404(Person, pk=person_id)
    try:
        sent = round_remind(round_, person, by=request.user, today=timezone.localdate())
    except ValidationError:
        raise Http404("That person has nothing left to update in this round.") from None
    outcome = "yes" if sent else "already"
    return _see_other(f"{reverse('update_round', args=[pk])}?sent={outcome}#person-{person.pk}")
