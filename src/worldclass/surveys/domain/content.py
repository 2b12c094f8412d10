"""The canonical content of a survey's answers, so that the same answers spelled differently hash the same."""

from __future__ import annotations

import datetime as dt
import hashlib

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SEPARATOR = "\x1f"


def timestamp_key(moment: dt.datetime) -> str:
    """The instant in microseconds since the epoch and the offset in minutes it was written with."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("timestamps must carry a UTC offset")
    micros = (moment - EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}@{int(offset.total_seconds()) // 60}"


def canonical_content(
    *,
    survey_id: str,
    call_id: str,
    org: str,
    site: str,
    supervisor: str,
    csr: str,
    channel: str,
    call_key: str,
    survey_key: str,
    resolved: bool,
    first_call: bool,
    overall_sat: int,
    csr_sat: int,
    scale_min: int,
    scale_max: int,
    comment: str,
) -> str:
    """One line per survey; `call_key`/`survey_key` come from `timestamp_key`. The importer builds the same line."""
    return SEPARATOR.join(
        [
            survey_id,
            call_id,
            org,
            site,
            supervisor,
            csr,
            channel,
            call_key,
            survey_key,
            "1" if resolved else "0",
            "1" if first_call else "0",
            str(overall_sat),
            str(csr_sat),
            f"{scale_min}-{scale_max}",
            comment,
        ]
    )


def content_sha256(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()
