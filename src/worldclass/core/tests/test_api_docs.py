"""The API documentation pages load every file from this site, so they work with no network."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _external_references(body: str) -> list[str]:
    return re.findall(r'(?:src|href)="(https?://[^"]+)"', body)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_page_references_no_other_site(path):
    response = Client().get(path)
    assert (response.status_code, _external_references(response.content.decode())) == (200, [])


def test_swagger_ui_files_are_served_locally():
    body = Client().get("/api/docs/").content.decode()
    assert re.search(r'src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle\.js"', body) is not None


def test_the_swagger_script_is_a_separate_file_not_inline():
    response = Client().get("/api/docs/?script=")
    assert (response.status_code, response["Content-Type"]) == (200, "application/javascript")
