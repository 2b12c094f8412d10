"""The surveys app's reads: customers' comments, through the indexes that hold only surveys with a comment."""

import datetime as dt

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from worldclass.surveys.queries import customer_comments
from worldclass.surveys.tests.factories import EASTERN, create_survey_response

pytestmark = pytest.mark.django_db

COMMENT_INDEX = {
    "csr": "survey_csr_comments",
    "supervisor": "survey_supervisor_comments",
    "site": "survey_site_comments",
}


def _surveys_of_one_csr() -> list:
    """Four calls of one CSR a day apart, the second and fourth with a comment."""
    first = create_survey_response(call_at=dt.datetime(2025, 3, 3, 10, 0, tzinfo=EASTERN), comment="")
    surveys = [first]
    for day, comment in [(4, "Quick and kind."), (5, ""), (6, "Had to call twice.")]:
        surveys.append(
            create_survey_response(
                csr=first.csr, call_at=dt.datetime(2025, 3, day, 10, 0, tzinfo=EASTERN), comment=comment
            )
        )
    return surveys


@pytest.mark.parametrize("level", ["csr", "supervisor", "site", "organization"])
def test_comments_are_the_surveys_with_a_comment_newest_first(level):
    surveys = _surveys_of_one_csr()
    entity = getattr(surveys[0], level)
    with scopes_disabled():
        listed = list(customer_comments(level=level, entity=entity).values_list("survey_id", flat=True))
    assert listed == [surveys[3].survey_id, surveys[1].survey_id]


@pytest.mark.parametrize("level", ["csr", "supervisor", "site"])
def test_comments_are_read_through_the_index_of_surveys_with_a_comment(level):
    surveys = _surveys_of_one_csr()
    entity = getattr(surveys[0], level)
    if connection.vendor == "postgresql":
        # A few rows would be read whole; the question is whether the index can serve the query at all.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    with scopes_disabled():
        plan = customer_comments(level=level, entity=entity).explain()
    assert COMMENT_INDEX[level] in plan
