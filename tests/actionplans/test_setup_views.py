"""The set-up pages through the test client: who may use each (anonymous, the wrong role, another
programme's manager), the service's messages beside the fields with an error summary, the database
and the audit trail after, and a query budget for each page and post."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplans.models import Action, Measure, MeasureTarget
from actionplans.rollup import stored_matches_fresh
from programmes.models import AuditEntry, Objective, Person, Programme
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db

# The most queries each response may make: what it makes today (in brackets), with a little room.
# They do not grow with the programme: the refresh loads a tree in a fixed number of queries.
PAGE_BUDGET = 14  # a set-up form page (9 to 12)
PREVIEW_BUDGET = 24  # the programme form with the settings preview (21)
POST_BUDGET = 56  # a save: the form's and the service's validation, audit, refresh of the figures (31 to 52)
DELETE_PAGE_BUDGET = 40  # the confirmation, collecting what goes with it (depends on the tree's depth)
DELETE_BUDGET = 75  # the collection again, then the deletion and the refresh (70)
TREE_BUDGET = 12  # the programme's set-up page (9), whatever its size


def person(user) -> Person:
    return Person.objects.get(user=user)


@pytest.fixture
def managed(plan, manager):
    """Max manages the plan's programme."""
    plan.programme.managers.add(person(manager))
    return plan


@pytest.fixture
def other_manager(db):
    from programmes.roles import PROGRAMME_MANAGER
    from tests.actionplans.conftest import make_user

    user = make_user(PROGRAMME_MANAGER, "mo.other", name="Mo Other")
    ProgrammeFactory(short_name="OTHER").managers.add(person(user))
    return user


def audits(model: str, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model=model, action=action).order_by("id"))


def errors_shown(response, field_id: str, message: str) -> None:
    """The message is beside the field and in the error summary, which links to the field."""
    body = response.content.decode()
    assert response.status_code == 422, response.status_code
    assert 'class="govuk-error-summary"' in body
    assert f'id="{field_id}-error"' in body
    assert f'href="#{field_id}"' in body or f'href="#{field_id}-day"' in body  # a date links to its first box
    assert body.count(message) >= 2, f"{message!r} should be beside the field and in the summary"


def refused(client, url, *, post=None) -> int:
    response = client.post(url, post or {}) if post is not None else client.get(url)
    return response.status_code


# ---------------------------------------------------------------- who may use the pages


def setup_urls(plan) -> list[str]:
    objective, action = plan.objective, plan.overdue
    measure = MeasureFactory(programme=plan.programme)
    return [
        reverse("setup_programme", args=[plan.programme.pk]),
        reverse("setup_programme_edit", args=[plan.programme.pk]),
        reverse("setup_objective_new", args=[plan.programme.pk]),
        reverse("setup_measure_new", args=[plan.programme.pk]),
        reverse("setup_objective_edit", args=[objective.pk]),
        reverse("setup_objective_move", args=[objective.pk]),
        reverse("setup_objective_delete", args=[objective.pk]),
        reverse("setup_action_new", args=[objective.pk]),
        reverse("setup_action_edit", args=[action.pk]),
        reverse("setup_action_move", args=[action.pk]),
        reverse("setup_action_delete", args=[action.pk]),
        reverse("setup_measure_edit", args=[measure.pk]),
        reverse("setup_measure_targets", args=[measure.pk]),
    ]


def test_anonymous_people_are_sent_to_sign_in_from_every_set_up_page(client, plan):
    for url in [reverse("setup_home"), reverse("setup_programme_new"), reverse("people"),
                *setup_urls(plan)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_officers_leadership_and_clerks_are_refused_every_set_up_page(client, plan, officer, leadership, clerk):
    urls = [reverse("setup_home"), reverse("setup_programme_new"), reverse("people"), *setup_urls(plan)]
    for user in (officer, leadership, clerk):
        client.force_login(user)
        for url in urls:
            assert refused(client, url) == 403, (user.username, url)
        assert refused(client, reverse("setup_objective_reorder", args=[plan.objective.pk]),
                       post={"direction": "up"}) == 403


def test_another_programmes_manager_is_refused_this_programmes_pages_and_posts(client, managed, other_manager):
    client.force_login(other_manager)
    for url in setup_urls(managed):
        assert refused(client, url) == 403, url
        assert refused(client, url, post={"title": "Hijacked"}) in (403, 405), url  # 405: a page that is GET only
    assert Objective.objects.filter(title="Hijacked").count() == 0


def test_a_manager_sees_only_their_own_programmes_and_an_admin_sees_all(client, managed, manager, admin_user,
                                                                        other_manager, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(PAGE_BUDGET):
        body = client.get(reverse("setup_home")).content.decode()
    assert "ASC: Adult social care action plan" in body and "OTHER" not in body
    client.force_login(admin_user)
    body = client.get(reverse("setup_home")).content.decode()
    assert "ASC: Adult social care action plan" in body and "OTHER" in body


def test_a_manager_with_no_programmes_is_told_what_to_do_next(client, manager):
    body = client.get(reverse("setup_home")).content.decode() if client.force_login(manager) is None else ""
    assert "No programmes to set up yet" in body and reverse("setup_programme_new") in body


def test_the_navigation_offers_set_up_to_managers_and_admins_only(client, manager, officer):
    client.force_login(manager)
    assert f'href="{reverse("setup_home")}"' in client.get(reverse("my_actions")).content.decode()
    client.force_login(officer)
    assert f'href="{reverse("setup_home")}"' not in client.get(reverse("my_actions")).content.decode()


def test_the_programme_dashboard_links_its_managers_to_set_up_and_not_leadership(client, managed, manager,
                                                                                 leadership):
    url, setup = reverse("programme_dashboard", args=[managed.programme.pk]), reverse(
        "setup_programme", args=[managed.programme.pk])
    client.force_login(manager)
    assert setup in client.get(url).content.decode()
    client.force_login(leadership)
    assert setup not in client.get(url).content.decode()


# ---------------------------------------------------------------- programmes


def programme_data(**changes) -> dict:
    data = {"name": "Workforce development strategy", "short_name": "WDS", "description": "",
            "start_date": "2024-04-01", "end_date": "2026-03-31", "status": "active", "owner": "",
            "managers": [], "percent_method": "mean_of_children", "rag_policy": "proportion",
            "rag_green_threshold": "90", "rag_red_threshold": "70", "excluded_statuses": ["cancelled", "deferred"],
            "stale_after_days": "45", "manual_difference_points": "5"}
    data.update(changes)
    return data


def test_a_manager_creates_a_programme_and_is_its_manager(client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(reverse("setup_programme_new")).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(reverse("setup_programme_new"), programme_data())
    programme = Programme.objects.get(short_name="WDS")
    assert response.status_code == 302 and response.url == reverse("setup_programme", args=[programme.pk])
    assert list(programme.managers.all()) == [person(manager)]
    assert programme.start_date == date(2024, 4, 1)
    entry = audits("programmes.programme", "created")[-1]
    assert entry.object_id == str(programme.pk) and entry.user == manager and entry.channel == "browser"


def test_a_programme_manager_without_a_person_may_not_create_one(client, db):
    from programmes.roles import PROGRAMME_MANAGER
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=PROGRAMME_MANAGER))
    assert client.get(reverse("setup_programme_new")).status_code == 403


def test_a_taken_reference_is_shown_beside_the_field(client, managed, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("setup_programme_new"), programme_data(short_name="ASC"))
    errors_shown(response, "id_short_name", "Another programme already has this reference")
    assert not Programme.objects.filter(name="Workforce development strategy").exists()


def test_the_services_threshold_rule_is_shown_beside_the_red_threshold(client, managed, manager):
    client.force_login(manager)
    url = reverse("setup_programme_edit", args=[managed.programme.pk])
    response = client.post(url, programme_data(short_name="ASC", rag_red_threshold="95"))
    errors_shown(response, "id_rag_red_threshold", "the Red threshold must not be above the Green one")
    managed.programme.refresh_from_db()
    assert managed.programme.rag_red_threshold == 70


def test_preview_shows_todays_figure_before_and_after_and_saves_nothing(client, managed, manager,
                                                                         django_assert_max_num_queries):
    client.force_login(manager)
    url = reverse("setup_programme_edit", args=[managed.programme.pk])
    audits_before = AuditEntry.objects.count()
    with django_assert_max_num_queries(PREVIEW_BUDGET):
        response = client.post(url, programme_data(short_name="ASC", name=managed.programme.name,
                                                   rag_policy="worst", preview="1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "What these settings would do to today’s figures" in body
    preview = response.context["preview"]
    assert preview.programme.rag_before.value == managed.programme.rollup_rag
    assert preview.programme.rag_after.value == "red"  # an overdue action is Red: the worst child rules
    assert "→ after:" in body
    managed.programme.refresh_from_db()
    assert managed.programme.rag_policy == "proportion" and AuditEntry.objects.count() == audits_before


def test_saving_new_settings_changes_the_stored_figures_and_is_audited(client, managed, manager,
                                                                        django_assert_max_num_queries):
    client.force_login(manager)
    url = reverse("setup_programme_edit", args=[managed.programme.pk])
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(url, programme_data(short_name="ASC", name=managed.programme.name,
                                                   rag_policy="worst", managers=[person(manager).pk]))
    assert response.status_code == 302
    managed.programme.refresh_from_db()
    assert managed.programme.rag_policy == "worst" and managed.programme.rollup_rag == "red"
    assert stored_matches_fresh([managed.programme.pk]) == []
    entry = audits("programmes.programme", "updated")[-1]
    assert entry.changes["rag_policy"] == ["proportion", "worst"]


def test_the_set_up_page_shows_the_tree_in_a_fixed_number_of_queries(client, managed, manager,
                                                                       django_assert_max_num_queries):
    client.force_login(manager)
    for n in range(10):
        ActionFactory(objective=managed.theme, reference=f"ASC24.{n}")
    with django_assert_max_num_queries(TREE_BUDGET):
        response = client.get(reverse("setup_programme", args=[managed.programme.pk]))
    body = response.content.decode()
    assert "ASC2401 Improve the front door" in body and "ASC24.9" in body and "Olly Officer" in body


def test_an_empty_programme_says_to_add_the_first_objective(client, manager, admin_user):
    client.force_login(admin_user)
    programme = ProgrammeFactory()
    body = client.get(reverse("setup_programme", args=[programme.pk])).content.decode()
    assert "No objectives yet" in body and "Add the first objective" in body and "No measures yet" in body


# ---------------------------------------------------------------- objectives


def objective_data(**changes) -> dict:
    data = {"parent": "", "reference": "ASC25", "title": "Carers are supported", "kind": "theme",
            "description": "", "owner": "", "leads": [], "due_date": "", "weight": "1", "manual_percent": ""}
    data.update(changes)
    return data


def test_a_manager_adds_an_objective_under_another(client, managed, manager, officer, django_assert_max_num_queries):
    client.force_login(manager)
    url = reverse("setup_objective_new", args=[managed.programme.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url, {"parent": managed.theme.pk}).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(url, objective_data(parent=managed.theme.pk, owner=person(officer).pk,
                                                   leads=[person(manager).pk]))
    assert response.status_code == 302
    made = Objective.objects.get(reference="ASC25")
    assert made.parent == managed.theme and made.owner == person(officer)
    assert list(made.leads.all()) == [person(manager)]
    assert audits("programmes.objective", "created")[-1].object_id == str(made.pk)


def test_an_objective_reference_already_used_is_shown_beside_the_reference(client, managed, manager):
    client.force_login(manager)
    response = client.post(reverse("setup_objective_new", args=[managed.programme.pk]),
                           objective_data(reference="ASC2401"))
    errors_shown(response, "id_reference", "already has this reference")


def test_a_missing_title_is_shown_beside_the_title(client, managed, manager):
    client.force_login(manager)
    response = client.post(reverse("setup_objective_new", args=[managed.programme.pk]), objective_data(title=""))
    errors_shown(response, "id_title", "Enter the objective’s title")


def test_editing_an_objective_is_audited_with_what_changed(client, managed, manager, django_assert_max_num_queries):
    client.force_login(manager)
    url = reverse("setup_objective_edit", args=[managed.objective.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    data = objective_data(reference="ASC2401", title="Improve the front door for carers", kind="objective")
    data.pop("parent")
    with django_assert_max_num_queries(POST_BUDGET):
        assert client.post(url, data).status_code == 302
    managed.objective.refresh_from_db()
    assert managed.objective.title == "Improve the front door for carers"
    entry = audits("programmes.objective", "updated")[-1]
    assert entry.changes["title"] == ["Improve the front door", "Improve the front door for carers"]


def test_moving_an_objective_under_its_own_child_is_refused_with_a_clear_message(client, managed, manager):
    client.force_login(manager)
    response = client.post(reverse("setup_objective_move", args=[managed.theme.pk]),
                           {"parent": managed.objective.pk})
    errors_shown(response, "id_parent", "An objective cannot sit under itself or its own children")
    assert "ASC2401 sits under ASC24" in response.content.decode()
    managed.theme.refresh_from_db()
    assert managed.theme.parent is None


def test_moving_an_objective_to_the_top_refreshes_the_figures_and_is_audited(client, managed, manager,
                                                                             django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(reverse("setup_objective_move", args=[managed.objective.pk]), {"parent": ""})
    assert response.status_code == 302
    managed.objective.refresh_from_db()
    assert managed.objective.parent is None
    assert stored_matches_fresh([managed.programme.pk]) == []
    assert audits("programmes.objective", "updated")[-1].changes["parent_id"] == [managed.theme.pk, None]


def test_reordering_swaps_an_objective_with_the_one_above(client, managed, manager, django_assert_max_num_queries):
    second = ObjectiveFactory(programme=managed.programme, reference="ASC23", title="Second", order=5)
    client.force_login(manager)
    url = reverse("setup_objective_reorder", args=[second.pk])
    with django_assert_max_num_queries(POST_BUDGET):
        assert client.post(url, {"direction": "up"}).status_code == 302
    tops = list(Objective.objects.filter(programme=managed.programme, parent=None).order_by("order"))
    assert [o.reference for o in tops] == ["ASC23", "ASC24"]
    assert {e.object_id for e in audits("programmes.objective", "updated")} == {str(second.pk), str(managed.theme.pk)}
    assert client.get(url).status_code == 405


def test_the_delete_page_names_everything_that_goes_and_the_post_deletes_it(client, managed, manager,
                                                                            django_assert_max_num_queries):
    ProgressUpdateFactory(action=managed.overdue)
    client.force_login(manager)
    url = reverse("setup_objective_delete", args=[managed.theme.pk])
    with django_assert_max_num_queries(DELETE_PAGE_BUDGET):
        response = client.get(url)
    body = response.content.decode()
    assert "Objective ASC2401 Improve the front door" in body
    assert "Action ASC2401.A Review the contact centre scripts" in body
    assert "1 progress update" in body
    with django_assert_max_num_queries(DELETE_BUDGET):
        assert client.post(url).status_code == 302
    assert not Objective.objects.filter(programme=managed.programme).exists()
    assert not Action.objects.filter(programme=managed.programme).exists()
    assert audits("programmes.objective", "deleted")[-1].object_id == str(managed.theme.pk)
    assert stored_matches_fresh([managed.programme.pk]) == []


# ---------------------------------------------------------------- actions and milestones


def action_data(**changes) -> dict:
    data = {"reference": "ASC2401.H", "title": "Write the carers' strategy", "description": "", "responsible": "",
            "leads": [], "delegates": [], "start_date": "2024-04-01", "due_date": "2025-03-31", "weight": "1"}
    data.update(changes)
    return data


def test_a_manager_adds_an_action_with_its_owners(client, managed, manager, officer, colleague,
                                                  django_assert_max_num_queries):
    client.force_login(manager)
    url = reverse("setup_action_new", args=[managed.objective.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(url, action_data(responsible=person(officer).pk, delegates=[person(colleague).pk],
                                                is_milestone="on"))
    assert response.status_code == 302
    action = Action.objects.get(reference="ASC2401.H")
    assert action.responsible == person(officer) and list(action.delegates.all()) == [person(colleague)]
    assert action.is_milestone and action.programme == managed.programme
    assert audits("actionplans.action", "created")[-1].object_id == str(action.pk)
    assert stored_matches_fresh([managed.programme.pk]) == []


def test_a_due_date_before_the_start_is_shown(client, managed, manager):
    client.force_login(manager)
    response = client.post(reverse("setup_action_new", args=[managed.objective.pk]),
                           action_data(start_date="2025-04-01", due_date="2025-03-31"))
    errors_shown(response, "id_due_date", "The due date must be on or after the start date, 1 April 2025.")
    assert not Action.objects.filter(reference="ASC2401.H").exists()


def test_an_action_reference_already_used_is_shown_beside_the_reference(client, managed, manager):
    client.force_login(manager)
    response = client.post(reverse("setup_action_new", args=[managed.objective.pk]),
                           action_data(reference="ASC2401.A"))
    errors_shown(response, "id_reference", "already has this reference")


def test_editing_an_action_changes_its_owner_and_is_audited(client, managed, manager, colleague,
                                                            django_assert_max_num_queries):
    client.force_login(manager)
    url = reverse("setup_action_edit", args=[managed.later.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(url, action_data(reference="ASC2401.D", title="Set up the reablement pilot",
                                                responsible=person(colleague).pk, weight="2"))
    assert response.status_code == 302
    managed.later.refresh_from_db()
    assert managed.later.responsible == person(colleague) and managed.later.weight == Decimal("2")
    changes = audits("actionplans.action", "updated")[-1].changes
    assert changes["responsible_id"][1] == person(colleague).pk and changes["weight"] == ["1", "2"]


def test_moving_an_action_to_another_objective(client, managed, manager, django_assert_max_num_queries):
    client.force_login(manager)
    url = reverse("setup_action_move", args=[managed.later.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        assert client.post(url, {"objective": managed.theme.pk}).status_code == 302
    managed.later.refresh_from_db()
    assert managed.later.objective == managed.theme
    assert stored_matches_fresh([managed.programme.pk]) == []


def test_an_action_cannot_be_moved_into_a_programme_the_manager_does_not_run(client, managed, manager,
                                                                             other_manager):
    elsewhere = ObjectiveFactory(programme=Programme.objects.get(short_name="OTHER"))
    client.force_login(manager)
    response = client.post(reverse("setup_action_move", args=[managed.later.pk]), {"objective": elsewhere.pk})
    errors_shown(response, "id_objective", "Choose an objective from the list")
    managed.later.refresh_from_db()
    assert managed.later.objective == managed.objective


def test_deleting_an_action_names_its_history_then_deletes_it(client, managed, manager,
                                                             django_assert_max_num_queries):
    ProgressUpdateFactory.create_batch(2, action=managed.later)
    client.force_login(manager)
    url = reverse("setup_action_delete", args=[managed.later.pk])
    with django_assert_max_num_queries(DELETE_PAGE_BUDGET):
        body = client.get(url).content.decode()
    assert "Delete action ASC2401.D" in body and "2 progress updates" in body
    with django_assert_max_num_queries(POST_BUDGET):
        assert client.post(url).status_code == 302
    assert not Action.objects.filter(pk=managed.later.pk).exists()
    assert audits("actionplans.action", "deleted")[-1].object_id == str(managed.later.pk)


# ---------------------------------------------------------------- measures


def measure_data(**changes) -> dict:
    data = {"reference": "KPI 1", "title": "Contacts resolved at first contact", "description": "",
            "unit": "percentage", "polarity": "higher", "frequency": "quarterly", "tolerance": "10",
            "tolerance_kind": "percent", "owner": "", "objectives": []}
    data.update(changes)
    return data


def test_a_manager_adds_a_measure_then_sets_its_targets(client, managed, manager, django_assert_max_num_queries):
    q1, q2 = ReportingPeriodFactory(quarter=1), ReportingPeriodFactory(quarter=2)
    client.force_login(manager)
    url = reverse("setup_measure_new", args=[managed.programme.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(url, measure_data(objectives=[managed.objective.pk]))
    measure = Measure.objects.get(reference="KPI 1")
    assert response.url == reverse("setup_measure_targets", args=[measure.pk])
    assert list(measure.objectives.all()) == [managed.objective]
    assert audits("actionplans.measure", "created")[-1].object_id == str(measure.pk)

    targets = reverse("setup_measure_targets", args=[measure.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(targets).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(targets, {f"value_{q1.pk}": "75", f"text_{q1.pk}": "", f"value_{q2.pk}": "",
                                         f"text_{q2.pk}": "TBC"})
    assert response.status_code == 302
    saved = {t.period_id: t for t in MeasureTarget.objects.filter(measure=measure)}
    assert saved[q1.pk].value == Decimal("75") and saved[q2.pk].text == "TBC" and saved[q2.pk].value is None
    assert len(audits("actionplans.measuretarget", "created")) == 2

    client.post(targets, {f"value_{q1.pk}": "", f"text_{q1.pk}": "", f"value_{q2.pk}": "", f"text_{q2.pk}": "TBC"})
    assert not MeasureTarget.objects.filter(measure=measure, period=q1).exists()
    assert audits("actionplans.measuretarget", "deleted")[-1].object_id == str(saved[q1.pk].pk)


def test_a_band_target_needs_both_ends_and_says_so_beside_the_field(client, managed, manager):
    q1 = ReportingPeriodFactory(quarter=1)
    measure = MeasureFactory(programme=managed.programme, polarity="band")
    client.force_login(manager)
    response = client.post(reverse("setup_measure_targets", args=[measure.pk]),
                           {f"band_low_{q1.pk}": "10", f"band_high_{q1.pk}": "", f"text_{q1.pk}": ""})
    errors_shown(response, f"id_band_low_{q1.pk}", "Enter the bottom and top of the band")
    assert not MeasureTarget.objects.filter(measure=measure).exists()


def test_editing_a_measure_is_audited(client, managed, manager, django_assert_max_num_queries):
    measure = MeasureFactory(programme=managed.programme, reference="KPI 9")
    client.force_login(manager)
    url = reverse("setup_measure_edit", args=[measure.pk])
    with django_assert_max_num_queries(PAGE_BUDGET):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(POST_BUDGET):
        response = client.post(url, measure_data(reference="KPI 9", polarity="lower", tolerance="5",
                                                 tolerance_kind="absolute", amber_if_improving="on"))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.polarity == "lower" and measure.tolerance == Decimal("5") and measure.amber_if_improving
    assert audits("actionplans.measure", "updated")[-1].changes["polarity"] == ["higher", "lower"]


def test_a_measure_reference_already_used_is_shown_beside_the_reference(client, managed, manager):
    MeasureFactory(programme=managed.programme, reference="KPI 1")
    client.force_login(manager)
    response = client.post(reverse("setup_measure_new", args=[managed.programme.pk]), measure_data())
    errors_shown(response, "id_reference", "already has this reference")
