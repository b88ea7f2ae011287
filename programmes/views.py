"""The people pages of set-up: add, change, mark as left, link to an account.

Admins and programme managers add and change people (every programme's owners come from one list);
only admins link a person to a sign-in account, because that decides what the account may update.
Someone marked as left goes on to the page that gives their open actions to others
(actionplans.setup_views.person_actions). Every view checks permission itself.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .audit import Channel
from .forms import add_service_errors
from .models import Person
from .permissions import can_set_up, require_account_linking, require_set_up, signed_in_and
from .roles import ADMIN, has_role
from .selectors import people_for_list
from .services import person_link_user, person_mark_left, record_save
from .setup_forms import PersonAccountForm, PersonForm, PersonLeftForm

FORM_PAGE = "setup/form_page.html"
PEOPLE_PER_PAGE = 50

setting_up = signed_in_and(require_set_up)
linking_accounts = signed_in_and(require_account_linking)


def _form_page(request, form, *, title, caption="", intro="", submit_text="Save", back_href=None):
    context = {"form": form, "title": title, "caption": caption, "intro": intro, "submit_text": submit_text,
               "back_href": back_href or reverse("people"), "back_text": "Back to people"}
    return render(request, FORM_PAGE, context, status=422 if form.errors else 200)


@setting_up
@require_GET
def people(request):
    page = Paginator(people_for_list(), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "people": page.object_list,
               "can_link": has_role(request.user, ADMIN), "can_set_up": can_set_up(request.user)}
    return render(request, "setup/people.html", context)


@setting_up
@require_http_methods(["GET", "POST"])
def person_new(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = record_save(form.save(commit=False), by=request.user, channel=Channel.BROWSER)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.name} was added.")
            return redirect("people")
    return _form_page(request, form, title="Add a person", submit_text="Add person",
                      intro="Anyone who owns, leads or is delegated an action or objective, with or without an account.")


@setting_up
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = get_object_or_404(Person, pk=pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            record_save(form.save(commit=False), by=request.user, channel=Channel.BROWSER)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.name}’s details were saved.")
            return redirect("people")
    return _form_page(request, form, title=f"Change {person.name}’s details", caption="People")


@setting_up
@require_http_methods(["GET", "POST"])
def person_left(request, pk):
    person = get_object_or_404(Person, pk=pk)
    form = PersonLeftForm(request.POST or None, initial={"left_on": person.left_on})
    if request.method == "POST" and form.is_valid():
        try:
            person_mark_left(person=person, left_on=form.cleaned_data["left_on"], by=request.user,
                             channel=Channel.BROWSER)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.name} is marked as left. Give their open actions to someone else.")
            return redirect("person_actions", pk=person.pk)
    return _form_page(request, form, title=f"Mark {person.name} as left", caption="People",
                      submit_text="Mark as left and continue",
                      intro="They stay on what they did before; they are no longer offered as an owner.")


@linking_accounts
@require_http_methods(["GET", "POST"])
def person_account(request, pk):
    person = get_object_or_404(Person.objects.select_related("user"), pk=pk)
    form = PersonAccountForm(request.POST or None, initial={"user": person.user_id})
    if request.method == "POST" and form.is_valid():
        try:
            person_link_user(person=person, user=form.cleaned_data["user"], by=request.user, channel=Channel.BROWSER)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            user = form.cleaned_data["user"]
            messages.success(request, f"{person.name} is linked to the account {user.get_username()}." if user
                             else f"{person.name} is no longer linked to an account.")
            return redirect("people")
    return _form_page(request, form, title=f"Link {person.name} to an account", caption="People",
                      submit_text="Save the link")
