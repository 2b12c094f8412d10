"""certification listening to surveys: new answers go into the rollups in the transaction that stored them."""

from __future__ import annotations

from worldclass.certification.domain.rollups import add_batch_to_rollups, add_survey_to_rollups, batch_eligibility


def add_recorded_surveys_to_rollups(
    *,
    sender,
    survey=None,
    import_batch_id: int | None = None,
    survey_pks: tuple[int, int] | None = None,
    **kwargs,
) -> list[dict]:
    """Receiver of `surveys.signals.surveys_recorded`; for an import batch, returns its eligibility per window."""
    if survey is not None:
        add_survey_to_rollups(survey=survey)
        return []
    add_batch_to_rollups(import_batch_id=import_batch_id, survey_pks=survey_pks)
    return [window.as_dict() for window in batch_eligibility(import_batch_id=import_batch_id, survey_pks=survey_pks)]
