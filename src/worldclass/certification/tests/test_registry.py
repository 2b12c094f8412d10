"""The registry of a year: certified sites and organizations named with consent, people counted."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from worldclass.certification.queries import registry_for_year
from worldclass.certification.tests.factories import rollup_months
from worldclass.core.months import Month
from worldclass.directory.tests.factories import OrganizationFactory, PersonFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified_world():
    start = Month(2013, 8)
    listed = OrganizationFactory(code="acme", name="Acme Insurance")
    hidden = OrganizationFactory(code="shy", name="Shy Bank", listed_in_registry=False)
    for organization, site_code in ((listed, "east"), (hidden, "north")):
        site = SiteFactory(organization=organization, code=site_code, name=f"{site_code.title()} Center", country="CA")
        rollup_months(entity=site, level="site", start=start, eligible=[300] * 5, meeting=[290] * 5)
        for code in ("c1", "c2"):
            person = PersonFactory(organization=organization, code=code)
            rollup_months(entity=person, level="csr", start=start, eligible=[10] * 5, meeting=[10] * 5)
    supervisor = PersonFactory(organization=listed, code="s1", is_csr=False, is_supervisor=True)
    rollup_months(entity=supervisor, level="supervisor", start=start, eligible=[100] * 5, meeting=[50] * 5)
    return listed


def test_registry_names_consenting_organizations_and_counts_people(certified_world):
    registry = registry_for_year(year=2013)
    assert registry.as_dict() == {
        "year": 2013,
        "edition": "2013",
        "through": "2013-12",
        "sites": [
            {
                "organization": "acme",
                "organization_name": "Acme Insurance",
                "code": "east",
                "name": "East Center",
                "country": "CA",
                "certified_since": "2013-10",
                "valid_through": "2014-10",
            }
        ],
        "organizations": [
            {"code": "acme", "name": "Acme Insurance", "certified_since": "2013-10", "valid_through": "2014-10"}
        ],
        "csrs_certified": 4,
        "supervisors_certified": 0,
        "unlisted_sites_certified": 1,
        "unlisted_organizations_certified": 1,
    }


def test_registry_csv(certified_world):
    out = StringIO()
    call_command("registry", "--year", "2013", "--csv", stdout=out)
    rows = list(csv.reader(StringIO(out.getvalue())))
    assert rows == [
        [
            "kind",
            "organization",
            "organization_name",
            "site",
            "site_name",
            "country",
            "certified_since",
            "valid_through",
        ],
        ["organization", "acme", "Acme Insurance", "", "", "", "2013-10", "2014-10"],
        ["site", "acme", "Acme Insurance", "east", "East Center", "CA", "2013-10", "2014-10"],
    ]


def test_registry_json_and_text(certified_world):
    out = StringIO()
    call_command("registry", "--year", "2013", "--json", stdout=out)
    assert json.loads(out.getvalue())["csrs_certified"] == 4
    text = StringIO()
    call_command("registry", "--year", "2013", stdout=text)
    assert text.getvalue().splitlines() == [
        "World Class registry 2013 (edition 2013, as of 2013-12)",
        "Organizations certified: 2",
        "  Acme Insurance (acme) since 2013-10",
        "Contact centers certified: 2",
        "  Acme Insurance: East Center (CA) since 2013-10",
        "  (2 more certified, not named at their request)",
        "CSRs certified: 4",
        "Supervisors certified: 0",
    ]


def test_registry_of_a_year_without_an_edition_is_an_error():
    with pytest.raises(CommandError, match="There is no edition 2031"):
        call_command("registry", "--year", "2031", stdout=StringIO())
