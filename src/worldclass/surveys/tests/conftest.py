"""Fixtures shared by the surveys tests."""

import pytest

from worldclass.directory.tests.factories import PersonFactory, SiteFactory


@pytest.fixture
def people():
    site = SiteFactory(country="CA")
    supervisor = PersonFactory(organization=site.organization, site=site, is_csr=False, is_supervisor=True)
    csr = PersonFactory(organization=site.organization, site=site, supervisor=supervisor)
    return {"organization": site.organization, "site": site, "supervisor": supervisor, "csr": csr}
