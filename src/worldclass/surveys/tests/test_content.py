"""The import hashes each row's canonical line in Polars; a live answer hashes it in Python: the same checksum."""

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from worldclass.surveys.domain.content import SEPARATOR, content_sha256
from worldclass.surveys.domain.importing import _content_sha256


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8") | st.just(SEPARATOR)), min_size=1, max_size=20))
def test_the_imports_checksum_is_the_live_answers_checksum(lines):
    hashed = pl.DataFrame({"line": lines}).select(_content_sha256("line"))["line"].to_list()
    assert hashed == [content_sha256(line) for line in lines]
