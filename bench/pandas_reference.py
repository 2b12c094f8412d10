"""A straightforward pandas implementation of the certification rules, as the benchmark's yardstick.

It does the same work as `import-surveys` + `certify` for one edition, on the same CSV, in memory: parse,
validate every row, eligibility (minutes or business days with the site country's public holidays), monthly
counts per CSR, supervisor and site, the shortest qualifying window, the threshold in exact integer arithmetic,
achievements and certification as of a month, and the all-sites organization rule.

Run alone: python bench/pandas_reference.py FILE.csv --edition 2013 --through 2025-12
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

import holidays
import numpy as np
import pandas as pd


@dataclass(frozen=True)
class EditionRules:
    year: int
    metric: str  # "wcc" or "fcr"
    threshold_percent: int
    comparison: str  # "gt" or "gte"
    min_months: int
    window_kind: str  # "minutes" or "business_days"
    min_minutes: int | None
    max_minutes: int | None
    business_days: int | None
    all_sites_rule: bool
    max_window_months: int = 12
    validity_months: int = 12
    min_surveys: dict[str, int] = field(default_factory=lambda: {"csr": 25, "supervisor": 200, "site": 800})


# The published editions, as in certification/migrations/0002_editions_2008_2015.py.
EDITIONS = {
    2008: EditionRules(2008, "wcc", 70, "gt", 6, "minutes", 10, 72 * 60, None, True),
    2013: EditionRules(2013, "wcc", 80, "gt", 3, "business_days", None, None, 2, True),
    2014: EditionRules(2014, "wcc", 80, "gt", 3, "minutes", 10, 24 * 60, None, False),
    2015: EditionRules(2015, "fcr", 80, "gte", 3, "minutes", 10, 24 * 60, None, False),
}

TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0"}
OFFSET_RE = r"(?:Z|[+-]\d{2}:?\d{2})$"


class InvalidFile(Exception):
    pass


def _month_index(values: pd.Series) -> np.ndarray:
    return (values.dt.year * 12 + values.dt.month - 1).to_numpy()


def parse_and_validate(path: Path) -> pd.DataFrame:
    """Read the CSV and check every row as the import does; raise InvalidFile with the bad line count."""
    frame = pd.read_csv(path, dtype="string[pyarrow]", keep_default_na=False, engine="pyarrow")
    bad = pd.Series(False, index=frame.index)
    for column in ("survey_id", "call_id", "org", "site", "supervisor", "csr"):
        bad |= frame[column].str.strip() == ""
    bad |= ~frame["channel"].str.strip().str.lower().isin(["phone", "ivr", "web"])
    for column in ("resolved", "first_call"):
        lowered = frame[column].str.strip().str.lower()
        bad |= ~lowered.isin(TRUE | FALSE)
        frame[column] = lowered.isin(TRUE)
    for column in ("overall_sat", "csr_sat"):
        number = pd.to_numeric(frame[column], errors="coerce")
        bad |= number.isna() | (number < 1) | (number > 5) | (number != number.round())
        frame[column] = number.fillna(0).astype("int8")
    for column in ("call_at", "surveyed_at"):
        text = frame[column].str.strip()
        bad |= ~text.str.contains(OFFSET_RE, regex=True)
        utc = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        bad |= utc.isna()
        # The local date is the date in the timestamp's own offset.
        sign = np.where(text.str[-6] == "-", -1, 1)
        offset_minutes = sign * (
            pd.to_numeric(text.str[-5:-3], errors="coerce").fillna(0).astype(int) * 60
            + pd.to_numeric(text.str[-2:], errors="coerce").fillna(0).astype(int)
        )
        frame[column] = utc
        frame[column + "_local_date"] = (
            (utc + pd.to_timedelta(offset_minutes, unit="min")).dt.tz_localize(None).dt.floor("D")
        )
    bad |= frame["surveyed_at"] < frame["call_at"]
    if frame["survey_id"].duplicated().any():
        bad |= frame.duplicated(["org", "survey_id"], keep=False)
    if bad.any():
        raise InvalidFile(f"{int(bad.sum())} invalid rows, first at line {int(bad.idxmax()) + 2}")
    return frame


def mark_eligible(frame: pd.DataFrame, rules: EditionRules) -> pd.Series:
    if rules.window_kind == "minutes":
        delay = (frame["surveyed_at"] - frame["call_at"]).dt.total_seconds()
        return (delay >= rules.min_minutes * 60) & (delay <= rules.max_minutes * 60)
    call_day = frame["call_at_local_date"].to_numpy().astype("datetime64[D]")
    survey_day = frame["surveyed_at_local_date"].to_numpy().astype("datetime64[D]")
    within = np.zeros(len(frame), dtype=bool)
    # One more year: a deadline in the first days of January after a December call.
    years = sorted(set(frame["call_at_local_date"].dt.year) | set(frame["surveyed_at_local_date"].dt.year))
    years = [*years, years[-1] + 1] if years else years
    for country, rows in frame.groupby("country").indices.items():
        if country:
            national = holidays.country_holidays(country, years=years)
            weekmask = "".join("0" if day in national.weekend else "1" for day in range(7))
            holiday_days = np.array(sorted(national), dtype="datetime64[D]")
        else:
            weekmask, holiday_days = "1111100", np.array([], dtype="datetime64[D]")
        # Within N business days: survey day <= busday_offset(call day, N, roll="forward") in the country's calendar.
        deadline = np.busday_offset(
            call_day[rows], rules.business_days, roll="forward", weekmask=weekmask, holidays=holiday_days
        )
        within[rows] = survey_day[rows] <= deadline
    return (frame["surveyed_at"] >= frame["call_at"]) & within


def monthly_counts(frame: pd.DataFrame, rules: EditionRules) -> dict[str, pd.DataFrame]:
    """Eligible and qualifying surveys per entity and call month, for each level."""
    meeting = (
        frame["resolved"] & (frame["overall_sat"] == 5) & (frame["csr_sat"] == 5)
        if rules.metric == "wcc"
        else frame["resolved"] & frame["first_call"]
    )
    counts = pd.DataFrame(
        {
            "org": frame["org"],
            "site": frame["site"],
            "supervisor": frame["supervisor"],
            "csr": frame["csr"],
            "month": _month_index(frame["call_at_local_date"]),
            "eligible": frame["eligible"].astype("int64"),
            "meeting": (frame["eligible"] & meeting).astype("int64"),
        }
    )
    return {
        level: counts.groupby(["org", level, "month"], sort=False)[["eligible", "meeting"]].sum().reset_index()
        for level in ("csr", "supervisor", "site")
    }


def certify_level(monthly: pd.DataFrame, level: str, rules: EditionRules, through: int) -> pd.DataFrame:
    """qualifies and certified at `through` for every entity of one level with data up to that month."""
    monthly = monthly[monthly["month"] <= through]
    first_month = int(monthly["month"].min())
    span = through - first_month + 1
    keys = monthly[["org", level]].drop_duplicates().reset_index(drop=True)
    keys["row"] = np.arange(len(keys))
    placed = monthly.merge(keys, on=["org", level])
    eligible = np.zeros((len(keys), span + 1), dtype=np.int64)
    meeting = np.zeros((len(keys), span + 1), dtype=np.int64)
    columns = placed["month"].to_numpy() - first_month + 1
    np.add.at(eligible, (placed["row"].to_numpy(), columns), placed["eligible"].to_numpy())
    np.add.at(meeting, (placed["row"].to_numpy(), columns), placed["meeting"].to_numpy())
    eligible_sum = eligible.cumsum(axis=1)
    meeting_sum = meeting.cumsum(axis=1)
    minimum = rules.min_surveys[level]
    # A window starts no earlier than the entity's first month of data (as the engine reads the rules).
    first_column = placed.groupby("row")["month"].min().sort_index().to_numpy() - first_month + 1

    qualifies = np.zeros((len(keys), span), dtype=bool)
    for m in range(1, span + 1):
        found = np.zeros(len(keys), dtype=bool)
        window_eligible = np.zeros(len(keys), dtype=np.int64)
        window_meeting = np.zeros(len(keys), dtype=np.int64)
        for length in range(rules.min_months, min(rules.max_window_months, m) + 1):
            start = m - length
            total = eligible_sum[:, m] - eligible_sum[:, start]
            take = ~found & (total >= minimum) & (start + 1 >= first_column)
            window_eligible[take] = total[take]
            window_meeting[take] = meeting_sum[take, m] - meeting_sum[take, start]
            found |= take
        # Exact integer comparison: meeting / eligible vs threshold_percent / 100.
        left = window_meeting * 100
        right = window_eligible * rules.threshold_percent
        passes = left > right if rules.comparison == "gt" else left >= right
        qualifies[:, m - 1] = found & passes

    last_achievement = np.full(len(keys), -(10**6), dtype=np.int64)
    for m in range(span):
        achieve = qualifies[:, m] & (m >= last_achievement + rules.validity_months)
        last_achievement[achieve] = m
    keys["qualifies"] = qualifies[:, span - 1]
    keys["certified"] = (span - 1) <= last_achievement + rules.validity_months
    return keys


def certify_organizations(sites: pd.DataFrame) -> pd.DataFrame:
    """All-sites rule: an organization is certified when each of its sites with data qualifies or is certified."""
    ok = sites["qualifies"] | sites["certified"]
    return ok.groupby(sites["org"]).all().rename("certified").reset_index()


def run_reference(*, path: Path, rules: EditionRules, through: int) -> dict:
    """Time each stage and return the certified counts per level."""
    timings = {}
    started = time.perf_counter()
    frame = parse_and_validate(path)
    timings["parse_validate"] = time.perf_counter() - started
    mark = time.perf_counter()
    frame["eligible"] = mark_eligible(frame, rules)
    timings["eligibility"] = time.perf_counter() - mark
    mark = time.perf_counter()
    monthly = monthly_counts(frame, rules)
    timings["monthly_counts"] = time.perf_counter() - mark
    mark = time.perf_counter()
    results = {level: certify_level(monthly[level], level, rules, through) for level in monthly}
    certified = {level: int(result["certified"].sum()) for level, result in results.items()}
    if rules.all_sites_rule:
        certified["organization"] = int(certify_organizations(results["site"])["certified"].sum())
    timings["rules"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return {"rows": len(frame), "eligible": int(frame["eligible"].sum()), "certified": certified, "timings": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--edition", type=int, default=2013, choices=sorted(EDITIONS))
    parser.add_argument("--through", required=True, help="YYYY-MM")
    args = parser.parse_args()
    year, month = (int(part) for part in args.through.split("-"))
    result = run_reference(path=args.csv, rules=EDITIONS[args.edition], through=year * 12 + month - 1)
    print(result)


if __name__ == "__main__":
    main()
