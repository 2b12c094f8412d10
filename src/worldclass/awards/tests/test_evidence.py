import datetime as dt

import pytest

from worldclass.awards.domain.evidence import compute_evidence
from worldclass.awards.tests.factories import applicant_user, submitted_application
from worldclass.certification.models import Edition, Level, MonthlyRollup
from worldclass.core.errors import AppError, PermissionDenied
from worldclass.core.months import Month


@pytest.fixture
def ann_app(cycle, categories):
    return submitted_application(cycle=cycle, category=categories[0], user=applicant_user("ann"))


def rollup(application, month: str, eligible: int, fcr: int, wcc: int, level=Level.ORGANIZATION):
    window = Edition.objects.order_by("-year").first().survey_window
    MonthlyRollup.objects.create(
        organization_id=application.organization_id,
        level=level,
        entity_id=application.organization_id,
        month=Month.parse(month).first_day(),
        window=window,
        eligible=eligible,
        fcr=fcr,
        world_class=wcc,
    )


def periods():
    return (Month.parse("2019-01"), Month.parse("2019-03")), (Month.parse("2019-04"), Month.parse("2019-06"))


def test_evidence_compares_fcr_and_wcc_from_organization_rollups(ann_app):
    rollup(ann_app, "2019-01", 50, 25, 20)
    rollup(ann_app, "2019-02", 50, 25, 20)
    rollup(ann_app, "2019-05", 100, 65, 50)
    before, after = periods()
    evidence = compute_evidence(user=ann_app.created_by, application=ann_app, before=before, after=after)
    fcr = evidence.results["FCR"]
    assert (fcr["before_n"], fcr["before_successes"], fcr["after_n"], fcr["after_successes"], round(fcr["z"], 4)) == (
        100,
        50,
        100,
        65,
        2.1456,
    )
    assert (evidence.results["WCC"]["before_rate"], evidence.results["WCC"]["after_rate"]) == (0.4, 0.5)


def test_evidence_uses_the_latest_editions_survey_window(ann_app):
    rollup(ann_app, "2019-01", 10, 5, 5)
    rollup(ann_app, "2019-04", 10, 5, 5)
    before, after = periods()
    evidence = compute_evidence(user=ann_app.created_by, application=ann_app, before=before, after=after)
    assert evidence.window_code == Edition.objects.order_by("-year").first().survey_window.code


def test_site_level_rollups_are_not_counted(ann_app):
    rollup(ann_app, "2019-01", 10, 5, 5)
    rollup(ann_app, "2019-04", 10, 5, 5, level=Level.SITE)
    before, after = periods()
    with pytest.raises(AppError) as error:
        compute_evidence(user=ann_app.created_by, application=ann_app, before=before, after=after)
    assert error.value.code == "no_measured_data"


def test_without_surveys_on_the_platform_there_is_no_evidence(ann_app):
    before, after = periods()
    with pytest.raises(AppError) as error:
        compute_evidence(user=ann_app.created_by, application=ann_app, before=before, after=after)
    assert [d.field for d in error.value.details] == ["before", "after"]


def test_overlapping_periods_are_refused(ann_app):
    with pytest.raises(AppError) as error:
        compute_evidence(
            user=ann_app.created_by,
            application=ann_app,
            before=(Month.parse("2019-01"), Month.parse("2019-05")),
            after=(Month.parse("2019-04"), Month.parse("2019-06")),
        )
    assert error.value.details[0].field == "after_start"


def test_another_organization_cannot_compute_evidence(ann_app):
    before, after = periods()
    with pytest.raises(PermissionDenied):
        compute_evidence(user=applicant_user("eve"), application=ann_app, before=before, after=after)


def test_periods_are_stored_as_months(ann_app):
    rollup(ann_app, "2019-02", 10, 5, 5)
    rollup(ann_app, "2019-06", 10, 5, 5)
    before, after = periods()
    evidence = compute_evidence(user=ann_app.created_by, application=ann_app, before=before, after=after)
    assert (evidence.before_start, evidence.after_end) == (dt.date(2019, 1, 1), dt.date(2019, 6, 1))
