"""An inlined expression reads as it would with its parameters bound; on PostgreSQL it sends none of them."""

import pytest
from django.db import connection
from django.db.models import Value

from worldclass.core.database import Inlined
from worldclass.core.models import IntegrityCheck

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite binds every parameter")


def _checks_labelled(label):
    IntegrityCheck.objects.create(kind="audit", ok=True, summary="kept")
    return IntegrityCheck.objects.filter(summary="kept").annotate(label=Inlined(Value(label)))


def test_an_inlined_text_with_quotes_and_percent_signs_reads_as_it_is():
    assert list(_checks_labelled("50% of 'world class' %s").values_list("label", flat=True)) == [
        "50% of 'world class' %s"
    ]


@ON_POSTGRESQL
def test_on_postgresql_only_the_expressions_not_inlined_are_parameters():
    _sql, params = _checks_labelled("inlined").query.sql_with_params()
    assert params == ("kept",)
