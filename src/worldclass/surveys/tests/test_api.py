import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.surveys.models import ImportBatch
from worldclass.surveys.tests.csvfiles import row, rows, write_csv
from worldclass.surveys.tests.exports import CALL_LOG_HEADER, CALL_LOG_MAPPING, call_log_rows, write_xlsx
from worldclass.surveys.tests.malformed import CORPUS

pytestmark = pytest.mark.django_db
URL = "/api/v1/survey-imports/"


@pytest.fixture
def staff_client():
    user = User.objects.create_user(username="staff", password="x" * 12)
    RoleAssignment.objects.create(user=user, role=Role.CERTIFIER_STAFF)
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(client, tmp_path, records, mapping: str | None = None, name="surveys.csv"):
    path = write_csv(tmp_path / name, records)
    data = {"file": io.BytesIO(path.read_bytes())}
    data["file"].name = name
    if mapping is not None:
        data["mapping"] = io.BytesIO(mapping.encode())
        data["mapping"].name = "mapping.toml"
    return client.post(URL, data, format="multipart")


def test_staff_import_a_file(staff_client, tmp_path):
    response = upload(staff_client, tmp_path, rows(2))
    assert response.status_code == 201
    body = response.json()
    assert (body["rows_created"], body["summary"], body["source_name"]) == (2, "Imported 2 new surveys.", "surveys.csv")
    assert ImportBatch.objects.get().actor == "staff"


def test_reimport_answers_200_with_a_no_op_report(staff_client, tmp_path):
    upload(staff_client, tmp_path, rows(2))
    response = upload(staff_client, tmp_path, rows(2))
    assert (response.status_code, response.json()["status"]) == (200, "no_op")


def test_a_bad_file_lists_every_bad_line(staff_client, tmp_path):
    response = upload(staff_client, tmp_path, [row(overall_sat="9"), row(survey_id="s2", channel="fax")])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_file"
    assert [(d["line"], d["field"]) for d in error["details"]] == [(2, "overall_sat"), (3, "channel")]


def test_a_changed_answer_is_a_409(staff_client, tmp_path):
    upload(staff_client, tmp_path, rows(1))
    response = upload(staff_client, tmp_path, [row(csr_sat="2")])
    assert (response.status_code, response.json()["error"]["code"]) == (409, "changed_answers")


def test_a_mapping_file_is_applied(staff_client, tmp_path):
    mapping = '[values.resolved]\n"Oui" = "yes"\n\n[rating]\nscale = [1, 10]\n'
    response = upload(staff_client, tmp_path, [row(resolved="Oui", overall_sat="10", csr_sat="10")], mapping=mapping)
    assert response.status_code == 201


def test_a_bad_mapping_file_is_a_400_naming_the_key(staff_client, tmp_path):
    response = upload(staff_client, tmp_path, rows(1), mapping="[rating]\nscale = [5, 1]\n")
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["error"]["details"]] == ["rating.scale"]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.errors[0]["code"]) == ("rejected", "invalid_mapping")


def test_a_mapping_file_that_is_not_utf8_is_a_400_and_recorded(staff_client, tmp_path):
    path = write_csv(tmp_path / "surveys.csv", rows(1))
    data = {"file": io.BytesIO(path.read_bytes()), "mapping": io.BytesIO(b'[constants]\norg = "caf\xe9"\n')}
    data["file"].name, data["mapping"].name = "surveys.csv", "latin1.toml"
    response = staff_client.post(URL, data, format="multipart")
    assert (response.status_code, response.json()["error"]["message"]) == (
        400,
        "The mapping file latin1.toml is invalid.",
    )
    assert ImportBatch.objects.get().status == "rejected"


def test_list_is_paginated_newest_first(staff_client, tmp_path):
    upload(staff_client, tmp_path, rows(1))
    upload(staff_client, tmp_path, [row(overall_sat="0")])
    body = staff_client.get(URL).json()
    assert body["count"] == 2
    assert [b["status"] for b in body["results"]] == ["rejected", "applied"]


def test_list_filters_by_status(staff_client, tmp_path):
    upload(staff_client, tmp_path, rows(1))
    upload(staff_client, tmp_path, [row(overall_sat="0")])
    body = staff_client.get(URL, {"status": "applied"}).json()
    assert [b["status"] for b in body["results"]] == ["applied"]


def test_list_filters_by_organization(staff_client, tmp_path):
    upload(staff_client, tmp_path, rows(1))
    upload(staff_client, tmp_path, [row(overall_sat="0")])
    [applied] = staff_client.get(URL, {"status": "applied"}).json()["results"]
    body = staff_client.get(URL, {"organization": applied["organization"]}).json()
    assert [b["id"] for b in body["results"]] == [applied["id"]]


def test_list_filters_by_the_day_imports_started(staff_client, tmp_path):
    upload(staff_client, tmp_path, rows(1))
    today = timezone.localdate()
    counts = [
        staff_client.get(URL, query).json()["count"]
        for query in (
            {"started_from": today.isoformat(), "started_to": today.isoformat()},
            {"started_from": (today + dt.timedelta(days=1)).isoformat()},
            {"started_to": (today - dt.timedelta(days=1)).isoformat()},
        )
    ]
    assert counts == [1, 0, 0]


def test_list_query_count_does_not_grow_with_rows(staff_client, tmp_path):
    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(URL)
        return len(captured), response.json()["count"]

    upload(staff_client, tmp_path, [row(overall_sat="0")], name="first.csv")
    few, _ = count_queries()
    for index in range(5):
        upload(staff_client, tmp_path, [row(overall_sat="0")], name=f"f{index}.csv")
    assert count_queries() == (few, 6)


@pytest.mark.parametrize(("name", "content", "message", "where"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_malformed_upload_answers_400_and_is_recorded(staff_client, name, content, message, where):
    data = {"file": io.BytesIO(content)}
    data["file"].name = name
    response = staff_client.post(URL, data, format="multipart")
    assert (response.status_code, response.json()["error"]["message"]) == (400, message)
    assert ImportBatch.objects.get().status == "rejected"


def test_an_xlsx_upload_with_a_v2_mapping_loads(staff_client, tmp_path):
    path = write_xlsx(tmp_path / "calls.xlsx", CALL_LOG_HEADER, call_log_rows())
    data = {"file": io.BytesIO(path.read_bytes()), "mapping": io.BytesIO(CALL_LOG_MAPPING.encode())}
    data["file"].name, data["mapping"].name = "calls.xlsx", "calls.toml"
    response = staff_client.post(URL, data, format="multipart")
    body = response.json()
    assert (response.status_code, body["rows_created"], body["rows_skipped"]) == (201, 30, 6)
    assert body["skipped"] == [{"column": "Answered (Y/N)", "value": "N", "rows": 6}]
    assert {(w["eligible"], w["surveys"], w["warning"]) for w in body["eligibility"]} == {(30, 30, "")}


def test_every_error_of_a_refused_upload_is_paged(staff_client, tmp_path):
    response = upload(staff_client, tmp_path, rows(260, channel="fax"))
    assert [d.get("line") for d in response.json()["error"]["details"][:2]] == [None, 2]
    batch = ImportBatch.objects.get()
    listed = staff_client.get(URL).json()["results"][0]
    assert (listed["error_count"], len(listed["errors"])) == (260, 201)
    first = staff_client.get(f"{URL}{batch.id}/errors/").json()
    last = staff_client.get(f"{URL}{batch.id}/errors/?page=6").json()
    assert (first["count"], first["results"][0]["message"]) == (
        261,
        "260 errors: unknown channel (first at lines 2, 3, 4, 5, 6)",
    )
    assert last["results"][-1] == {
        "message": "unknown channel 'fax' (expected phone, ivr, web)",
        "field": "channel",
        "line": 261,
    }


def test_the_errors_of_an_unknown_import_are_not_found(staff_client):
    assert staff_client.get(f"{URL}999/errors/").status_code == 404
