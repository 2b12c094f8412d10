"""The rules of one survey row, stated once for every path that takes surveys in.

Three paths check a row: a live channel (`responses.record_survey_response`, one survey, Python values), the file
importer (`importing`, millions of rows, Polars expressions) and the call import (`operations.domain.calls`, which
shares the identifiers, the years an instant may have and the order of two instants). Each rule here is data: the
field it names, the constraint, the message naming the row's values and the reason without them (the importer's
summary groups errors by it). A rule answers both ways from that one statement: `refuses(value)` for a Python value,
`refuses_expr(expr)` for a Polars column; `describe(...)` fills the message template (the importer fills the same
template with the row's values) and `summary()` gives the reason, so the live path and the importer refuse the same
row with the same field and message (surveys/tests/test_row_rules_paths_agree.py). The templates are msgids: an
upload's page words them again in its reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from worldclass.core.i18n import gettext_noop
from worldclass.core.lazy import lazy_module
from worldclass.surveys.domain.eligibility import supported_countries
from worldclass.surveys.models import Channel

# Only the importer's expressions (and the organization-code pattern) need Polars; a live answer never loads it.
pl = lazy_module("polars")

# Survey and call identifiers and roster codes (SurveyResponse.survey_id and call_id are CharField(max_length=64)).
MAX_ID_LENGTH = 64
ID_FIELDS = ["survey_id", "call_id", "org", "site", "supervisor", "csr"]
RATING_FIELDS = ["overall_sat", "csr_sat"]
TIME_FIELDS = ["call_at", "surveyed_at"]
CHANNELS = [c.value for c in Channel]
# Instants outside these years are typing mistakes (or 9999-12-31 placeholders), not calls.
FIRST_YEAR, LAST_YEAR = 1900, 2200
ORG_CODE_PATTERN = r"^[-A-Za-z0-9_]+$"
# A yes/no field's spellings, in lower case: a survey file's resolved and first_call, a calls file's do_not_survey.
TRUE_WORDS = ["yes", "y", "true", "1"]
FALSE_WORDS = ["no", "n", "false", "0"]
YES_NO = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One constraint on one field. `message` may name `{value}` (the field's value as written) and the rule's own
    parameters; `reason` (the message without the row's values) names only the parameters."""

    field: str
    message: str
    reason: str

    def refuses(self, value, **row) -> bool:
        """Whether the rule refuses a Python value; `row` holds the other fields it compares with."""
        raise NotImplementedError

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        """The same as a Polars expression, true on the rows it refuses."""
        raise NotImplementedError

    def parameters(self) -> dict[str, object]:
        return {}

    def describe(self, **values) -> str:
        """The message for one row, from the values it names (`value`, and any other field the message names)."""
        return self.message.format(**self.parameters(), **values)

    def summary(self) -> str:
        return self.reason.format(**self.parameters())


@dataclass(frozen=True, kw_only=True)
class Required(Rule):
    message: str = gettext_noop("is empty")
    reason: str = gettext_noop("is empty")

    def refuses(self, value, **row) -> bool:
        return not value

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        return value == ""


@dataclass(frozen=True, kw_only=True)
class MaxLength(Rule):
    limit: int = MAX_ID_LENGTH
    message: str = gettext_noop("is longer than {limit} characters")
    reason: str = gettext_noop("is longer than {limit} characters")

    def parameters(self) -> dict[str, object]:
        return {"limit": self.limit}

    def refuses(self, value, **row) -> bool:
        return len(value) > self.limit

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        return value.str.len_chars() > self.limit


@dataclass(frozen=True, kw_only=True)
class OneOf(Rule):
    """The value is one of `allowed`."""

    allowed: tuple[str, ...] = ()

    def parameters(self) -> dict[str, object]:
        return {"expected": ", ".join(self.allowed)}

    def refuses(self, value, **row) -> bool:
        return value not in self.allowed

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        return ~value.is_in(list(self.allowed))


@dataclass(frozen=True, kw_only=True)
class KnownCountry(Rule):
    """Empty, or an ISO 3166 alpha-2 code whose calendar the `holidays` package knows (business days need it)."""

    def refuses(self, value, **row) -> bool:
        return value != "" and value not in supported_countries()

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        return (value != "") & ~value.is_in(sorted(supported_countries()))


@dataclass(frozen=True, kw_only=True)
class Matches(Rule):
    """A non-empty value matches `pattern` (an empty one is `Required`'s business)."""

    pattern: str = ""

    def refuses(self, value, **row) -> bool:
        return value != "" and pl.Series([value]).str.contains(self.pattern).not_().item()

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        return (value != "") & ~value.str.contains(self.pattern)


@dataclass(frozen=True, kw_only=True)
class OnScale(Rule):
    """A rating within the inclusive scale `low..high`, which each import (or live channel) sets."""

    low: int = 1
    high: int = 5
    message: str = gettext_noop("rating {value} is outside the scale {low}..{high}")
    reason: str = gettext_noop("is outside the scale {low}..{high}")

    def parameters(self) -> dict[str, object]:
        return {"low": self.low, "high": self.high}

    def refuses(self, value, **row) -> bool:
        return not self.low <= value <= self.high

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        return value.is_not_null() & ((value < self.low) | (value > self.high))


@dataclass(frozen=True, kw_only=True)
class WithinYears(Rule):
    """An instant (in UTC) within the years FIRST_YEAR to LAST_YEAR."""

    message: str = gettext_noop("'{value}' is outside the years {first} to {last}")
    reason: str = gettext_noop("is outside the years {first} to {last}")

    def parameters(self) -> dict[str, object]:
        return {"first": FIRST_YEAR, "last": LAST_YEAR}

    def refuses(self, value: dt.datetime | int, **row) -> bool:
        """`value` is an aware instant, or the year of one in UTC (where converting it overflows, it is out)."""
        if isinstance(value, dt.datetime):
            try:
                value = value.astimezone(dt.UTC).year
            except OverflowError:
                return True
        return not FIRST_YEAR <= value <= LAST_YEAR

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        return (value.dt.year() < FIRST_YEAR) | (value.dt.year() > LAST_YEAR)


@dataclass(frozen=True, kw_only=True)
class NotBefore(Rule):
    """An instant that may not come before another field's instant of the same row."""

    earlier: str = ""

    def parameters(self) -> dict[str, object]:
        return {"earlier": self.earlier}

    def refuses(self, value: dt.datetime, **row) -> bool:
        return value < row[self.earlier]

    def refuses_expr(self, value: pl.Expr, **row: pl.Expr) -> pl.Expr:
        return value < row[self.earlier]


def id_rules(field: str) -> list[Rule]:
    """An identifier or roster code: given, and at most MAX_ID_LENGTH characters."""
    return [Required(field=field), MaxLength(field=field)]


ORG_CODE = Matches(
    field="org",
    pattern=ORG_CODE_PATTERN,
    message=gettext_noop("organization code '{value}' may only contain letters, digits, '-' and '_'"),
    reason=gettext_noop("an organization code may only contain letters, digits, '-' and '_'"),
)
COUNTRY = KnownCountry(
    field="country",
    message=gettext_noop("unknown country code '{value}' (expected ISO 3166 alpha-2, or empty)"),
    reason=gettext_noop("unknown country code"),
)
CHANNEL = OneOf(
    field="channel",
    allowed=tuple(CHANNELS),
    message=gettext_noop("unknown channel '{value}' (expected {expected})"),
    reason=gettext_noop("unknown channel"),
)
NO_UTC_OFFSET = gettext_noop("has no UTC offset")
SURVEY_NOT_BEFORE_CALL = NotBefore(
    field="surveyed_at",
    earlier="call_at",
    message=gettext_noop("surveyed_at '{value}' is before call_at '{call_at}'"),
    reason=gettext_noop("is before {earlier}"),
)


def rating_rules(*, low: int, high: int) -> list[OnScale]:
    return [OnScale(field=field, low=low, high=high) for field in RATING_FIELDS]


def time_rules() -> list[WithinYears]:
    return [WithinYears(field=field) for field in TIME_FIELDS]


def invalid_scale(*, low: int, high: int) -> str | None:
    """What is wrong with a rating scale, or None: `0 <= low < high`."""
    return None if 0 <= low < high else f"invalid rating scale {low}..{high}"
