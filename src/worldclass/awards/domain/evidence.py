"""Evidence from measured data: a pre/post comparison of FCR and WCC from the organization's monthly rollups."""

from __future__ import annotations

from django.db import transaction
from django_scopes import scopes_disabled

from worldclass.awards.domain.common import audit, require_org_admin
from worldclass.awards.models import Application, EvidenceComparison
from worldclass.certification.queries import latest_edition, organization_rollup_totals
from worldclass.core.errors import AppError, ErrorDetail
from worldclass.core.months import Month
from worldclass.core.stats import compare_proportions

METRICS = {"fcr": "FCR", "world_class": "WCC"}


def _period_counts(*, organization_id: int, window_id: int, start: Month, end: Month) -> dict[str, int]:
    # The applicant's own organization-level rollups; the caller checked it administers this organization.
    with scopes_disabled():
        return organization_rollup_totals(
            organization_id=organization_id,
            window_id=window_id,
            start=start,
            end=end,
            counts=["eligible", "fcr", "world_class"],
        )


def compute_evidence(
    *, user, application: Application, before: tuple[Month, Month], after: tuple[Month, Month]
) -> EvidenceComparison:
    """Compare FCR and WCC between two periods of months, under the latest edition's survey window.

    Each metric gets the two rates with their sample sizes, the pooled two-proportion z-test and a 95% interval on
    the change, so the panel sees measured evidence rather than claims.
    """
    require_org_admin(user, application.organization_id)
    (before_start, before_end), (after_start, after_end) = before, after
    if before_start > before_end or after_start > after_end:
        raise AppError(
            code="invalid",
            message="Each period must start before it ends.",
            details=[ErrorDetail("Start after end.", "before" if before_start > before_end else "after")],
        )
    if before_end >= after_start:
        raise AppError(
            code="invalid",
            message="The 'before' period must end before the 'after' period starts.",
            details=[ErrorDetail("Periods overlap.", "after_start")],
        )
    edition = latest_edition()
    if edition is None:
        raise AppError(code="no_edition", message="No certification edition defines a survey window yet.")
    window = edition.survey_window
    counts_before = _period_counts(
        organization_id=application.organization_id, window_id=window.pk, start=before_start, end=before_end
    )
    counts_after = _period_counts(
        organization_id=application.organization_id, window_id=window.pk, start=after_start, end=after_end
    )
    empty = [name for name, c in (("before", counts_before), ("after", counts_after)) if not c["eligible"]]
    if empty:
        raise AppError(
            code="no_measured_data",
            message="The platform has no eligible surveys of your organization in "
            + " and ".join(f"the '{name}' period" for name in empty)
            + f" (survey window {window.code}).",
            details=[ErrorDetail(message="No eligible surveys.", field=name) for name in empty],
        )
    results = {"eligible_before": counts_before["eligible"], "eligible_after": counts_after["eligible"]}
    for key, label in METRICS.items():
        change = compare_proportions(
            before_successes=counts_before[key],
            before_n=counts_before["eligible"],
            after_successes=counts_after[key],
            after_n=counts_after["eligible"],
        )
        results[label] = change.as_dict()
    with transaction.atomic():
        comparison = EvidenceComparison.objects.create(
            application=application,
            window_code=window.code,
            before_start=before_start.first_day(),
            before_end=before_end.first_day(),
            after_start=after_start.first_day(),
            after_end=after_end.first_day(),
            results=results,
            created_by=user,
        )
        audit(
            user=user,
            action="compute_evidence",
            obj=comparison,
            organization=application.organization,
            details={"window": window.code},
        )
    return comparison
