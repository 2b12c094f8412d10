import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role world creates nine users; argon2's deliberate slowness is tested in accounts, not here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
