import math

from hypothesis import given
from hypothesis import strategies as st

from worldclass.awards.domain.stats import compare_proportions, wilson_interval
from worldclass.awards.domain.text import visible_length


def test_an_emoji_with_a_skin_tone_modifier_counts_once():
    assert visible_length("\U0001f44d\U0001f3fd") == 1


def test_a_flag_counts_once():
    assert visible_length("\U0001f1e8\U0001f1e6") == 1


def test_a_letter_with_a_combining_accent_counts_once():
    assert visible_length("e\u0301te\u0301") == 3


def test_a_crlf_line_break_counts_once():
    assert visible_length("a\r\nb") == 3


def test_a_family_emoji_counts_once():
    assert visible_length("\U0001f468\u200d\U0001f469\u200d\U0001f467") == 1


@given(st.text())
def test_visible_length_never_exceeds_code_points(text):
    assert visible_length(text) <= len(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7E, min_codepoint=0x20)))
def test_printable_ascii_counts_one_per_code_point(text):
    assert visible_length(text) == len(text)


def test_two_proportion_z_test_matches_the_textbook_value():
    # 50/100 vs 65/100: pooled p = .575, se = sqrt(.575*.425*.02) = .069912, z = .15/.069912 = 2.1456
    change = compare_proportions(before_successes=50, before_n=100, after_successes=65, after_n=100)
    assert round(change.z, 4) == 2.1456
    assert round(change.p_value, 4) == 0.0319


def test_p_value_is_two_sided_erfc():
    change = compare_proportions(before_successes=65, before_n=100, after_successes=50, after_n=100)
    assert round(change.p_value, 6) == round(math.erfc(abs(change.z) / math.sqrt(2)), 6)


def test_newcombe_interval_matches_newcombe_1998_example():
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80 → difference 0.2, CI 0.0524, 0.3339
    change = compare_proportions(before_successes=48, before_n=80, after_successes=56, after_n=70)
    assert (round(change.change_low, 4), round(change.change_high, 4)) == (0.0524, 0.3339)


def test_wilson_interval_of_zero_successes_starts_at_zero():
    assert wilson_interval(0, 10)[0] == 0.0


@given(
    st.integers(min_value=1, max_value=500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(min_value=1, max_value=500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_interval_contains_the_observed_change(before, after):
    change = compare_proportions(
        before_successes=before[0], before_n=before[1], after_successes=after[0], after_n=after[1]
    )
    assert change.change_low - 1e-9 <= change.change <= change.change_high + 1e-9
    assert 0.0 <= change.p_value <= 1.0
