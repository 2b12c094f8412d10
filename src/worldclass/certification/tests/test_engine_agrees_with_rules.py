"""The vectorized engine agrees with a plain-Python reference built from `domain.rules`, on random data."""

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from worldclass.certification.domain.evaluation import NO_ACHIEVEMENT, _rate, _rates, evaluate_matrix
from worldclass.certification.domain.rules import (
    achievement_months,
    meets_threshold,
    meets_threshold_with_confidence,
    qualifying_window,
)


def reference_entity(eligible, meeting, first, *, min_months, min_surveys, threshold, comparison, validity, confident):
    """Each month's (window length, surveys, meeting, qualifies), and the achievements, one entity at a time."""
    months = len(eligible)
    per_month = []
    for month in range(months):
        window = None
        if month >= first:
            window = qualifying_window(
                eligible=eligible[first:],
                meeting=meeting[first:],
                end=month - first,
                min_months=min_months,
                max_months=12,
                min_surveys=min_surveys,
            )
        if window is None:
            per_month.append((0, 0, 0, False))
            continue
        decide = meets_threshold_with_confidence if confident else meets_threshold
        qualifies = decide(
            meeting=window.meeting, surveys=window.surveys, threshold_percent=threshold, comparison=comparison
        )
        per_month.append((window.months, window.surveys, window.meeting, qualifies))
    achievements = achievement_months(qualifies=[m[3] for m in per_month], validity_months=validity)
    return per_month, achievements


@st.composite
def entity_matrices(draw):
    entities = draw(st.integers(1, 6))
    months = draw(st.integers(1, 30))
    eligible, meeting, first = [], [], []
    for _ in range(entities):
        start = draw(st.integers(0, months - 1))
        row = [0] * start + draw(st.lists(st.integers(0, 20), min_size=months - start, max_size=months - start))
        hits = [draw(st.integers(0, value)) for value in row]
        eligible.append(row)
        meeting.append(hits)
        first.append(start)
    return eligible, meeting, first


@settings(max_examples=150, deadline=None)
@given(
    matrices=entity_matrices(),
    min_months=st.integers(1, 6),
    min_surveys=st.integers(0, 60),
    threshold=st.sampled_from(
        [Decimal("0"), Decimal("50"), Decimal("70"), Decimal("80"), Decimal("80.5"), Decimal("100")]
    ),
    comparison=st.sampled_from(["gt", "gte"]),
    validity=st.integers(1, 13),
    confident=st.booleans(),
)
def test_vectorized_engine_agrees_with_the_reference(
    matrices, min_months, min_surveys, threshold, comparison, validity, confident
):
    eligible, meeting, first = matrices
    result = evaluate_matrix(
        eligible=np.array(eligible, dtype=np.int64),
        meeting=np.array(meeting, dtype=np.int64),
        first_month=np.array(first, dtype=np.int64),
        min_months=min_months,
        max_months=12,
        min_surveys=min_surveys,
        threshold_percent=threshold,
        comparison=comparison,
        validity_months=validity,
        require_confidence=confident,
    )
    for row in range(len(eligible)):
        per_month, achievements = reference_entity(
            eligible[row],
            meeting[row],
            first[row],
            min_months=min_months,
            min_surveys=min_surveys,
            threshold=threshold,
            comparison=comparison,
            validity=validity,
            confident=confident,
        )
        engine = list(
            zip(
                result.window_length[row].tolist(),
                result.surveys[row].tolist(),
                result.meeting[row].tolist(),
                result.qualifies[row].tolist(),
                strict=True,
            )
        )
        assert engine == per_month
        assert np.nonzero(result.achievements[row])[0].tolist() == achievements
        assert int(result.last_achievement[row]) == (achievements[-1] if achievements else NO_ACHIEVEMENT)


@settings(deadline=None)
@given(data=st.data(), n=st.integers(1, 5000))
def test_vectorized_rates_and_intervals_equal_the_plain_ones(data, n):
    successes = data.draw(st.integers(0, n))
    rates, lows, highs = _rates(np.array([successes], dtype=np.int64), np.array([n], dtype=np.int64))
    assert (rates[0], (lows[0], highs[0])) == _rate(successes, n)
