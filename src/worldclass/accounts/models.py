from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Someone who logs in; linked to a directory person when they work in a contact center."""

    person = models.OneToOneField(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )


class Role(models.TextChoices):
    CERTIFIER_STAFF = "certifier_staff", _("Certifier staff")
    ORG_ADMIN = "org_admin", _("Organization admin")
    SITE_MANAGER = "site_manager", _("Site manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    CSR = "csr", _("CSR")
    JUDGE = "judge", _("Awards judge")
    INTERVIEWER = "interviewer", _("Phone interviewer")
    QA_REVIEWER = "qa_reviewer", _("Interview QA reviewer")


# Roles held on the certifier's side, across all organizations; every other role is tied to one organization.
CERTIFIER_SIDE_ROLES = [Role.CERTIFIER_STAFF, Role.JUDGE, Role.INTERVIEWER, Role.QA_REVIEWER]


def holds_certifier_authority(*, user, roles) -> bool:
    """The one rule for certifier staff (asked through `rules.is_certifier_staff`): the certifier_staff role, or a
    superuser. Django's `is_staff` alone opens the admin and grants nothing else."""
    return bool(user.is_superuser) or Role.CERTIFIER_STAFF in roles


class RoleAssignment(models.Model):
    """A role a user holds, scoped to one organization (and some of its sites) where the role needs it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    sites = models.ManyToManyField("directory.Site", blank=True, related_name="role_assignments")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="role_organization_matches_side",
                condition=(Q(role__in=CERTIFIER_SIDE_ROLES) & Q(organization__isnull=True))
                | (~Q(role__in=CERTIFIER_SIDE_ROLES) & Q(organization__isnull=False)),
            ),
            models.UniqueConstraint(fields=["user", "role", "organization"], name="unique_role_per_org"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(organization__isnull=True), name="unique_certifier_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}" + (f" at {self.organization}" if self.organization else "")
