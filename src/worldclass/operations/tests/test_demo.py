import io

import pytest

from worldclass.core.months import Month
from worldclass.directory.models import Organization
from worldclass.operations.demo import populate_demo
from worldclass.operations.domain.sampling import audit_sample
from worldclass.operations.models import Call, Invitation, RecoveryCase, SampleKey

pytestmark = pytest.mark.django_db


def test_demo_flows_from_calls_to_answers_passes_its_audit_and_is_idempotent(unscoped):
    out = io.StringIO()
    populate_demo(seed=7, stdout=out)
    calls = Call.objects.count()
    channels = set(Invitation.objects.filter(status="completed").values_list("channel", flat=True))
    assert channels == {"web", "ivr", "phone"}
    assert RecoveryCase.objects.exists()
    assert "open web survey" in out.getvalue()
    organization = Organization.objects.get(code="northwind")
    for key in SampleKey.objects.filter(organization=organization):
        # The stored key stands in for the published one in months not yet revealed.
        report = audit_sample(organization=organization, month=Month.of(key.month), key_hex=key.key_hex)
        assert report.discrepancies == []
    populate_demo(seed=7, stdout=io.StringIO())
    assert Call.objects.count() == calls
