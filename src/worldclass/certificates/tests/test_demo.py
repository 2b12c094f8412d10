from io import StringIO

import pytest
from django.utils import timezone

from worldclass.certificates.demo import populate_demo
from worldclass.certificates.models import Certificate
from worldclass.certificates.tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db


def test_demo_hook_issues_certificates_once_and_prints_a_verification_url(unscoped, settings):
    settings.WORLDCLASS_PUBLIC_URL = "http://127.0.0.1:8000"
    CertificationFactory()  # valid through 2016-02: expired
    current = CertificationFactory(valid_through_month=timezone.localdate().replace(day=1))
    first, second = StringIO(), StringIO()
    populate_demo(seed=1, stdout=first)
    populate_demo(seed=1, stdout=second)
    serial = Certificate.objects.get(certification=current).serial
    assert (
        first.getvalue().splitlines()[:2],
        second.getvalue().splitlines()[0],
        Certificate.objects.count(),
    ) == (
        ["Certificates: issued 2, 0 already issued.", f"  verify one at http://127.0.0.1:8000/verify/{serial}"],
        "Certificates: issued 0, 2 already issued.",
        2,
    )
