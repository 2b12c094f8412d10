"""certification listening to surveys: new answers go into the rollups in the transaction that stored them."""

from __future__ import annotations

from worldclass.certification.domain.rollups import (
    BatchTally,
    add_batch_to_rollups,
    add_survey_to_rollups,
    batch_eligibility,
    start_batch_tally,
)


def count_importing_surveys(*, sender, scale: tuple[int, int], **kwargs) -> BatchTally | None:
    """Receiver of `surveys.signals.surveys_importing`: the tally that counts the file's rows as they are read."""
    return start_batch_tally(scale_max=scale[1])


def add_recorded_surveys_to_rollups(
    *,
    sender,
    survey=None,
    import_batch_id: int | None = None,
    survey_pks: tuple[int, int] | None = None,
    tallies: list | None = None,
    roster=None,
    **kwargs,
) -> list[dict]:
    """Receiver of `surveys.signals.surveys_recorded`; for an import batch, returns its eligibility per window."""
    if survey is not None:
        add_survey_to_rollups(survey=survey)
        return []
    tally = next((t for t in tallies or [] if isinstance(t, BatchTally)), None)
    add_batch_to_rollups(import_batch_id=import_batch_id, survey_pks=survey_pks, tally=tally, roster=roster)
    eligibility = batch_eligibility(import_batch_id=import_batch_id, survey_pks=survey_pks, tally=tally)
    return [window.as_dict() for window in eligibility]
