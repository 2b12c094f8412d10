"""Counting text the way the applicant sees it."""

from __future__ import annotations

import regex

SUMMARY_MAX_CHARACTERS = 1000
_GRAPHEME = regex.compile(r"\X")


def visible_length(text: str) -> int:
    """The number of user-perceived characters (extended grapheme clusters, Unicode UAX #29).

    An emoji with a skin-tone modifier, a flag, a letter with combining accents and a CR LF line break each count once.
    """
    return len(_GRAPHEME.findall(text))
