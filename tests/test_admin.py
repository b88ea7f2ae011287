"""The programme office's admin: pages render, lists have a query budget, writes use services."""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans import admin as actionplans_admin
from actionplans import services as actionplans_services
from actionplans.models import Action, ProgressUpdate
from governance.models import Board, BoardMembership, Risk
from programmes.models import AuditEntry, Objective, Programme
from tests import factories as f

pytestmark = pytest.mark.django_db

FACTORIES = {
    "programmes.person": f.PersonFactory,
    "programmes.orgunit": f.OrgUnitFactory,
    "programmes.programme": f.ProgrammeFactory,
    "programmes.objective": f.ObjectiveFactory,
    "programmes.auditentry": f.AuditEntryFactory,
    "programmes.figuresversion": f.FiguresVersionFactory,
    "programmes.importmapping": f.ImportMappingFactory,
    "programmes.importrun": f.ImportRunFactory,
    "actionplans.action": f.ActionFactory,
    "actionplans.progressupdate": f.ProgressUpdateFactory,
    "actionplans.measure": f.MeasureFactory,
    "actionplans.measuretarget": f.MeasureTargetFactory,
    "actionplans.measurevalue": f.MeasureValueFactory,
    "governance.board": f.BoardFactory,
    "governance.boardmembership": f.BoardMembershipFactory,
    "governance.meeting": f.MeetingFactory,
    "programmes.reportingperiod": f.ReportingPeriodFactory,
    "governance.risk": f.RiskFactory,
    "governance.riskreview": f.RiskReviewFactory,
    "governance.assurancesource": f.AssuranceSourceFactory,
    "governance.assurance": f.AssuranceFactory,
    "governance.updateround": f.UpdateRoundFactory,
    "governance.roundmessage": f.RoundMessageFactory,
}
VIEW_ONLY = {"programmes.auditentry", "programmes.figuresversion", "actionplans.progressupdate", "governance.riskreview", "governance.updateround",
             "governance.roundmessage"}


def admin_url(label: str, view: str, *args) -> str:
    return reverse(f"admin:{label.replace('.', '_')}_{view}", args=args)


def form_data(response) -> dict:
    """What a browser would post back unchanged: the admin form and every inline row."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms.extend(formset.initial_forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            if isinstance(value, (list, tuple)):
                value = [getattr(v, "pk", v) for v in value]
            data[form.add_prefix(name)] = value
    return data


def test_every_model_of_the_three_apps_has_an_admin_with_a_factory():
    models = {
        m._meta.label_lower
        for label in ("programmes", "actionplans", "governance")
        for m in apps.get_app_config(label).get_models()
    }
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert models <= registered
    assert models == set(FACTORIES)


@pytest.mark.parametrize("label", FACTORIES)
def test_each_changelist_renders_with_data_and_a_search(admin_client, label):
    FACTORIES[label]()
    url = admin_url(label, "changelist")

    assert admin_client.get(url).status_code == 200
    # Searching exercises every search_fields lookup.
    assert admin_client.get(url, {"q": "2024"}).status_code == 200


@pytest.mark.parametrize("label", FACTORIES)
def test_each_change_page_renders(admin_client, label):
    obj = FACTORIES[label]()
    response = admin_client.get(admin_url(label, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("label", FACTORIES)
def test_each_add_page_renders_unless_the_records_are_immutable(admin_client, label):
    response = admin_client.get(admin_url(label, "add"))
    assert response.status_code == (403 if label in VIEW_ONLY else 200)


@pytest.mark.parametrize("label", FACTORIES)
def test_each_changelist_makes_the_same_number_of_queries_for_1_and_30_rows(admin_client, label):
    factory = FACTORIES[label]
    factory()
    url = admin_url(label, "changelist")
    admin_client.get(url)  # warm the session and content-type caches

    with CaptureQueriesContext(connection) as one:
        first = admin_client.get(url)
        assert first.status_code == 200
    factory.create_batch(29)
    with CaptureQueriesContext(connection) as thirty:
        response = admin_client.get(url)

    # 30, and for the audit trail the admin's own sign-in too
    assert response.context["cl"].result_count == first.context["cl"].result_count + 29
    assert len(thirty) == len(one), "\n".join(q["sql"] for q in thirty.captured_queries)


def test_the_action_changelist_shows_thirty_actions_in_a_fixed_number_of_queries(admin_client):
    objective = f.ObjectiveFactory()
    f.ActionFactory(objective=objective)
    url = admin_url("actionplans.action", "changelist")
    admin_client.get(url)

    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    f.ActionFactory.create_batch(29, objective=objective)
    with CaptureQueriesContext(connection) as thirty:
        response = admin_client.get(url)

    assert response.content.count(b'class="field-reference"') == 30
    assert len(thirty) == len(one)


def test_the_action_changelist_finds_an_action_by_its_responsible_officer(admin_client):
    f.ActionFactory(reference="ASC2401.A", responsible=f.PersonFactory(name="Gill Kay"))
    f.ActionFactory(reference="ASC2402.A")

    response = admin_client.get(admin_url("actionplans.action", "changelist"), {"q": "Gill"})

    assert [a.reference for a in response.context["cl"].result_list] == ["ASC2401.A"]


def test_the_action_changelist_filters_by_computed_rag(admin_client):
    f.ActionFactory(reference="RED1", computed_rag="red")
    f.ActionFactory(reference="GREEN1", computed_rag="green")

    response = admin_client.get(
        admin_url("actionplans.action", "changelist"), {"computed_rag__exact": "red"}
    )

    assert [a.reference for a in response.context["cl"].result_list] == ["RED1"]


# Writes go through the services, audited as "admin"


def test_adding_a_board_in_the_admin_is_audited_as_admin(admin_client, admin_user):
    chair = f.PersonFactory(name="Director of Adult Social Care")
    data = form_data(admin_client.get(admin_url("governance.board", "add")))
    data.update(
        {
            "name": "Adult social care change board",
            "short_name": "ASCCB",
            "memberships-TOTAL_FORMS": 1,
            "memberships-0-person": chair.pk,
            "memberships-0-role": "chair",
        }
    )

    response = admin_client.post(admin_url("governance.board", "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    board = Board.objects.get(short_name="ASCCB")
    entry = AuditEntry.objects.get(model="governance.board")
    assert (entry.action, entry.channel, entry.user, entry.object_id) == (
        "created",
        "admin",
        admin_user,
        str(board.pk),
    )
    membership = BoardMembership.objects.get(board=board)
    assert membership.person == chair
    assert AuditEntry.objects.filter(
        model="governance.boardmembership",
        object_id=str(membership.pk),
        channel="admin",
        action="created",
    ).exists()


def test_changing_an_action_in_the_admin_bumps_its_version_and_is_audited(admin_client, admin_user):
    action = f.ActionFactory(title="Old title")
    url = admin_url("actionplans.action", "change", action.pk)
    data = form_data(admin_client.get(url))
    data["title"] = "Review all carers' assessments"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.version) == ("Review all carers' assessments", 2)
    entry = AuditEntry.objects.get(model="actionplans.action")
    assert (entry.action, entry.channel, entry.user) == ("updated", "admin", admin_user)
    assert entry.changes["title"] == ["Old title", "Review all carers' assessments"]


def test_the_admin_cannot_overwrite_an_officers_progress(admin_client):
    action = f.ActionFactory(percent=25, status="in_progress")
    url = admin_url("actionplans.action", "change", action.pk)
    data = form_data(admin_client.get(url))
    data.update(percent=90, status="completed")

    admin_client.post(url, data)

    action.refresh_from_db()
    assert (action.percent, action.status) == (25, "in_progress")


def test_the_admin_refuses_an_action_reference_already_used_in_the_programme(admin_client):
    taken = f.ActionFactory(reference="ASC2401.A")
    action = f.ActionFactory(
        objective=f.ObjectiveFactory(programme=taken.programme), reference="ASC2401.B"
    )
    url = admin_url("actionplans.action", "change", action.pk)
    data = form_data(admin_client.get(url))
    data["reference"] = "ASC2401.A"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Another action in this programme already has this reference" in str(
        response.context["adminform"].form.errors
    )
    assert Action.objects.get(pk=action.pk).version == 1


def test_adding_an_action_in_the_admin_puts_it_in_its_objectives_programme(
    admin_client, admin_user
):
    objective = f.ObjectiveFactory()
    url = admin_url("actionplans.action", "add")
    data = form_data(admin_client.get(url))
    data.update(
        objective=objective.pk,
        reference="ASC2401.A",
        title="Review carers' assessments",
        start_date="2024-04-01",
        due_date="2025-03-31",
        weight="1",
        order="0",
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    action = Action.objects.get(reference="ASC2401.A")
    assert (action.programme, action.version) == (objective.programme, 1)
    entry = AuditEntry.objects.get(model="actionplans.action")
    assert (entry.action, entry.channel, entry.user) == ("created", "admin", admin_user)


def test_the_admin_refuses_an_objective_reference_already_used_in_the_programme(admin_client):
    taken = f.ObjectiveFactory(reference="ASC2401")
    objective = f.ObjectiveFactory(programme=taken.programme, reference="ASC2402")
    url = admin_url("programmes.objective", "change", objective.pk)
    data = form_data(admin_client.get(url))
    data["reference"] = "ASC2401"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Another objective in this programme already has this reference" in str(response.context["adminform"].form.errors)
    assert Objective.objects.get(pk=objective.pk).reference == "ASC2402"


def test_the_admin_refuses_to_put_an_objective_under_its_own_child(admin_client):
    theme = f.ObjectiveFactory(reference="T1")
    child = f.ObjectiveFactory(programme=theme.programme, parent=theme, reference="T1.1")
    url = admin_url("programmes.objective", "change", theme.pk)
    data = form_data(admin_client.get(url))
    data["parent"] = child.pk

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "cannot sit under itself" in str(response.context["adminform"].form.errors)
    assert Objective.objects.get(pk=theme.pk).parent_id is None
    assert not AuditEntry.objects.exclude(model="auth.user").exists()  # only the admin's sign-in


def test_saving_a_programme_in_the_admin_refreshes_it_after_its_managers_are_set(
    admin_client, monkeypatch
):
    programme = f.ProgrammeFactory()
    manager = f.PersonFactory()
    managers_at_refresh = []
    monkeypatch.setattr(
        actionplans_services,
        "programme_refresh",
        lambda *, programme_id, **_: managers_at_refresh.append(
            list(Programme.objects.get(pk=programme_id).managers.all())
        ),
    )
    url = admin_url("programmes.programme", "change", programme.pk)
    data = form_data(admin_client.get(url))
    data.update(name="Adult social care improvement programme", managers=[manager.pk])

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert managers_at_refresh == [[manager]]
    entry = AuditEntry.objects.get(model="programmes.programme")
    assert (entry.action, entry.channel) == ("updated", "admin")


def test_deleting_a_risk_in_the_admin_is_audited_as_admin(admin_client, admin_user):
    risk = f.RiskFactory(reference="R01")

    response = admin_client.post(admin_url("governance.risk", "delete", risk.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Risk.objects.exists()
    entry = AuditEntry.objects.exclude(model="auth.user").get()  # not the admin's sign-in
    assert (entry.action, entry.channel, entry.user, entry.object_id) == (
        "deleted",
        "admin",
        admin_user,
        str(risk.pk),
    )


def test_deleting_an_objective_in_the_admin_is_audited_and_refreshes_its_programme(
    admin_client, monkeypatch
):
    objective = f.ObjectiveFactory()
    refreshed = []
    monkeypatch.setattr(
        actionplans_services,
        "programme_refresh",
        lambda *, programme_id, **_: refreshed.append(programme_id),
    )

    response = admin_client.post(
        admin_url("programmes.objective", "delete", objective.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert refreshed == [objective.programme_id]
    assert AuditEntry.objects.filter(
        model="programmes.objective", action="deleted", channel="admin"
    ).exists()


def test_the_recalculate_action_refreshes_each_selected_programme(admin_client, monkeypatch):
    programmes = f.ProgrammeFactory.create_batch(2)
    refreshed = []
    monkeypatch.setattr(
        actionplans_admin,
        "programme_refresh",
        lambda *, programme_id, **_: refreshed.append(programme_id),
    )

    response = admin_client.post(
        admin_url("programmes.programme", "changelist"),
        {
            "action": "recalculate",
            "_selected_action": [p.pk for p in programmes],
        },
    )

    assert response.status_code == 302
    assert sorted(refreshed) == sorted(p.pk for p in programmes)


def test_deleting_selected_actions_in_the_admin_audits_each_one(admin_client):
    actions = f.ActionFactory.create_batch(2)

    response = admin_client.post(
        admin_url("actionplans.action", "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in actions],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not Action.objects.exists()
    assert sorted(
        AuditEntry.objects.filter(action="deleted", channel="admin").values_list(
            "object_id", flat=True
        )
    ) == sorted(str(a.pk) for a in actions)


def test_adding_a_measure_value_in_the_admin_goes_through_the_measure_service(
    admin_client, admin_user
):
    measure = f.MeasureFactory()
    period = f.ReportingPeriodFactory(quarter=1)
    url = admin_url("actionplans.measurevalue", "add")
    data = form_data(admin_client.get(url))
    data.update(
        measure=measure.pk, period=period.pk, value="72.5", note="<script>x</script>Checked"
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    value = measure.values.get()
    assert (value.entered_by, value.note) == (admin_user, "Checked")
    assert AuditEntry.objects.filter(model="actionplans.measurevalue", channel="admin").exists()


@pytest.mark.parametrize("existing", [False, True], ids=["new value", "correction"])
def test_a_value_its_unit_does_not_allow_is_refused_on_the_admin_form(admin_client, existing):
    measure = f.MeasureFactory(unit="number")
    period = f.ReportingPeriodFactory(quarter=1)
    value = f.MeasureValueFactory(measure=measure, period=period, value=5) if existing else None
    url = admin_url("actionplans.measurevalue", "change", value.pk) if existing else admin_url(
        "actionplans.measurevalue", "add")
    data = form_data(admin_client.get(url))
    data.update(measure=measure.pk, period=period.pk, value="-3")

    response = admin_client.post(url, data)

    assert response.status_code == 200  # the form again, not a server error
    assert "A count cannot be negative." in response.content.decode()
    assert list(measure.values.values_list("value", flat=True)) == ([5] if existing else [])


# Immutable records


@pytest.mark.parametrize("label", sorted(VIEW_ONLY))
def test_immutable_records_can_be_viewed_but_not_changed_or_deleted(admin_client, label):
    obj = FACTORIES[label]()
    change = admin_url(label, "change", obj.pk)

    assert admin_client.get(change).status_code == 200
    assert admin_client.post(change, {}).status_code == 403
    assert admin_client.post(admin_url(label, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_action_page_lists_its_latest_updates(admin_client):
    update = f.ProgressUpdateFactory(
        effective_date=date(2024, 6, 30), percent=40, author_name="Gill Kay"
    )

    response = admin_client.get(admin_url("actionplans.action", "change", update.action.pk))

    assert "30 June 2024: 40%, In progress (Gill Kay, browser)" in response.content.decode()
    assert ProgressUpdate.objects.count() == 1
