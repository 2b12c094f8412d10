import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role world creates nine users per test; argon2 itself is tested in test_login_security.py."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
