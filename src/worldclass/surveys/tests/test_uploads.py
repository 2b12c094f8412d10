"""Uploading survey files in the web app: receive, confirm, import as a task, report; and the import history."""

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation

from worldclass.certificates.tests.factories import user_with_role
from worldclass.core.errors import AppError, Conflict
from worldclass.core.models import AuditEvent
from worldclass.directory.models import Organization
from worldclass.surveys.domain.mapping import COLUMNS, parse_mapping
from worldclass.surveys.domain.progress import progress_key
from worldclass.surveys.domain.uploads import (
    confirm_survey_upload,
    discard_survey_upload,
    discard_unconfirmed_survey_uploads,
    receive_survey_upload,
    run_survey_upload,
    upload_path,
)
from worldclass.surveys.models import ImportBatch, SavedMapping, SurveyResponse, SurveyUpload
from worldclass.surveys.queries import report_sections, upload_progress
from worldclass.surveys.tests.csvfiles import row, rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]

RENAMING_MAPPING = '[columns]\nsurvey_id = "Survey ID"\n'


@pytest.fixture(autouse=True)
def _upload_dir(tmp_path, settings):
    settings.WORLDCLASS_SURVEY_UPLOAD_DIR = tmp_path / "uploads"
    settings.WORLDCLASS_EAGER_TASKS_IN_BACKGROUND = False


@pytest.fixture
def staff():
    return user_with_role("staff", "certifier_staff", is_staff=True)


def csv_bytes(records, columns=None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode()


def survey_file(records, name="surveys.csv", columns=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(records, columns), content_type="text/csv")


def receive(staff, records, **kwargs) -> SurveyUpload:
    return receive_survey_upload(file=survey_file(records), user=staff, actor="staff", **kwargs)


def imported(staff, records, **kwargs) -> SurveyUpload:
    upload = receive(staff, records, **kwargs)
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    return run_survey_upload(upload_id=upload.pk)


# --- domain ------------------------------------------------------------------------------------------------


def test_a_received_file_waits_for_confirmation(staff):
    upload = receive(staff, rows(2))
    assert (upload.status, upload_path(upload).read_bytes()) == (SurveyUpload.Status.UPLOADED, csv_bytes(rows(2)))
    assert SurveyResponse.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_and_not_kept(staff, settings):
    settings.WORLDCLASS_SURVEY_UPLOAD_MAX_BYTES = 100
    with pytest.raises(AppError) as caught:
        receive(staff, rows(5))
    assert ([d.field for d in caught.value.details], list(settings.WORLDCLASS_SURVEY_UPLOAD_DIR.glob("*"))) == (
        ["file"],
        [],
    )


def test_an_empty_file_is_refused(staff):
    with pytest.raises(AppError, match="empty"):
        receive_survey_upload(file=SimpleUploadedFile("e.csv", b""), user=staff, actor="staff")


def test_a_bad_mapping_is_refused_at_upload_naming_its_key(staff):
    mapping = SimpleUploadedFile("m.toml", b'[columns]\nnot_a_column = "x"\n')
    with pytest.raises(AppError) as caught:
        receive(staff, rows(1), mapping_file=mapping)
    assert [d.field for d in caught.value.details] == ["columns.not_a_column"]


def test_an_empty_file_refused_at_upload_is_recorded_as_a_rejected_import(staff):
    with pytest.raises(AppError):
        receive_survey_upload(file=SimpleUploadedFile("e.csv", b""), user=staff, actor="staff")
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.source_name, batch.sha256, batch.actor, batch.user, batch.errors[0]) == (
        ImportBatch.Status.REJECTED,
        "e.csv",
        hashlib.sha256(b"").hexdigest(),
        "staff",
        staff,
        {"code": "invalid_upload", "message": "The survey file is empty."},
    )


def test_a_refusal_at_upload_is_audited_as_a_rejected_import(staff):
    with pytest.raises(AppError):
        receive_survey_upload(file=SimpleUploadedFile("e.csv", b""), user=staff, actor="staff")
    event = AuditEvent.objects.get(action="surveys.import_rejected")
    assert (event.object_id, event.summary) == (str(ImportBatch.objects.get().pk), "e.csv: The survey file is empty.")


def test_a_bad_mapping_refused_at_upload_is_recorded_with_its_problems(staff):
    mapping = SimpleUploadedFile("m.toml", b"[columns")
    with pytest.raises(AppError):
        receive(staff, rows(1), mapping_file=mapping)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.sha256, [e["message"][:16] for e in batch.errors]) == (
        ImportBatch.Status.REJECTED,
        hashlib.sha256(csv_bytes(rows(1))).hexdigest(),
        ["The mapping file", "not valid TOML: "],
    )


def test_a_refusal_at_upload_records_the_saved_mapping_it_would_have_used(staff):
    organization = Organization.objects.create(code="acme", name="Acme")
    saved = SavedMapping.objects.create(organization=organization, name="Acme export", text=RENAMING_MAPPING)
    with pytest.raises(AppError):
        receive_survey_upload(file=SimpleUploadedFile("e.csv", b""), saved_mapping=saved, user=staff, actor="staff")
    assert ImportBatch.objects.get().mapping == parse_mapping(RENAMING_MAPPING, source="saved").as_dict()


def test_the_stored_file_never_takes_the_clients_name(staff, settings):
    upload = receive_survey_upload(
        file=SimpleUploadedFile("../../etc/passwd.csv", csv_bytes(rows(1))), user=staff, actor="staff"
    )
    stored = [path.name for path in settings.WORLDCLASS_SURVEY_UPLOAD_DIR.iterdir()]
    assert (upload.source_name, stored) == ("passwd.csv", [upload.stored_name])
    assert "passwd" not in upload.stored_name


def test_an_import_reports_its_counts_and_deletes_the_file(staff):
    upload = imported(staff, rows(3))
    assert (upload.status, upload.report["rows_created"], upload.report["summary"]) == (
        SurveyUpload.Status.DONE,
        3,
        "Imported 3 new surveys.",
    )
    assert (upload.batch, upload_path(upload).exists()) == (ImportBatch.objects.get(), False)


def test_a_bad_line_is_reported_with_its_line_number_and_nothing_is_imported(staff):
    upload = imported(staff, [row(survey_id="s1"), row(survey_id="s2", overall_sat="9")])
    assert upload.status == SurveyUpload.Status.FAILED
    assert [(d["line"], d["field"]) for d in upload.error["details"]] == [(3, "overall_sat")]
    assert SurveyResponse.objects.count() == 0


ACME_COLUMNS = ["Survey ID", *COLUMNS[1:]]


def acme_file(records) -> SimpleUploadedFile:
    """A client's export whose survey_id column is "Survey ID", read through RENAMING_MAPPING."""
    return survey_file([{**r, "Survey ID": r["survey_id"]} for r in records], columns=ACME_COLUMNS)


def receive_saving_mapping(staff, records, organization, name="Acme export") -> SurveyUpload:
    return receive_survey_upload(
        file=acme_file(records),
        mapping_file=SimpleUploadedFile("acme.toml", RENAMING_MAPPING.encode()),
        save_mapping_as=name,
        save_mapping_for=organization,
        user=staff,
        actor="staff",
    )


def confirmed_and_run(staff, upload: SurveyUpload) -> SurveyUpload:
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    return run_survey_upload(upload_id=upload.pk)


@pytest.fixture
def acme():
    return Organization.objects.create(code="acme", name="Acme Insurance")


def test_a_mapping_asked_for_is_saved_once_its_import_succeeds(staff, acme):
    upload = confirmed_and_run(staff, receive_saving_mapping(staff, rows(2), acme))
    saved = SavedMapping.objects.get()
    assert (upload.mapping_saved, saved.organization, saved.name, saved.text, saved.created_by) == (
        True,
        acme,
        "Acme export",
        RENAMING_MAPPING,
        staff,
    )


def test_a_mapping_is_not_saved_on_confirmation_alone(staff, acme):
    upload = receive_saving_mapping(staff, rows(2), acme)
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    assert SavedMapping.objects.count() == 0


def test_a_refused_import_does_not_save_its_mapping(staff, acme):
    upload = confirmed_and_run(staff, receive_saving_mapping(staff, [row(overall_sat="9")], acme))
    assert (upload.status, upload.mapping_saved, SavedMapping.objects.count()) == (SurveyUpload.Status.FAILED, False, 0)


def test_the_corrected_file_of_a_refused_import_saves_the_mapping_under_the_same_name(staff, acme):
    confirmed_and_run(staff, receive_saving_mapping(staff, [row(overall_sat="9")], acme))
    upload = confirmed_and_run(staff, receive_saving_mapping(staff, [row()], acme))
    assert (upload.status, list(SavedMapping.objects.values_list("name", flat=True))) == (
        SurveyUpload.Status.DONE,
        ["Acme export"],
    )


def test_a_mapping_name_taken_while_the_import_waited_leaves_the_import_applied(staff, acme):
    upload = receive_saving_mapping(staff, rows(2), acme)
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    # A second upload saved the same name in between: the unique constraint refuses this one's save.
    SavedMapping.objects.create(organization=acme, name="Acme export", text="# the other upload's\n")
    upload = run_survey_upload(upload_id=upload.pk)
    assert (upload.status, upload.report["rows_created"], upload.mapping_saved) == (SurveyUpload.Status.DONE, 2, False)
    assert SavedMapping.objects.get().text == "# the other upload's\n"


def test_saving_a_mapping_is_audited(staff, acme):
    confirmed_and_run(staff, receive_saving_mapping(staff, rows(1), acme))
    event = AuditEvent.objects.get(action="surveys.mapping_saved")
    assert (event.object_id, event.organization, event.summary) == (
        str(SavedMapping.objects.get().pk),
        acme,
        "Saved the mapping of surveys.csv as 'Acme export'",
    )


def test_confirming_an_upload_whose_mapping_name_was_taken_since_is_a_conflict(staff, acme):
    upload = receive_saving_mapping(staff, rows(1), acme)
    SavedMapping.objects.create(organization=acme, name="Acme export", text="")
    with pytest.raises(Conflict, match="already has a mapping named 'Acme export'"):
        confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")


def test_a_saved_mapping_is_used_for_a_later_upload(staff, acme):
    confirmed_and_run(staff, receive_saving_mapping(staff, rows(2), acme))
    again = receive_survey_upload(
        file=acme_file([row(survey_id="s9", call_id="c9")]),
        saved_mapping=SavedMapping.objects.get(),
        user=staff,
        actor="staff",
    )
    assert confirmed_and_run(staff, again).report["rows_created"] == 1


def test_a_mapping_name_already_taken_is_refused(staff):
    organization = Organization.objects.create(code="acme", name="Acme")
    SavedMapping.objects.create(organization=organization, name="Acme export", text="")
    with pytest.raises(AppError, match="already has a mapping"):
        receive(
            staff,
            rows(1),
            mapping_file=SimpleUploadedFile("m.toml", RENAMING_MAPPING.encode()),
            save_mapping_as="Acme export",
            save_mapping_for=organization,
        )


def test_an_upload_is_confirmed_once(staff):
    upload = receive(staff, rows(1))
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    with pytest.raises(Conflict):
        confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")


def test_a_task_delivered_twice_imports_once(staff):
    upload = imported(staff, rows(2))
    assert run_survey_upload(upload_id=upload.pk).status == SurveyUpload.Status.DONE
    assert ImportBatch.objects.count() == 1


def test_a_file_gone_from_the_server_is_a_refusal_not_a_crash(staff):
    upload = receive(staff, rows(1))
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    upload_path(upload).unlink()
    upload = run_survey_upload(upload_id=upload.pk)
    assert (upload.status, upload.error["code"]) == (SurveyUpload.Status.FAILED, "upload_missing")


def test_upload_and_confirmation_are_audited(staff):
    upload = imported(staff, rows(1))
    events = AuditEvent.objects.filter(object_id=str(upload.pk), object_type="surveys.surveyupload")
    assert sorted(events.values_list("action", flat=True)) == ["surveys.upload_confirmed", "surveys.upload_received"]


def discard(staff, upload: SurveyUpload) -> SurveyUpload:
    return discard_survey_upload(upload_id=upload.pk, user=staff, actor="staff")


def test_discarding_an_upload_deletes_its_file_and_keeps_it_as_discarded(staff):
    upload = discard(staff, receive(staff, rows(1)))
    assert (upload.status, upload_path(upload).exists(), SurveyUpload.objects.get().status) == (
        SurveyUpload.Status.DISCARDED,
        False,
        SurveyUpload.Status.DISCARDED,
    )


def test_discarding_an_upload_is_audited(staff):
    upload = discard(staff, receive(staff, rows(1)))
    event = AuditEvent.objects.get(action="surveys.upload_discarded")
    assert (event.object_id, event.user, event.counts) == (str(upload.pk), staff, {"bytes": upload.size_bytes})


def test_discarding_twice_changes_nothing(staff):
    upload = receive(staff, rows(1))
    discard(staff, upload)
    discard(staff, upload)
    assert AuditEvent.objects.filter(action="surveys.upload_discarded").count() == 1


def test_a_discarded_upload_cannot_be_confirmed(staff):
    upload = discard(staff, receive(staff, rows(1)))
    with pytest.raises(Conflict) as caught:
        confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    assert (caught.value.code, caught.value.message) == (
        "upload_discarded",
        "The upload of surveys.csv was discarded and its file deleted: upload it again to import it.",
    )


def test_a_confirmed_upload_cannot_be_discarded(staff):
    upload = receive(staff, rows(1))
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    with pytest.raises(Conflict, match="already started"):
        discard(staff, upload)


def test_uploads_left_unconfirmed_too_long_are_discarded(staff):
    old, recent = receive(staff, rows(1)), receive(staff, rows(2))
    SurveyUpload.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=8))
    discarded = discard_unconfirmed_survey_uploads(older_than=dt.timedelta(days=7), actor="cron")
    statuses = dict(SurveyUpload.objects.values_list("pk", "status"))
    assert (discarded, statuses, upload_path(old).exists()) == (
        1,
        {old.pk: SurveyUpload.Status.DISCARDED, recent.pk: SurveyUpload.Status.UPLOADED},
        False,
    )


def test_the_command_discards_uploads_left_unconfirmed(staff):
    upload = receive(staff, rows(1))
    SurveyUpload.objects.filter(pk=upload.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=3))
    out = io.StringIO()
    call_command("discard-unconfirmed-uploads", "--days", "2", stdout=out)
    assert (out.getvalue(), SurveyUpload.objects.get().status) == (
        "Discarded 1 upload(s) left unconfirmed for more than 2 day(s).\n",
        SurveyUpload.Status.DISCARDED,
    )


def test_progress_is_complete_once_imported(staff):
    progress = upload_progress(upload=imported(staff, rows(4)))
    assert (progress.percent, progress.rows_read) == (100, 4)


def test_progress_of_a_queued_upload_is_zero(staff):
    upload = receive(staff, rows(4))
    upload = confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    assert upload_progress(upload=upload).percent == 0


def test_report_sections_show_what_else_the_import_reports():
    report = {"rows_total": 3, "skipped": [{"column": "Type", "value": "test", "rows": 2}], "channels": {"ivr": 2}}
    with translation.override("en"):
        sections = [(s.title, s.columns, s.rows) for s in report_sections(report=report)]
    assert sections == [
        ("Skipped by the mapping's [skip] rules", ["Column", "Value", "Rows"], [["Type", "test", "2"]]),
        ("Channels", [], [["ivr", "2"]]),
    ]


def test_report_sections_are_worded_in_french_with_grouped_counts():
    report = {"skipped": [{"column": "Type", "value": "test", "rows": 12_000}]}
    with translation.override("fr"):
        sections = [(s.title, s.columns, s.rows) for s in report_sections(report=report)]
    assert sections == [
        (
            "Ignorées par les règles [skip] de la correspondance",
            ["Colonne", "Valeur", "Lignes"],
            [["Type", "test", "12\xa0000"]],
        )
    ]


def test_the_report_keeps_the_imports_eligibility_per_survey_window(staff):
    upload = imported(staff, rows(2))
    assert upload.report["eligibility_lines"] != []
    assert all("new surveys eligible" in line for line in upload.report["eligibility_lines"])


# --- views -------------------------------------------------------------------------------------------------


def test_only_certifier_staff_reach_the_upload_page(client):
    client.force_login(user_with_role("csr", "csr", organization=Organization.objects.create(code="o", name="O")))
    assert client.get("/surveys/upload/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/surveys/imports/")
    assert (response.status_code, response["Location"].startswith("/accounts/login/")) == (302, True)


def test_the_upload_page_checks_then_confirms_then_shows_the_report(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    response = client.post("/surveys/upload/", {"file": survey_file(rows(2))})
    upload = SurveyUpload.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/surveys/uploads/{upload.pk}/")
    assert b"Confirm the import" in client.get(response["Location"]).content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/surveys/uploads/{upload.pk}/confirm/")
    page = client.get(f"/surveys/uploads/{upload.pk}/").content.decode()
    assert "Imported 2 new surveys." in page


def test_the_upload_page_shows_a_refused_upload_on_its_field(client, staff, settings):
    settings.WORLDCLASS_SURVEY_UPLOAD_MAX_BYTES = 10
    client.force_login(staff)
    response = client.post("/surveys/upload/", {"file": survey_file(rows(2))})
    assert (response.status_code, "larger than the limit" in response.content.decode()) == (400, True)


def refused_upload(client, staff, capture_on_commit_callbacks) -> SurveyUpload:
    """An upload of a file whose line 3 names an unknown channel, confirmed and refused."""
    client.force_login(staff)
    client.post("/surveys/upload/", {"file": survey_file([row(), row(survey_id="s2", channel="fax")])})
    upload = SurveyUpload.objects.get()
    with capture_on_commit_callbacks(execute=True):
        client.post(f"/surveys/uploads/{upload.pk}/confirm/")
    return upload


def test_a_refused_import_shows_each_bad_line(client, staff, django_capture_on_commit_callbacks):
    upload = refused_upload(client, staff, django_capture_on_commit_callbacks)
    page = client.get(f"/surveys/uploads/{upload.pk}/status/").content.decode()
    assert "Refused: nothing was imported" in page
    assert "<td>3</td><td>channel</td>" in page


def test_the_status_block_polls_while_the_import_waits(client, staff):
    client.force_login(staff)
    upload = receive(staff, rows(1))
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    page = client.get(f"/surveys/uploads/{upload.pk}/status/").content.decode()
    assert 'hx-trigger="every 1s"' in page


def test_the_upload_page_keeps_one_empty_live_region_outside_the_polled_block(client, staff):
    client.force_login(staff)
    upload = receive(staff, rows(1))
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    page = client.get(f"/surveys/uploads/{upload.pk}/").content.decode()
    region = '<p id="upload-announcement" class="visually-hidden" role="status" aria-atomic="true"></p>'
    assert (page.count(region), page.index(region) > page.index("</section>"), "aria-live" in page) == (1, True, False)
    assert f'hx-get="/surveys/uploads/{upload.pk}/status/?shown=queued"' in page


def test_the_status_block_announces_the_import_once_when_it_finishes(client, staff):
    client.force_login(staff)
    upload = imported(staff, rows(2))
    changed = client.get(f"/surveys/uploads/{upload.pk}/status/", {"shown": "running"}).content.decode()
    unchanged = client.get(f"/surveys/uploads/{upload.pk}/status/", {"shown": "done"}).content.decode()
    announced = '<p id="upload-announcement" hx-swap-oob="innerHTML">Imported 2 new surveys.</p>'
    assert (announced in changed, "upload-announcement" in unchanged) == (True, False)


def test_the_status_block_announces_a_refusal_with_its_reason(client, staff, django_capture_on_commit_callbacks):
    upload = refused_upload(client, staff, django_capture_on_commit_callbacks)
    block = client.get(f"/surveys/uploads/{upload.pk}/status/", {"shown": "running"}).content.decode()
    announcement = block[block.index('<p id="upload-announcement"') :].strip()
    assert announcement == (
        '<p id="upload-announcement" hx-swap-oob="innerHTML">'
        "Refused: nothing was imported. 1 bad line(s) in the file; nothing was imported.</p>"
    )


def _report_on_page(page: str) -> tuple[str, list[str]]:
    """The summary sentence and the eligibility lines (each with its class) of an upload's page."""
    summary = page[page.index('id="import-summary">') :].split("</div>")[0].removeprefix('id="import-summary">')
    lines = page[page.index('<ul id="import-eligibility">') :].split("</ul>")[0]
    return summary, lines.removeprefix('<ul id="import-eligibility">').removesuffix("</li>").split("</li>")


def test_the_report_is_worded_in_the_readers_language(client, staff):
    client.force_login(staff)
    upload = imported(staff, rows(2))
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert _report_on_page(page) == (
        "2 nouveaux sondages importés.",
        [
            "<li>De 10 minutes à 72 heures après l\u2019appel (édition 2008) : 2 nouveaux sondages admissibles sur 2.",
            "<li>Dans les 2 jours ouvrables suivant l\u2019appel (éditions 2009-2013) : "
            "2 nouveaux sondages admissibles sur 2.",
            "<li>De 10 minutes à 24 heures après l\u2019appel (éditions 2014-2015) : "
            "2 nouveaux sondages admissibles sur 2.",
        ],
    )


def test_the_reports_counts_are_grouped_as_french_writes_them(client, staff):
    client.force_login(staff)
    upload = imported(staff, rows(2))
    SurveyUpload.objects.filter(pk=upload.pk).update(report={**upload.report, "rows_total": 60_000})
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<th scope="row">Lignes du fichier</th><td>60\xa0000</td>' in page


def test_the_progress_of_an_import_is_counted_as_french_writes_numbers(client, staff):
    client.force_login(staff)
    upload = receive(staff, rows(2))
    SurveyUpload.objects.filter(pk=upload.pk).update(status=SurveyUpload.Status.RUNNING)
    cache.set(progress_key(upload.pk), {"rows": 1_200, "total": 60_000})
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1\xa0200 lignes sur environ 60\xa0000 lues et vérifiées." in page


def test_a_reports_warning_is_worded_in_the_readers_language_and_marked(client, staff):
    client.force_login(staff)
    upload = imported(staff, rows(3, surveyed_at="2025-03-12T10:00:00-04:00"))
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    cause = "surveyed_at égale call_at sur chaque ligne : cet export n\u2019a pas d\u2019heure de sondage."
    assert _report_on_page(page)[1][0] == (
        '<li class="text-danger">Attention : De 10 minutes à 72 heures après l\u2019appel (édition 2008) : '
        f"0 nouveau sondage admissible sur 3 ; {cause}"
    )
    assert upload.report["eligibility_lines"][0] == (
        "Warning: 10 minutes to 72 hours after the call (edition 2008): 0 of 3 new surveys eligible; "
        "surveyed_at equals call_at on every row: this export has no survey time."
    )


def test_a_report_stored_before_causes_were_given_shows_its_english_warning(client, staff):
    client.force_login(staff)
    upload = imported(staff, rows(1))
    window = {**upload.report["eligibility"][0], "cause": None, "warning": "an old cause"}
    SurveyUpload.objects.filter(pk=upload.pk).update(report={**upload.report, "eligibility": [window]})
    page = client.get(f"/surveys/uploads/{upload.pk}/").content.decode()
    assert _report_on_page(page)[1] == [
        '<li class="text-danger">Warning: 10 minutes to 72 hours after the call (edition 2008): '
        "1 of 1 new surveys eligible; an old cause."
    ]


def _problems_on_page(page: str) -> tuple[str, list[str]]:
    """A refused upload's message and its problems' rows (line, column, problem) as the page shows them."""
    message = page[page.index('id="import-error">') :].split("</div>")[0].removeprefix('id="import-error">')
    body = page[page.index('<table class="table table-sm" id="import-errors">') :].split("<tbody>")[1]
    return message, body.split("</tbody>")[0].removeprefix("<tr>").removesuffix("</tr>").split("</tr><tr>")


def test_a_refusal_is_worded_in_the_readers_language(client, staff):
    client.force_login(staff)
    upload = imported(staff, [row(), row(survey_id="s2", channel="fax", call_at="31/01/2025", overall_sat="9")])
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert _problems_on_page(page) == (
        "1 ligne(s) en erreur dans le fichier ; rien n\u2019a été importé.",
        [
            "<td>3</td><td>channel</td><td>canal inconnu « fax » (attendu : phone, ivr, web)</td>",
            "<td>3</td><td>call_at</td><td>« 31/01/2025 » n\u2019est pas un horodatage ISO 8601 avec décalage UTC</td>",
            "<td>3</td><td>overall_sat</td><td>la note 9 est hors de l\u2019échelle 1..5</td>",
        ],
    )


def test_a_refusal_stays_english_for_the_api_and_the_command_line(staff):
    with translation.override("fr"):
        upload = imported(staff, [row(), row(survey_id="s2", channel="fax")])
    assert (upload.error["message"], upload.error["details"][0]["message"]) == (
        "1 bad line(s) in the file; nothing was imported.",
        "unknown channel 'fax' (expected phone, ivr, web)",
    )


def test_a_refusals_summary_is_worded_with_french_numbers(client, staff):
    client.force_login(staff)
    upload = imported(staff, [row(survey_id=f"s{n}", resolved="maybe") for n in range(1_200)])
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    message, problems = _problems_on_page(page)
    assert (message, problems[0]) == (
        "1\xa0200 erreurs sur 1\xa0200 ligne(s) ; rien n\u2019a été importé. "
        "D\u2019abord un résumé par colonne et par motif (1 sorte(s)), puis chaque erreur.",
        "<td></td><td>resolved</td><td>1\xa0200 erreurs : n\u2019est pas oui/non "
        "(premières aux lignes 2, 3, 4, 5, 6)</td>",
    )


def test_a_refused_header_is_worded_in_the_readers_language(client, staff):
    client.force_login(staff)
    upload = imported(staff, rows(1), mapping_file=SimpleUploadedFile("map.toml", RENAMING_MAPPING.encode()))
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert _problems_on_page(page) == (
        "La ligne d\u2019en-tête du fichier n\u2019est pas celle attendue.",
        ["<td>1</td><td>survey_id</td><td>colonne &#x27;Survey ID&#x27; manquante (correspondant à survey_id)</td>"],
    )


def test_a_refusal_stored_before_its_wording_was_kept_shows_its_english_text(client, staff):
    client.force_login(staff)
    upload = imported(staff, [row(), row(survey_id="s2", channel="fax")])
    stored = {**upload.error, "details": [{"message": "an old problem", "line": 3, "field": "channel"}]}
    SurveyUpload.objects.filter(pk=upload.pk).update(error={k: v for k, v in stored.items() if k != "template"})
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert _problems_on_page(page) == (
        "1 bad line(s) in the file; nothing was imported.",
        ["<td>3</td><td>channel</td><td>an old problem</td>"],
    )


def test_a_refused_upload_form_is_worded_in_the_readers_language(client, staff):
    client.force_login(staff)
    mapping = SimpleUploadedFile("map.toml", b'[columns]\nnot_a_column = "x"\n')
    response = client.post(
        "/surveys/upload/", {"file": survey_file(rows(1)), "mapping_file": mapping}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "colonne d\u2019échange inconnue &#x27;not_a_column&#x27;" in response.content.decode()


def test_an_empty_file_refused_on_the_form_is_listed_in_the_history_as_rejected(client, staff):
    client.force_login(staff)
    response = client.post("/surveys/upload/", {"file": SimpleUploadedFile("empty.csv", b"")})
    history = client.get("/surveys/imports/?status=rejected")
    assert (response.status_code, [batch.source_name for batch in history.context["page"]]) == (400, ["empty.csv"])


def test_the_form_keeps_showing_a_refusal_it_records(client, staff):
    client.force_login(staff)
    response = client.post("/surveys/upload/", {"file": SimpleUploadedFile("empty.csv", b"")})
    assert response.context["form"].errors == {"file": ["The survey file is empty."]}


def test_a_mapping_file_that_is_not_toml_says_why_on_the_form(client, staff):
    client.force_login(staff)
    mapping = SimpleUploadedFile("map.toml", b"[columns")
    response = client.post("/surveys/upload/", {"file": survey_file(rows(1)), "mapping_file": mapping})
    errors = response.context["form"].non_field_errors()
    assert (len(errors), errors[0], errors[1].startswith("not valid TOML: ")) == (
        2,
        "The mapping file map.toml is invalid.",
        True,
    )


def test_a_mapping_file_that_is_not_toml_says_why_in_the_readers_language(client, staff):
    client.force_login(staff)
    mapping = SimpleUploadedFile("map.toml", b"[columns")
    response = client.post(
        "/surveys/upload/", {"file": survey_file(rows(1)), "mapping_file": mapping}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    errors = response.context["form"].non_field_errors()
    assert (errors[0], errors[1].startswith("TOML non valide : ")) == (
        "Le fichier de correspondance map.toml n\u2019est pas valide.",
        True,
    )


def test_the_page_of_an_applied_upload_says_its_mapping_was_saved(client, staff, acme):
    client.force_login(staff)
    upload = confirmed_and_run(staff, receive_saving_mapping(staff, rows(1), acme))
    page = client.get(f"/surveys/uploads/{upload.pk}/").content.decode()
    assert '<p id="mapping-saved">The mapping was saved as “Acme export” for Acme Insurance.</p>' in page


def test_the_page_says_when_a_mapping_could_not_be_saved_in_the_readers_language(client, staff, acme):
    client.force_login(staff)
    upload = receive_saving_mapping(staff, rows(1), acme)
    confirm_survey_upload(upload_id=upload.pk, user=staff, actor="staff")
    SavedMapping.objects.create(organization=acme, name="Acme export", text="")
    run_survey_upload(upload_id=upload.pk)
    page = client.get(f"/surveys/uploads/{upload.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    notice = page[page.index('id="mapping-saved">') :].split("</div>")[0].removeprefix('id="mapping-saved">')
    assert notice == (
        "La correspondance n\u2019a pas été enregistrée\xa0: Acme Insurance a une correspondance nommée "
        "«\xa0Acme export\xa0» depuis la confirmation de ce téléversement."
    )


def test_the_confirmation_page_says_the_mapping_is_saved_if_the_import_succeeds(client, staff, acme):
    client.force_login(staff)
    upload = receive_saving_mapping(staff, rows(1), acme)
    page = client.get(f"/surveys/uploads/{upload.pk}/").content.decode()
    assert "to be saved as “Acme export” for Acme Insurance if the import succeeds" in page


def test_cancel_on_the_confirmation_page_posts_the_discard(client, staff):
    client.force_login(staff)
    upload = receive(staff, rows(1))
    page = client.get(f"/surveys/uploads/{upload.pk}/").content.decode()
    form = page[page.index('id="discard-upload"') :].split("</form>")[0]
    assert (f'action="/surveys/uploads/{upload.pk}/discard/" id="discard-upload"' in page, "Cancel" in form) == (
        True,
        True,
    )


def test_cancelling_an_upload_discards_it_and_returns_to_the_upload_page(client, staff):
    client.force_login(staff)
    upload = receive(staff, rows(1))
    response = client.post(f"/surveys/uploads/{upload.pk}/discard/", follow=True)
    assert (response.redirect_chain, SurveyUpload.objects.get().status, upload_path(upload).exists()) == (
        [("/surveys/upload/", 302)],
        SurveyUpload.Status.DISCARDED,
        False,
    )
    assert "The upload of surveys.csv was discarded and its file deleted." in response.content.decode()


def test_the_page_of_a_discarded_upload_says_so_and_offers_no_confirmation(client, staff):
    client.force_login(staff)
    upload = discard(staff, receive(staff, rows(1)))
    page = client.get(f"/surveys/uploads/{upload.pk}/").content.decode()
    assert ("Confirm the import" in page, "without being imported; its file was deleted." in page) == (False, True)


def test_confirming_a_discarded_upload_says_it_was_discarded_in_the_readers_language(client, staff):
    client.force_login(staff)
    upload = discard(staff, receive(staff, rows(1)))
    response = client.post(f"/surveys/uploads/{upload.pk}/confirm/", follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert [str(message) for message in response.context["messages"]] == [
        "Le téléversement de surveys.csv a été abandonné et son fichier supprimé\xa0: téléversez-le à nouveau "
        "pour l\u2019importer."
    ]


def test_a_cancelled_upload_is_worded_in_the_readers_language(client, staff):
    client.force_login(staff)
    upload = receive(staff, rows(1))
    response = client.post(f"/surveys/uploads/{upload.pk}/discard/", follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert [str(message) for message in response.context["messages"]] == [
        "Le téléversement de surveys.csv a été abandonné et son fichier supprimé."
    ]


def test_confirming_twice_says_it_already_started(client, staff):
    client.force_login(staff)
    upload = imported(staff, rows(1))
    response = client.post(f"/surveys/uploads/{upload.pk}/confirm/", follow=True)
    assert "was already started" in response.content.decode()


def test_an_unknown_upload_is_404(client, staff):
    client.force_login(staff)
    assert client.get("/surveys/uploads/999/").status_code == 404


def test_the_history_lists_every_import_with_its_result(client, staff):
    imported(staff, rows(2))
    imported(staff, [row(overall_sat="x")])
    client.force_login(staff)
    page = client.get("/surveys/imports/").content.decode()
    assert (page.count("<tr>") - 1, "Applied" in page, "Rejected" in page) == (2, True, True)


def test_the_history_filters_by_result_like_the_api(client, staff):
    applied = imported(staff, rows(2))
    imported(staff, [row(overall_sat="x")])
    client.force_login(staff)
    page = client.get("/surveys/imports/?status=applied")
    assert [batch.pk for batch in page.context["page"]] == [applied.batch_id]


def test_a_malformed_history_filter_is_a_form_error(client, staff):
    imported(staff, rows(2))
    client.force_login(staff)
    response = client.get("/surveys/imports/?started_from=2025-13-01")
    assert (response.status_code, list(response.context["filters"].errors)) == (400, ["started_from"])
