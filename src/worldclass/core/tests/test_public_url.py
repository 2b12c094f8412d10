"""One setting for absolute links, and the deploy check that wants it set."""

from io import StringIO

import pytest
from django.core.management import call_command

from worldclass.core.checks import check_public_url
from worldclass.core.domain import absolute_url


def test_absolute_urls_use_the_configured_public_url(settings):
    settings.WORLDCLASS_PUBLIC_URL = "https://certify.example/"
    assert absolute_url("/verify/WC2015-AAAA-BBBB-CCCC") == "https://certify.example/verify/WC2015-AAAA-BBBB-CCCC"


def test_without_the_setting_links_point_at_the_local_server(settings):
    settings.WORLDCLASS_PUBLIC_URL = ""
    assert absolute_url("/registry/") == "http://127.0.0.1:8000/registry/"


def test_deploy_check_warns_when_the_public_url_is_missing(settings):
    settings.WORLDCLASS_PUBLIC_URL = ""
    assert [message.id for message in check_public_url()] == ["worldclass.W001"]


def test_deploy_check_is_quiet_when_the_public_url_is_set(settings):
    settings.WORLDCLASS_PUBLIC_URL = "https://certify.example"
    assert check_public_url() == []


@pytest.mark.django_db
def test_check_deploy_reports_the_missing_public_url(settings):
    settings.WORLDCLASS_PUBLIC_URL = ""
    err = StringIO()
    call_command("check", "--deploy", "--fail-level", "CRITICAL", stdout=StringIO(), stderr=err)
    assert "worldclass.W001" in err.getvalue()
