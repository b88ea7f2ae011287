"""Every file sent in is in the audit trail as "uploaded", kept or refused: who, the door, its name,
size and SHA-256, and what became of it. The programme office's remembered column mappings are audited
whether the import or the admin saves them."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from governance.imports.service import import_run_create
from programmes.models import AuditEntry, ImportMapping, ImportRun
from programmes.roles import ADMIN
from tests.factories import ProgrammeFactory, UserFactory
from tests.governance.imports.builders import big_plan_rows, csv_bytes

pytestmark = pytest.mark.django_db

PLAN = csv_bytes(big_plan_rows(3))
UNKNOWN_HEADING_ROWS = [["Ref.", "Name", "Finish by", "% Complete"],
                        ["P1", "Support carers", None, None],
                        ["P1.1", "Publish the carers' offer", "30/09/2024", "40%"]]


@pytest.fixture
def priya(db):
    """Priya runs the programme office and does the imports."""
    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=ADMIN)


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Adult social care action plan 2024/25", short_name="ASC2425", owner=None)


def uploads():
    return list(AuditEntry.objects.filter(action="uploaded").order_by("id"))


def send(client, programme, data: bytes, name: str, **fields):
    return client.post(reverse("import_new"), {
        "programme": programme.pk, "new_programme_name": "", "as_at": "2024-06-30",
        "upload": SimpleUploadedFile(name, data, content_type="text/csv"), **fields,
    }, headers={"X-Request-ID": "upload-req-1"})


def test_a_file_uploaded_in_the_browser_is_audited_with_its_size_digest_and_run(client, priya, programme):
    client.force_login(priya)

    response = send(client, programme, PLAN, "plan.csv")

    run = ImportRun.objects.get()
    assert response.status_code == 302
    [entry] = uploads()
    assert (entry.user, entry.channel, entry.model, entry.object_id, entry.request_id) == (
        priya, "browser", "programmes.importrun", str(run.pk), "upload-req-1")
    assert entry.changes == {"file name": "plan.csv", "size": len(PLAN),
                             "sha256": hashlib.sha256(PLAN).hexdigest(),
                             "outcome": f"kept as import {run.pk}, to be checked"}


def test_a_file_of_the_wrong_kind_is_refused_and_still_audited(client, priya, programme):
    client.force_login(priya)
    hostile = b"MZ\x90\x00 not a spreadsheet"

    response = send(client, programme, hostile, "payload.exe")

    assert response.status_code == 422 and not ImportRun.objects.exists()
    [entry] = uploads()
    assert (entry.user, entry.channel, entry.object_id) == (priya, "browser", "")
    assert entry.changes["sha256"] == hashlib.sha256(hostile).hexdigest() and entry.changes["size"] == len(hostile)
    assert entry.changes["outcome"].startswith("refused: ") and "payload.exe" == entry.changes["file name"]


def test_a_file_refused_by_the_form_itself_is_audited_with_why(client, priya, programme):
    client.force_login(priya)

    response = send(client, programme, PLAN, "plan.csv", as_at="31/02/2024")

    assert response.status_code == 422 and not ImportRun.objects.exists()
    [entry] = uploads()
    assert entry.changes["outcome"] == "refused: The as-at date must be a real date."
    assert entry.changes["size"] == len(PLAN)


def test_an_officer_who_may_not_import_leaves_no_upload_in_the_trail(client, programme):
    client.force_login(UserFactory(username="olly", role="officer"))

    assert send(client, programme, PLAN, "plan.csv").status_code == 403
    assert uploads() == []


def test_a_file_uploaded_in_the_admin_is_audited_as_admin(admin_client, admin_user, programme,
                                                         django_capture_on_commit_callbacks):
    response = admin_client.post(reverse("admin:programmes_importrun_add"), {
        "upload": SimpleUploadedFile("plan.csv", PLAN, content_type="text/csv"), "programme": programme.pk,
        "new_programme_name": "", "as_at": "2024-06-30", "mapping": "{}",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    [entry] = uploads()
    assert (entry.user, entry.channel, entry.object_id) == (admin_user, "admin", str(ImportRun.objects.get().pk))


def test_a_file_refused_by_the_admins_form_is_audited_as_admin(admin_client, admin_user, programme):
    response = admin_client.post(reverse("admin:programmes_importrun_add"), {
        "upload": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"), "programme": programme.pk,
        "new_programme_name": "", "as_at": "2024-06-30", "mapping": "{}",
    })

    assert response.status_code == 200 and not ImportRun.objects.exists()
    [entry] = uploads()
    assert (entry.user, entry.channel, entry.changes["size"]) == (admin_user, "admin", 5)
    assert entry.changes["outcome"].startswith("refused: ")


def test_a_file_imported_on_the_command_line_is_audited_with_its_outcome(programme, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(PLAN)

    call_command("import_plan", str(path), "--programme", programme.short_name, "--dry-run", "--as-at",
                 "2024-06-30", stdout=io.StringIO())

    [entry] = uploads()
    assert (entry.user, entry.channel, entry.changes["file name"]) == (None, "command", "plan.csv")
    assert entry.changes["outcome"] == "checked, not imported (dry run)"


def test_a_mapping_remembered_by_an_import_is_audited_as_import(priya, programme,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_create(data=csv_bytes(UNKNOWN_HEADING_ROWS), file_name="plan.csv", by=priya,
                                programme=programme, mapping={"mixed": {"Finish by": "due"}})
    from governance.imports.service import import_run_confirm
    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert import_run_confirm(run)

    mapping = ImportMapping.objects.get(programme=programme, sheet_key="mixed")
    entry = AuditEntry.objects.get(model="programmes.importmapping")
    assert (entry.action, entry.channel, entry.user, entry.object_id) == ("created", "import", priya, str(mapping.pk))


def test_changing_a_mapping_in_the_admin_is_audited_field_by_field(admin_client, admin_user, programme):
    mapping = ImportMapping.objects.create(programme=programme, sheet_key="mixed", mapping={"Finish by": "due"})

    response = admin_client.post(reverse("admin:programmes_importmapping_change", args=[mapping.pk]), {
        "programme": programme.pk, "sheet_key": "mixed", "mapping": '{"Finish by": "ignore"}'})

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(model="programmes.importmapping")
    assert (entry.action, entry.channel, entry.user) == ("updated", "admin", admin_user)
    assert entry.changes["mapping"] == [{"Finish by": "due"}, {"Finish by": "ignore"}]
