import pytest

from worldclass.accounts.models import Role, RoleAssignment, User
from worldclass.accounts.tenancy import organization_ids_for
from worldclass.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def user_with(*roles) -> User:
    user = User.objects.create_user(username=f"u{User.objects.count()}")
    for role, organization in roles:
        RoleAssignment.objects.create(user=user, role=role, organization=organization)
    return user


def test_django_staff_without_a_role_read_no_organization():
    """Django's is_staff opens the admin only; authority comes from the certifier_staff role."""
    assert organization_ids_for(User.objects.create_user(username="staff", is_staff=True)) == []


def test_superusers_read_every_organization():
    assert organization_ids_for(User.objects.create_superuser(username="root", email="r@example.com")) is None


def test_certifier_staff_read_every_organization():
    assert organization_ids_for(user_with((Role.CERTIFIER_STAFF, None))) is None


def test_client_side_roles_read_their_own_organizations_in_order():
    acme, globex, initech = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    user = user_with((Role.ORG_ADMIN, globex), (Role.CSR, acme), (Role.SUPERVISOR, globex))
    assert organization_ids_for(user) == sorted([acme.pk, globex.pk])
    assert initech.pk not in organization_ids_for(user)


def test_certifier_side_roles_other_than_staff_open_no_organization():
    assert organization_ids_for(user_with((Role.JUDGE, None), (Role.INTERVIEWER, None))) == []
