"""Big files run in a Celery task from an ImportRun; the admin's door uses the same service."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action
from governance.imports.admin import ImportRunAdmin, ImportUploadForm
from governance.imports.service import (
    import_run_create,
    import_run_execute,
    import_run_progress,
    import_run_queue,
    import_run_update,
)
from programmes.models import ImportMapping, ImportRun

from .builders import seed_001
from .conftest import AS_AT

pytestmark = pytest.mark.django_db


def upload(programme, priya, capture):
    data, name = seed_001("xlsx")
    with capture(execute=True):
        run = import_run_create(data=data, file_name=name, by=priya, programme=programme, as_at=AS_AT)
    run.refresh_from_db()
    return run


def test_an_upload_is_kept_and_its_preview_runs_in_the_task_after_the_transaction(
        programme, priya, django_capture_on_commit_callbacks):
    data, name = seed_001("xlsx")
    with django_capture_on_commit_callbacks() as callbacks:
        run = import_run_create(data=data, file_name=name, by=priya, programme=programme, as_at=AS_AT)
        assert ImportRun.objects.get(pk=run.pk).status == "queued"
    assert len(callbacks) == 1

    callbacks[0]()

    run.refresh_from_db()
    assert (run.status, run.progress, run.file_size, bytes(run.data)) == ("preview", 100, len(data), data)
    assert run.summary["created"]["actions"] == 71 and run.rows_total == 82
    assert Action.objects.count() == 0


def test_committing_a_clean_preview_imports_it_and_records_who_asked(
        programme, priya, django_capture_on_commit_callbacks):
    run = upload(programme, priya, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        import_run_queue(run, commit=True)

    run.refresh_from_db()
    assert run.status == "committed" and run.summary["committed"] is True
    assert Action.objects.filter(programme=programme).count() == 71
    assert run.finished_at is not None
    assert import_run_progress(run) == {"status": "committed", "progress": 100, "rows_done": 82,
                                        "rows_total": 82, "finished": True}


def test_a_commit_with_errors_fails_and_writes_nothing(programme, priya, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_create(data=b"Ref.,Name,Due\nA1.1,Action,31/02/2024\n", file_name="bad.csv", by=priya,
                                programme=programme)

    run = import_run_execute(run.pk, commit=True)

    assert run.status == "failed" and run.summary["ok"] is False
    assert Action.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_kept(programme, priya, settings):
    settings.IMPORT_MAX_BYTES = 100

    with pytest.raises(ValidationError, match="the most the import takes"):
        import_run_create(data=b"x" * 101, file_name="big.csv", by=priya, programme=programme)
    assert ImportRun.objects.count() == 0


def test_the_admin_upload_form_refuses_a_file_of_the_wrong_kind(programme):
    form = ImportUploadForm(data={"programme": programme.pk, "mapping": "{}"},
                            files={"upload": SimpleUploadedFile("plan.pdf", b"%PDF")})

    assert not form.is_valid()
    assert "neither" in form.errors["upload"][0]


def test_the_admin_upload_creates_a_run_and_shows_its_preview(programme, priya, django_capture_on_commit_callbacks):
    data, name = seed_001("csv")
    form = ImportUploadForm(data={"programme": programme.pk, "as_at": "2024-06-30", "mapping": "{}"},
                            files={"upload": SimpleUploadedFile(name, data)})
    assert form.is_valid(), form.errors
    request = RequestFactory().post("/admin/")
    request.user = priya
    model_admin = ImportRunAdmin(ImportRun, admin.site)
    obj = form.save(commit=False)

    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(request, obj, form, change=False)

    run = ImportRun.objects.get(pk=obj.pk)
    assert run.status == "preview" and run.created_by == priya
    shown = model_admin.summary_display(run)
    assert "Ready to import." in shown and "ASC2401: the file says 47%, calculated 48%" in shown


def test_the_admin_pages_for_runs_and_mappings_render(admin_client, programme, priya,
                                                      django_capture_on_commit_callbacks):
    run = upload(programme, priya, django_capture_on_commit_callbacks)
    ImportMapping.objects.create(programme=programme, sheet_key="mixed", mapping={"Identifier": "ref"})

    pages = [reverse("admin:programmes_importrun_changelist"), reverse("admin:programmes_importrun_add"),
             reverse("admin:programmes_importrun_change", args=[run.pk]),
             reverse("admin:programmes_importmapping_changelist")]

    for url in pages:
        assert admin_client.get(url).status_code == 200, url
    change = admin_client.get(pages[2]).content.decode()
    assert "Ready to import." in change and "ASC2410: the file says 25%, calculated 26%" in change


def test_the_run_list_makes_the_same_number_of_queries_for_1_and_20_runs(admin_client, programme, priya):
    def add_run():
        ImportRun.objects.create(programme=programme, created_by=priya, file_name="plan.csv", data=b"x")

    url = reverse("admin:programmes_importrun_changelist")
    add_run()
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(url)
    for _ in range(19):
        add_run()
    with CaptureQueriesContext(connection) as twenty:
        admin_client.get(url)

    assert len(twenty) == len(one)


def test_the_admin_action_imports_a_clean_preview(admin_client, programme, priya,
                                                  django_capture_on_commit_callbacks):
    run = upload(programme, priya, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:programmes_importrun_changelist"),
                                     {"action": "commit_selected", "_selected_action": [run.pk]})

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "committed" and Action.objects.filter(programme=programme).count() == 71


def test_a_run_that_crashes_is_marked_failed_not_left_running(programme, priya, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    from governance.imports import service

    run = upload(programme, priya, django_capture_on_commit_callbacks)
    monkeypatch.setattr(service, "refresh_programmes", lambda ids: 1 / 0)

    run = import_run_execute(run.pk, commit=True)

    assert run.status == "failed" and "stopped unexpectedly" in run.summary["errors"][0]["message"]
    assert Action.objects.count() == 0


def test_an_imported_run_keeps_its_choices_and_is_not_checked_again(admin_client, programme, priya,
                                                                     django_capture_on_commit_callbacks):
    run = upload(programme, priya, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:programmes_importrun_changelist"),
                          {"action": "commit_selected", "_selected_action": [run.pk]})
    run.refresh_from_db()
    assert run.status == "committed"

    with pytest.raises(ValidationError, match="has been imported"):
        import_run_update(run, as_at=None, mapping={"Ref.": "ignore"})
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = admin_client.post(reverse("admin:programmes_importrun_change", args=[run.pk]),
                                     {"as_at": "", "mapping": "{}"})

    assert response.status_code == 302 and queued == []
    run.refresh_from_db()
    assert run.status == "committed" and run.as_at == AS_AT


def test_the_admin_preview_lists_changed_fields_and_links_to_the_whole_preview(
        admin_client, programme, priya, django_capture_on_commit_callbacks):
    run = upload(programme, priya, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:programmes_importrun_changelist"),
                          {"action": "commit_selected", "_selected_action": [run.pk]})
    Action.objects.filter(programme=programme, reference="ASC2401.A").update(title="An older title")
    again = upload(programme, priya, django_capture_on_commit_callbacks)

    html = admin_client.get(reverse("admin:programmes_importrun_change", args=[again.pk])).content.decode()

    assert "ASC2401.A: title “An older title” → “Develop an Adult Social Care savings" in html
    assert f'href="/imports/{again.pk}/"' in html
