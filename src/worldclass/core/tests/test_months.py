import pytest
from hypothesis import given
from hypothesis import strategies as st

from worldclass.core.months import Month


def test_parse_and_print_round_trip():
    assert str(Month.parse("2025-06")) == "2025-06"


def test_adding_months_crosses_year_end():
    assert Month(2024, 11) + 3 == Month(2025, 2)


def test_difference_between_months_is_a_count():
    assert Month(2025, 2) - Month(2024, 11) == 3


@pytest.mark.parametrize("text", ["2025-13", "2025-6", "25-06", "2025/06", "", "0000-01", "9999-12", "2025-00"])
def test_parse_refuses_malformed_months(text):
    with pytest.raises(ValueError):
        Month.parse(text)


@given(st.integers(min_value=1900 * 12, max_value=2200 * 12), st.integers(min_value=-500, max_value=500))
def test_index_arithmetic_is_consistent(index, delta):
    assert (Month.from_index(index) + delta).index == index + delta
