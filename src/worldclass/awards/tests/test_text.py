from hypothesis import given
from hypothesis import strategies as st

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
