import pytest

from worldclass.accounts.tests.world import build_role_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role world creates nine users; argon2's deliberate slowness is tested in accounts, not here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    """Every role's user over one organization, site, supervisor and CSR (accounts/tests/world.py)."""
    return build_role_world()
