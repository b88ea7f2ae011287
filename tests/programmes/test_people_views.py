"""The people pages of set-up, and giving a leaver's open actions to someone else: who may use them,
the messages beside the fields, the database and audit trail after, and query budgets."""

from datetime import date

import pytest
from django.urls import reverse

from programmes.models import AuditEntry, Person
from programmes.roles import PROGRAMME_MANAGER
from tests.actionplans.conftest import make_user
from tests.factories import ActionFactory, PersonFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 12  # a people page or form (6 to 9)
POST_BUDGET = 16  # a save through the service (8 to 12)
REASSIGN_BUDGET = 40  # the leaver's actions given to someone else: per action a few writes (7 actions: 33)


def person(user) -> Person:
    return Person.objects.get(user=user)


def last_audit(model: str) -> AuditEntry:
    return AuditEntry.objects.filter(model=model).latest("id")


def person_data(**changes) -> dict:
    data = {"name": "Gill Kaur", "job_title": "Head of adult social care", "email": "gill.kaur@example.gov.uk",
            "initials": "GK"}
    data.update(changes)
    return data


def test_anonymous_people_are_sent_to_sign_in_and_officers_are_refused(client, officer, leadership):
    someone = PersonFactory()
    urls = [reverse("people"), reverse("person_new"), reverse("person_edit", args=[someone.pk]),
            reverse("person_left", args=[someone.pk]), reverse("person_account", args=[someone.pk]),
            reverse("person_actions", args=[someone.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    for user in (officer, leadership):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
            assert client.post(url, person_data()).status_code in (403, 405), url
    assert not Person.objects.filter(name="Gill Kaur").exists()


def test_a_manager_adds_a_person_and_it_is_audited(client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(reverse("person_new")).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(reverse("person_new"), person_data())
    assert response.status_code == 302 and response.url == reverse("people")
    gill = Person.objects.get(name="Gill Kaur")
    assert gill.initials == "GK" and gill.user is None
    entry = last_audit("programmes.person")
    assert entry.action == "created" and entry.object_id == str(gill.pk) and entry.user == manager


def test_a_missing_name_and_a_bad_email_are_shown_beside_their_fields(client, manager):
    client.force_login(manager)
    response = client.post(reverse("person_new"), person_data(name="", email="not an email"))
    body = response.content.decode()
    assert response.status_code == 422 and 'class="govuk-error-summary"' in body
    for field_id, message in (("id_name", "Enter the person’s name"),
                              ("id_email", "Enter an email address in the correct format")):
        assert f'id="{field_id}-error"' in body and f'href="#{field_id}"' in body and body.count(message) == 2


def test_editing_a_person_is_audited_with_what_changed(client, manager, django_assert_max_num_queries):
    gill = PersonFactory(name="Gill Kaur", job_title="Service manager")
    client.force_login(manager)
    url = reverse("person_edit", args=[gill.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        assert client.post(url, person_data()).status_code == 302
    gill.refresh_from_db()
    assert gill.job_title == "Head of adult social care"
    assert last_audit("programmes.person").changes["job_title"] == ["Service manager", "Head of adult social care"]


def test_a_pseudonymised_persons_details_cannot_be_given_back(client, manager, django_assert_max_num_queries):
    former = PersonFactory(name="Former officer 1A2B", job_title="", initials="", left_on=date(2023, 1, 10),
                           pseudonymised_on=date(2025, 1, 9))
    client.force_login(manager)
    url = reverse("person_edit", args=[former.pk])
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(url, person_data(email="", job_title="", initials=""))
    assert response.status_code == 422
    assert "pseudonymised on 9 January 2025 under the retention schedule" in response.content.decode()
    assert Person.objects.get(pk=former.pk).name == "Former officer 1A2B"
    assert client.post(url, person_data(name="Former officer 1A2B", email="", job_title="", initials="")).status_code == 302
    body = client.get(reverse("people")).content.decode()
    assert "Pseudonymised 9 January 2025" in body


def test_the_people_list_pages_and_says_what_to_do_when_empty(client, office_admin, django_assert_max_num_queries):
    client.force_login(office_admin)
    PersonFactory.create_batch(60)
    with django_assert_max_num_queries(PAGE_BUDGET):
        body = client.get(reverse("people")).content.decode()
    assert body.count('data-person="') == 50 and "?page=2" in body
    Person.objects.all().delete()
    body = client.get(reverse("people")).content.decode()
    assert "No people yet" in body and reverse("person_new") in body


def test_marking_someone_as_left_records_the_date_and_goes_on_to_their_actions(client, plan, manager, officer,
                                                                               django_assert_max_num_queries):
    olly = person(officer)
    client.force_login(manager)
    url = reverse("person_left", args=[olly.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(url, {"left_on": "2024-09-30"})
    assert response.status_code == 302 and response.url == reverse("person_actions", args=[olly.pk])
    olly.refresh_from_db()
    assert olly.left_on == date(2024, 9, 30)
    assert last_audit("programmes.person").changes["left_on"] == [None, "2024-09-30"]


def test_a_leaving_date_is_required_and_said_beside_the_field(client, manager, officer):
    client.force_login(manager)
    response = client.post(reverse("person_left", args=[person(officer).pk]), {"left_on": ""})
    body = response.content.decode()
    assert response.status_code == 422 and 'id="id_left_on-error"' in body and body.count("Enter the date they left") == 2


def test_a_leavers_open_actions_are_listed_and_reassigned_in_the_managers_programmes_only(
        client, plan, manager, officer, colleague, django_assert_max_num_queries):
    olly, cara = person(officer), person(colleague)
    plan.programme.managers.add(person(manager))
    elsewhere = ActionFactory(responsible=olly, reference="ELSE.1")  # another programme: not Max's
    client.force_login(manager)
    url = reverse("person_actions", args=[olly.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = client.get(url)
    body = response.content.decode()
    assert "ASC2401.A" in body and "ASC2401.E" in body  # responsible, and delegated
    assert "ASC2401.F" not in body  # completed: nothing to hand over
    assert "ELSE.1" not in body and "ASC2401.G" not in body
    open_ids = [a.pk for a in (plan.overdue, plan.due_soon, plan.not_updated, plan.later, plan.delegated)]
    with django_assert_max_num_queries(REASSIGN_BUDGET):
        response = client.post(url, {"actions": [*open_ids, elsewhere.pk], "to_person": cara.pk})
    assert response.status_code == 422  # an action that was not offered is refused, nothing written
    assert 'id="id_actions-error"' in response.content.decode()
    with django_assert_max_num_queries(REASSIGN_BUDGET):
        response = client.post(url, {"actions": open_ids, "to_person": cara.pk})
    assert response.status_code == 302
    for action in (plan.overdue, plan.due_soon, plan.not_updated, plan.later):
        action.refresh_from_db()
        assert action.responsible == cara and action.version == 2
    assert list(plan.delegated.delegates.all()) == [cara]
    elsewhere.refresh_from_db()
    assert elsewhere.responsible == olly
    entries = AuditEntry.objects.filter(model="actionplans.action", action="updated")
    assert entries.count() == 5
    assert entries.get(object_id=str(plan.delegated.pk)).changes == {"delegates": ["Olly Officer", "Cara Colleague"]}


def test_actions_cannot_go_to_someone_who_has_left(client, plan, manager, officer, colleague):
    cara = person(colleague)
    cara.left_on = date(2024, 5, 1)
    cara.save()
    gone = PersonFactory(name="Gone Person", left_on=date(2024, 5, 1))
    plan.programme.managers.add(person(manager))
    client.force_login(manager)
    response = client.post(reverse("person_actions", args=[person(officer).pk]),
                           {"actions": [plan.overdue.pk], "to_person": gone.pk})
    assert response.status_code == 422 and 'id="id_to_person-error"' in response.content.decode()
    plan.overdue.refresh_from_db()
    assert plan.overdue.responsible == person(officer)


def test_only_admins_link_a_person_to_an_account(client, manager, office_admin, django_assert_max_num_queries):
    gill, account = PersonFactory(name="Gill Kaur"), UserFactory(username="gill.kaur")
    url = reverse("person_account", args=[gill.pk])
    client.force_login(manager)
    assert client.get(url).status_code == 403
    assert client.post(url, {"user": account.pk}).status_code == 403
    client.force_login(office_admin)
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        assert client.post(url, {"user": account.pk}).status_code == 302
    gill.refresh_from_db()
    assert gill.user == account
    assert last_audit("programmes.person").changes["user_id"] == [None, account.pk]


def test_an_account_already_linked_to_someone_else_is_refused_beside_the_field(client, office_admin, manager):
    gill = PersonFactory(name="Gill Kaur")
    client.force_login(office_admin)
    response = client.post(reverse("person_account", args=[gill.pk]), {"user": manager.pk})
    body = response.content.decode()
    assert response.status_code == 422 and 'id="id_user-error"' in body
    assert body.count("That account is already linked to Max Manager") == 2
    gill.refresh_from_db()
    assert gill.user is None


def test_a_manager_sees_their_own_new_programme_manager_rights_after_creating_one(client, db):
    # A programme manager's own person record is what makes a programme theirs.
    user = make_user(PROGRAMME_MANAGER, "pat.pm", name="Pat Pm")
    ProgrammeFactory(short_name="PAT").managers.add(person(user))
    client.force_login(user)
    assert "PAT:" in client.get(reverse("setup_home")).content.decode()
