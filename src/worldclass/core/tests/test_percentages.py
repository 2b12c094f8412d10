"""Percentages are written as the active language writes them: "81.2%" in English, "81,2 %" in French."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from worldclass.core.i18n import format_percentage


@pytest.mark.parametrize(
    ("language", "value", "digits", "expected"),
    [
        ("en", 81.23, 1, "81.2%"),
        ("fr", 81.23, 1, "81,2\u00a0%"),
        ("en", Decimal("80.00"), None, "80%"),
        ("fr", Decimal("72.50"), None, "72,5\u00a0%"),
        ("fr", 43, 0, "43\u00a0%"),
    ],
)
def test_a_percentage_reads_as_the_language_writes_it(language, value, digits, expected):
    with translation.override(language):
        assert format_percentage(value, digits=digits) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "81.2% | 80% | 81.2% | \u2013"), ("fr", "81,2\u00a0% | 80\u00a0% | 81,2\u00a0% | \u2013")],
)
def test_the_template_filters_write_percentages_and_fractions(language, expected):
    template = Template(
        '{{ rate|percentage }} | {{ threshold|percentage:"as_is" }} | {{ share|fraction_percentage }} | '
        "{{ missing|percentage }}"
    )
    context = Context({"rate": 81.23, "threshold": Decimal("80.00"), "share": 0.8123, "missing": None})
    with translation.override(language):
        assert template.render(context) == expected
