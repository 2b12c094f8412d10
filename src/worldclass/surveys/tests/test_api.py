import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.surveys.models import ImportBatch
from worldclass.surveys.tests.csvfiles import row, rows, write_csv

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
