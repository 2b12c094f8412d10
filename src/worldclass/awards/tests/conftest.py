import pytest

from worldclass.awards.tests.factories import first_categories, open_cycle, staff_user


@pytest.fixture(autouse=True)
def _awards_unscoped(unscoped):
    """Test set-up reads and writes across organizations; requests still open their own scope."""


@pytest.fixture
def staff(db):
    return staff_user()


@pytest.fixture
def cycle(staff):
    return open_cycle(staff=staff)


@pytest.fixture
def categories(cycle):
    return first_categories(cycle, 2)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
