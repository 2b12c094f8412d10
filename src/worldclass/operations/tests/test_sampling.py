import datetime as dt
import hashlib
import hmac
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worldclass.operations.domain.sampling import (
    CallFacts,
    ExclusionRules,
    FractionDrawer,
    InvitationHistory,
    decide,
    draw_fraction,
    stratum_probability,
)
from worldclass.operations.models import SampleOutcome

KEY = bytes(range(32))
T = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


def facts(**overrides) -> CallFacts:
    values = dict(
        call_id="C-1",
        ended_at=T,
        disposition="answered",
        do_not_survey=False,
        customer_keys=("phone-key", ""),
        csr_id=1,
        probability=1.0,
    )
    values.update(overrides)
    return CallFacts(**values)


def test_draw_is_hmac_sha256_top_53_bits_as_a_fraction():
    digest = hmac.new(KEY, b"CALL-1", hashlib.sha256).digest()
    expected = (int.from_bytes(digest[:8], "big") >> 11) / 2**53
    assert draw_fraction(key=KEY, message="CALL-1") == expected


@given(st.binary(min_size=1, max_size=64), st.text(min_size=1, max_size=64))
def test_draw_is_a_fraction_in_unit_interval(key, message):
    assert 0.0 <= draw_fraction(key=key, message=message) < 1.0


def test_probability_adjusts_for_response_rate():
    assert stratum_probability(target_per_csr=30, expected_calls_per_csr=600, response_rate=0.25) == 0.2


def test_probability_is_capped_at_one():
    assert stratum_probability(target_per_csr=30, expected_calls_per_csr=20, response_rate=0.5) == 1.0


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"do_not_survey": True}, SampleOutcome.DO_NOT_SURVEY),
        ({"disposition": "abandoned"}, SampleOutcome.ABANDONED),
        ({"customer_keys": ("", "")}, SampleOutcome.NO_CONTACT),
        ({"probability": 0.0}, SampleOutcome.NOT_DRAWN),
        ({}, SampleOutcome.SELECTED),
    ],
)
def test_decide_applies_each_exclusion(overrides, expected):
    outcome = decide(
        facts=facts(**overrides), draw=0.5, rules=ExclusionRules(), history=InvitationHistory(), completed_for_csr=0
    )
    assert outcome == expected


def test_exclusions_can_be_switched_off():
    rules = ExclusionRules(do_not_survey=False, abandoned=False)
    outcome = decide(
        facts=facts(do_not_survey=True, disposition="abandoned"),
        draw=0.5,
        rules=rules,
        history=InvitationHistory(),
        completed_for_csr=0,
    )
    assert outcome == SampleOutcome.SELECTED


def test_csr_at_quota_is_not_invited():
    outcome = decide(
        facts=facts(),
        draw=0.1,
        rules=ExclusionRules(target_per_csr=30),
        history=InvitationHistory(),
        completed_for_csr=30,
    )
    assert outcome == SampleOutcome.QUOTA_REACHED


@given(gap_days=st.integers(min_value=0, max_value=60), fatigue_days=st.integers(min_value=1, max_value=45))
def test_fatigue_rule_holds_whatever_the_gap(gap_days, fatigue_days):
    history = InvitationHistory()
    history.add(["phone-key"], T)
    later = T + dt.timedelta(days=gap_days, minutes=1)
    outcome = decide(
        facts=facts(ended_at=later),
        draw=0.1,
        rules=ExclusionRules(fatigue_days=fatigue_days),
        history=history,
        completed_for_csr=0,
    )
    recent = gap_days < fatigue_days
    assert outcome == (SampleOutcome.RECENTLY_INVITED if recent else SampleOutcome.SELECTED)


@settings(max_examples=25, deadline=None)
@given(probability=st.floats(min_value=0.02, max_value=0.98), seed=st.binary(min_size=16, max_size=16))
def test_selection_rate_converges_to_the_plan(probability, seed):
    n = 20_000
    selected = sum(draw_fraction(key=seed, message=f"call-{i}") < probability for i in range(n))
    # Five standard deviations of a binomial proportion.
    tolerance = 5 * (probability * (1 - probability) / n) ** 0.5
    assert abs(selected / n - probability) < tolerance


@settings(max_examples=15, deadline=None)
@given(
    mix=st.lists(st.integers(min_value=200, max_value=3000), min_size=2, max_size=5),
    seed=st.binary(min_size=16, max_size=16),
)
def test_stratified_sample_mirrors_the_call_mix(mix, seed):
    calls = [(f"type{t}", f"{t}-{i}") for t, count in enumerate(mix) for i in range(count)]
    probability = stratum_probability(target_per_csr=30, expected_calls_per_csr=300, response_rate=0.5)
    sample = Counter(kind for kind, call_id in calls if draw_fraction(key=seed, message=call_id) < probability)
    total_calls, total_sample = len(calls), sum(sample.values())
    for t, count in enumerate(mix):
        call_share = count / total_calls
        sample_share = sample[f"type{t}"] / total_sample
        tolerance = 5 * (call_share * (1 - call_share) / total_sample) ** 0.5
        assert abs(sample_share - call_share) < tolerance


@given(st.binary(min_size=0, max_size=200), st.text(max_size=64))
def test_a_drawer_under_one_key_is_hmac_sha256_of_that_key(key, message):
    digest = hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
    assert FractionDrawer(key)(message) == (int.from_bytes(digest[:8], "big") >> 11) / 2**53
