import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from worldclass.accounts.tests.world import client_for
from worldclass.certification.models import LevelRule
from worldclass.directory.models import Organization, Person
from worldclass.portal.tests.factories import rollups_for, survey_response

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = dt.date(2015, 1, 1), dt.date(2015, 2, 1), dt.date(2015, 3, 1)


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("certifier_staff", lambda w: "/dashboard/organizations/"),
        ("org_admin", lambda w: f"/dashboard/organization/{w.org.id}/"),
        ("site_manager", lambda w: f"/dashboard/site/{w.site.id}/"),
        ("supervisor", lambda w: f"/dashboard/supervisor/{w.supervisor.id}/"),
        ("csr", lambda w: f"/dashboard/csr/{w.csr.id}/"),
        ("judge", lambda w: "/"),
    ],
)
def test_home_sends_each_role_to_the_highest_dashboard_it_may_see(world, role, target):
    response = client_for(world, role).get("/dashboard/")
    assert (response.status_code, response["Location"]) == (302, target(world))


def test_site_manager_of_several_sites_chooses_among_them(world):
    with scopes_disabled():
        world.users["site_manager"].role_assignments.get().sites.add(world.sister_site)
    response = client_for(world, "site_manager").get("/dashboard/")
    assert [site.code for site in response.context["sites"]] == ["hal", "tor"]


def test_entity_page_shows_each_month_with_rates_and_intervals(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[JAN, FEB], eligible=100, ineligible=7, world_class=80)
    response = client_for(world, "csr").get(f"/dashboard/csr/{world.csr.id}/?edition=2015")
    month, metrics = response.context["months"][0]
    wcc = metrics.rate("wcc")
    assert (month, metrics.eligible, metrics.ineligible, wcc.percent, round(wcc.low, 1), round(wcc.high, 1)) == (
        FEB,
        100,
        7,
        80.0,
        71.1,
        86.7,
    )


def test_trend_chart_draws_the_editions_threshold_for_the_level(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[JAN])
    chart = client_for(world, "csr").get(f"/dashboard/csr/{world.csr.id}/?edition=2015").context["chart"]
    rule = LevelRule.objects.select_related("edition").get(edition__year=2015, level="csr")
    assert (chart["labels"], chart["threshold"], chart["metric"]) == (
        ["2015-01"],
        float(rule.threshold_percent),
        rule.edition.metric,
    )


def test_organization_has_no_threshold_line_of_its_own(world):
    chart = client_for(world, "org_admin").get(f"/dashboard/organization/{world.org.id}/").context["chart"]
    assert chart["threshold"] is None


def test_site_page_lists_its_supervisors_with_their_last_twelve_months(world):
    with scopes_disabled():
        rollups_for(obj=world.site, level="site", months=[MAR])
        rollups_for(obj=world.supervisor, level="supervisor", months=[JAN, FEB, MAR], eligible=10, world_class=9)
    response = client_for(world, "site_manager").get(f"/dashboard/site/{world.site.id}/?edition=2015")
    children = [(s.obj.code, s.metrics.eligible, s.metrics.counts["wcc"]) for s in response.context["children"]]
    assert children == [("S1", 30, 27)]


def test_leaderboard_ranks_by_the_wilson_lower_bound_not_the_raw_rate(world):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[MAR], eligible=3, world_class=3)
        rollups_for(obj=world.teammate, level="csr", months=[MAR], eligible=100, world_class=90)
    response = client_for(world, "supervisor").get(
        f"/dashboard/supervisor/{world.supervisor.id}/leaderboard/?edition=2015&through=2015-03"
    )
    assert [(s.rank, s.obj.code) for s in response.context["page"]] == [(1, "C2"), (2, "C1")]


def test_leaderboard_leaves_members_without_surveys_unranked_at_the_end(world):
    with scopes_disabled():
        rollups_for(obj=world.teammate, level="csr", months=[MAR], eligible=10, world_class=5)
    response = client_for(world, "site_manager").get(
        f"/dashboard/site/{world.site.id}/leaderboard/?of=csr&edition=2015&through=2015-03"
    )
    assert [(s.rank, s.obj.code) for s in response.context["page"]] == [(1, "C2"), (None, "C1")]


@pytest.fixture
def commented(world):
    with scopes_disabled():
        survey_response(csr=world.csr, comment="Great help")
        survey_response(csr=world.csr, resolved=False, comment="Still broken")
        survey_response(csr=world.csr, overall_sat=2, comment="Rude")
        survey_response(csr=world.csr, comment="")
        survey_response(
            csr=world.teammate, call_at=dt.datetime(2015, 4, 2, 9, 0, tzinfo=dt.UTC), comment="April thanks"
        )
    return world


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["April thanks", "Great help", "Rude", "Still broken"]),
        ("unresolved=1", ["Still broken"]),
        ("low=1", ["Rude"]),
        ("month=2015-04", ["April thanks"]),
    ],
)
def test_comments_filter(commented, query, expected):
    response = client_for(commented, "supervisor").get(
        f"/dashboard/supervisor/{commented.supervisor.id}/comments/?{query}"
    )
    assert sorted(r.comment for r in response.context["page"]) == expected


def test_comments_filter_by_csr(commented):
    response = client_for(commented, "site_manager").get(
        f"/dashboard/site/{commented.site.id}/comments/?csr={commented.teammate.id}"
    )
    assert [r.comment for r in response.context["page"]] == ["April thanks"]


def test_comments_export_follows_the_filters_and_defuses_formulas(world):
    with scopes_disabled():
        survey_response(csr=world.csr, resolved=False, comment="=HYPERLINK(1)")
        survey_response(csr=world.csr, comment="fine")
    response = client_for(world, "csr").get(f"/dashboard/csr/{world.csr.id}/export/comments.csv?unresolved=1")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert (response["Content-Disposition"], [row[-1] for row in rows]) == (
        'attachment; filename="csr-C1-comments.csv"',
        ["Comment", "'=HYPERLINK(1)"],
    )


def test_months_export_as_xlsx_has_the_page_figures(world):
    with scopes_disabled():
        rollups_for(obj=world.site, level="site", months=[JAN], eligible=200, ineligible=3, world_class=150)
    response = client_for(world, "site_manager").get(f"/dashboard/site/{world.site.id}/export/months.xlsx?edition=2015")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = [[cell.value for cell in r] for r in sheet.iter_rows(max_row=2)]
    assert (header[:5], row[:5]) == (
        ["Month", "Eligible", "Ineligible", "WCC %", "WCC 95% low"],
        ["2015-01", 200, 3, 75, 68.57],
    )


def test_organizations_list_exports_as_csv(world):
    with scopes_disabled():
        rollups_for(obj=world.org, level="organization", months=[JAN], eligible=40, ineligible=10, world_class=20)
    response = client_for(world, "certifier_staff").get("/dashboard/organizations/?edition=2015&format=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert [row[:4] for row in rows[1:]] == [
        ["acme", "Acme Insurance", "40", "10"],
        ["globex", "Globex Bank", "0", "0"],
    ]


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def _add_csrs(world, count: int, prefix: str = "N") -> None:
    with scopes_disabled():
        for n in range(count):
            person = Person.objects.create(
                organization=world.org,
                code=f"{prefix}{n}",
                name=f"New {prefix}{n}",
                site=world.site,
                supervisor=world.supervisor,
                is_csr=True,
            )
            rollups_for(obj=person, level="csr", months=[JAN, FEB], eligible=10, world_class=8)
            survey_response(csr=person, comment=f"comment {n}")


@pytest.mark.parametrize(
    "path",
    [
        lambda w: f"/dashboard/supervisor/{w.supervisor.id}/",
        lambda w: f"/dashboard/supervisor/{w.supervisor.id}/leaderboard/",
        lambda w: f"/dashboard/site/{w.site.id}/comments/",
        lambda w: f"/dashboard/csr/{w.csr.id}/",
    ],
    ids=["members", "leaderboard", "comments", "months"],
)
def test_list_pages_take_as_many_queries_for_twenty_rows_as_for_two(world, path):
    client = client_for(world, "org_admin")
    _add_csrs(world, 2)
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[JAN, FEB])
    few = _queries(client, path(world))
    _add_csrs(world, 18, prefix="M")
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[dt.date(2014, m, 1) for m in range(1, 13)])
    assert _queries(client, path(world)) == few


def test_organizations_list_takes_as_many_queries_for_twenty_rows_as_for_two(world):
    client = client_for(world, "certifier_staff")
    with scopes_disabled():
        rollups_for(obj=world.org, level="organization", months=[JAN])
        rollups_for(obj=world.other_org, level="organization", months=[JAN])
    few = _queries(client, "/dashboard/organizations/")
    with scopes_disabled():
        for n in range(18):
            organization = Organization.objects.create(code=f"o{n}", name=f"Org {n}")
            rollups_for(obj=organization, level="organization", months=[JAN])
    assert _queries(client, "/dashboard/organizations/") == few


def test_dashboard_speaks_french(world):
    response = client_for(world, "csr").get(f"/dashboard/csr/{world.csr.id}/", HTTP_ACCEPT_LANGUAGE="fr")
    content = response.content.decode()
    assert ("Par mois" in content, "Mon tableau de bord" in content) == (True, True)


def test_dashboard_describes_the_survey_window_in_french(world):
    response = client_for(world, "csr").get(f"/dashboard/csr/{world.csr.id}/?edition=2015", HTTP_ACCEPT_LANGUAGE="fr")
    sentence = "Taux parmi les sondages admissibles (De 10 minutes à 24 heures après l\u2019appel)"
    assert sentence in response.content.decode()


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("progress", "through=2025-13"),
        ("leaderboard", "through=0000-01"),
        ("editions", "through=2025-00"),
        ("comments", "month=June"),
        ("comments", "csr=abc"),
        ("comments", "csr=99999999999999999999"),
        ("comments", "csr=-99999999999999999999"),
    ],
)
def test_a_malformed_query_parameter_is_a_bad_request(world, page, query):
    response = client_for(world, "site_manager").get(f"/dashboard/site/{world.site.id}/{page}/?{query}")
    assert response.status_code == 400


def test_a_comments_export_of_a_csr_id_beyond_any_column_is_a_bad_request(world):
    """SQLite cannot even compare a number beyond 64 bits: it was a 500."""
    client = client_for(world, "site_manager")
    response = client.get(f"/dashboard/site/{world.site.id}/export/comments.xlsx?csr=99999999999999999999")
    assert response.status_code == 400


@pytest.fixture
def team(world):
    """The supervisor's CSRs in March 2015: Casey meets the 2015 FCR threshold on a full sample, Toni misses it,
    Nico has three surveys so far."""
    with scopes_disabled():
        newcomer = Person.objects.create(
            organization=world.org,
            code="C4",
            name="Nico Newcomer",
            site=world.site,
            supervisor=world.supervisor,
            is_csr=True,
        )
        rollups_for(obj=world.supervisor, level="supervisor", months=[MAR], eligible=203, fcr=138)
        rollups_for(obj=world.csr, level="csr", months=[JAN, FEB, MAR], eligible=100, fcr=90)
        rollups_for(obj=world.teammate, level="csr", months=[JAN, FEB, MAR], eligible=90, fcr=45)
        rollups_for(obj=newcomer, level="csr", months=[MAR], eligible=3, fcr=3)
    return world


def _members(response) -> list[tuple]:
    return [
        (standing.obj.code, standing.status.state, standing.status.valid_through)
        for standing in response.context["children"]
    ]


def test_supervisor_page_shows_each_csrs_certification_status(team):
    response = client_for(team, "supervisor").get(f"/dashboard/supervisor/{team.supervisor.id}/?edition=2015")
    assert sorted(_members(response)) == [
        ("C1", "certified", "2016-03"),
        ("C2", "not_qualifying", None),
        ("C4", "in_progress", None),
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["C1", "C4", "C2"]),  # Casey, Nico, Toni
        ("surveys", ["C1", "C2", "C4"]),
        ("rate", ["C4", "C1", "C2"]),  # 100%, 90%, 50%
        ("status", ["C1", "C4", "C2"]),
        ("rank", ["C1", "C2", "C4"]),  # Wilson lower bounds: 82%, 44.0%, 43.9%
    ],
)
def test_member_table_sorts_by_name_surveys_rate_and_status(team, sort, expected):
    response = client_for(team, "supervisor").get(
        f"/dashboard/supervisor/{team.supervisor.id}/?edition=2015&sort={sort}"
    )
    assert [code for code, _state, _through in _members(response)] == expected


def test_member_table_pages_fifty_members_at_a_time(team, monkeypatch):
    monkeypatch.setattr("worldclass.portal.views.MEMBERS_PER_PAGE", 2)
    response = client_for(team, "supervisor").get(
        f"/dashboard/supervisor/{team.supervisor.id}/?edition=2015&sort=name&page=2"
    )
    assert (_members(response), response.context["members_page"].paginator.num_pages) == (
        [("C2", "not_qualifying", None)],
        2,
    )


def test_member_table_reads_as_many_queries_for_many_members_as_for_few(team):
    client = client_for(team, "supervisor")
    url = f"/dashboard/supervisor/{team.supervisor.id}/?edition=2015&sort=name"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with scopes_disabled():
        for number in range(10):
            person = Person.objects.create(
                organization=team.org, code=f"N{number}", site=team.site, supervisor=team.supervisor, is_csr=True
            )
            rollups_for(obj=person, level="csr", months=[MAR], eligible=20)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_members_export_carries_the_status_in_the_pages_order(team):
    response = client_for(team, "supervisor").get(
        f"/dashboard/supervisor/{team.supervisor.id}/export/members.csv?edition=2015&sort=status"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row[0], row[-2], row[-1]) for row in rows[1:]] == [
        ("C1", "Certified", "2016-03"),
        ("C4", "In progress", ""),
        ("C2", "Not qualifying", ""),
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", '<span class="badge text-bg-success">Certified</span> <small>through 2016-03</small>'),
        ("fr", '<span class="badge text-bg-success">Certifié</span> <small>jusqu\u2019à 2016-03</small>'),
    ],
)
def test_member_table_says_how_long_a_certified_member_stays_certified(team, language, expected):
    response = client_for(team, "supervisor").get(
        f"/dashboard/supervisor/{team.supervisor.id}/?edition=2015", headers={"accept-language": language}
    )
    assert response.content.decode().count(expected) == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", '80.0%<br><small class="text-body-secondary text-nowrap">71.1\u201386.7%</small>'),
        ("fr", '80,0\u00a0%<br><small class="text-body-secondary text-nowrap">71,1\u201386,7\u00a0%'),
    ],
)
def test_rates_in_tables_are_written_as_the_language_writes_percentages(world, language, expected):
    with scopes_disabled():
        rollups_for(obj=world.csr, level="csr", months=[JAN], eligible=100, world_class=80)
    response = client_for(world, "csr").get(
        f"/dashboard/csr/{world.csr.id}/?edition=2015", headers={"accept-language": language}
    )
    assert expected in response.content.decode()
