"""Data-driven labels follow the active language: the French name where one is set, else the English one."""

import pytest
from django.template import Context, Template
from django.utils import translation

from worldclass.certification.models import Edition

pytestmark = pytest.mark.django_db


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_an_edition_reads_in_french_when_french_is_active():
    with translation.override("fr"):
        assert str(Edition.objects.get(year=2013)) == "Certification Appel de classe mondiale 2013"


def test_an_edition_reads_in_english_otherwise():
    with translation.override("en"):
        assert str(Edition.objects.get(year=2013)) == "2013 World Class Call Certification"


def test_the_filter_falls_back_to_english_without_a_french_name():
    edition = Edition.objects.get(year=2013)
    edition.name_fr = ""
    with translation.override("fr"):
        assert _render("{{ edition|localized }}", edition=edition) == "2013 World Class Call Certification"


def test_dates_follow_the_active_language():
    import datetime as dt

    with translation.override("fr"):
        assert _render('{{ day|date:"DATE_FORMAT" }}', day=dt.date(2027, 10, 18)) == "18 octobre 2027"


def test_a_moment_shows_in_the_sites_time_zone_with_its_name():
    import datetime as dt

    moment = dt.datetime(2026, 1, 5, 19, 30, tzinfo=dt.UTC)
    with translation.override("en"):
        written = _render("{{ at|in_zone:zone }}", at=moment, zone="America/Toronto")
    assert written == "2026-01-05 14:30 (America/Toronto)"


def test_a_moment_in_a_zone_is_written_the_iso_way_in_french_too():
    import datetime as dt

    moment = dt.datetime(2026, 11, 3, 7, 51, tzinfo=dt.UTC)
    with translation.override("fr"):
        written = _render("{{ at|in_zone:zone }}", at=moment, zone="America/Toronto")
    assert written == "2026-11-03 02:51 (America/Toronto)"


def test_an_unknown_time_zone_falls_back_to_utc():
    import datetime as dt

    moment = dt.datetime(2026, 1, 5, 19, 30, tzinfo=dt.UTC)
    with translation.override("fr"):
        assert _render("{{ at|in_zone:zone }}", at=moment, zone="Mars/Olympus") == "2026-01-05 19:30 (UTC)"
