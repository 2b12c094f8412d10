"""`worldclass sample-key commit|reveal`: a month's sampling key committed before the month, revealed after it."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from worldclass.core.models import AuditEvent
from worldclass.directory.tests.factories import OrganizationFactory
from worldclass.operations.models import SampleKey

pytestmark = pytest.mark.django_db


def sample_key(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("sample-key", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def acme(unscoped):
    return OrganizationFactory(code="acme")


def test_commit_prints_the_commitment_it_stored(acme):
    lines = sample_key("commit", "--org", "acme", "--month", "2099-05")

    key = SampleKey.objects.get(organization=acme)
    assert lines == [f"acme 2099-05: commitment sha256 {key.commitment_sha256}"]


def test_the_commitment_is_the_sha256_of_the_key(acme):
    sample_key("commit", "--org", "acme", "--month", "2099-05")

    key = SampleKey.objects.get(organization=acme)
    assert hashlib.sha256(bytes.fromhex(key.key_hex)).hexdigest() == key.commitment_sha256


def test_committing_again_keeps_the_first_key(acme):
    first = sample_key("commit", "--org", "acme", "--month", "2099-05")
    again = sample_key("commit", "--org", "acme", "--month", "2099-05")

    assert (again, SampleKey.objects.count()) == (first, 1)


def test_a_commit_is_audited(acme):
    sample_key("commit", "--org", "acme", "--month", "2099-05")

    assert list(AuditEvent.objects.values_list("action", "actor")) == [
        ("operations.sample_key_committed", "sample-key")
    ]


def test_a_closed_month_is_revealed_with_its_key(acme):
    sample_key("commit", "--org", "acme", "--month", "2020-01")

    lines = sample_key("reveal", "--org", "acme", "--month", "2020-01")

    key = SampleKey.objects.get(organization=acme)
    assert lines == [f"acme 2020-01: commitment sha256 {key.commitment_sha256}", f"key {key.key_hex}"]


def test_a_month_not_closed_is_not_revealed(acme):
    sample_key("commit", "--org", "acme", "--month", "2099-05")

    with pytest.raises(CommandError, match=r"The key for 2099-05 can be revealed from 2099-06-0\d 00:00 UTC"):
        sample_key("reveal", "--org", "acme", "--month", "2099-05")
    assert SampleKey.objects.get(organization=acme).revealed_at is None


def test_a_month_never_committed_cannot_be_revealed(acme):
    with pytest.raises(CommandError, match="No sampling key was committed for acme 2020-01"):
        sample_key("reveal", "--org", "acme", "--month", "2020-01")


def test_an_unknown_organization_is_named(acme):
    with pytest.raises(CommandError, match="No organization nobody"):
        sample_key("commit", "--org", "nobody", "--month", "2099-05")


@pytest.mark.parametrize("month", ["2099-13", "May 2099", ""])
def test_a_month_that_is_not_yyyy_mm_is_refused_without_a_key(acme, month):
    with pytest.raises(CommandError):
        sample_key("commit", "--org", "acme", "--month", month)
    assert SampleKey.objects.count() == 0
