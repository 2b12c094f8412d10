from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager


class Organization(models.Model):
    """A client or applicant organization; the tenant every other row belongs to."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    is_client = models.BooleanField(default=True, help_text="Surveys its customers through the certifier.")
    listed_in_registry = models.BooleanField(default=True, help_text="Consents to appear in the public registry.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name or self.code


class Site(models.Model):
    """A contact-center site of an organization, certified separately."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2, for public holidays.")
    timezone = models.CharField(max_length=64, blank=True, help_text="IANA time zone name.")
    address = models.TextField(blank=True, help_text="Where trophies are shipped.")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["organization", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unique_site_code_per_org"),
            models.CheckConstraint(name="site_code_not_empty", condition=~Q(code="")),
        ]

    def __str__(self) -> str:
        return self.name or self.code


class Person(models.Model):
    """A CSR or supervisor of an organization, known by the organization's own id for them."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    # The roster as of the latest call seen; each survey keeps its own attribution as of its call.
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    supervisor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="team")
    is_csr = models.BooleanField(default=False)
    is_supervisor = models.BooleanField(default=False)
    roster_as_of = models.DateTimeField(null=True, blank=True, help_text="Call time of the latest roster row.")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["organization", "code"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="unique_person_code_per_org"),
            models.CheckConstraint(name="person_code_not_empty", condition=~Q(code="")),
        ]

    def __str__(self) -> str:
        # People's names repeat (two Maria Garcias); the organization's own id for them tells them apart.
        return f"{self.name} ({self.code})" if self.name and self.name != self.code else self.code
