from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from worldclass.core.i18n import in_active_language


class Level(models.TextChoices):
    CSR = "csr", _("CSR")
    SUPERVISOR = "supervisor", _("Supervisor")
    SITE = "site", _("Site")
    ORGANIZATION = "organization", _("Organization")


class SurveyWindow(models.Model):
    """When a survey counts: minutes after the call, or business days after the call's local date."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Minutes after the call")
        BUSINESS_DAYS = "business_days", _("Business days after the call")

    code = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    min_minutes = models.PositiveIntegerField(null=True, blank=True)
    max_minutes = models.PositiveIntegerField(null=True, blank=True)
    business_days = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.CharField(max_length=200)
    description_fr = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="survey_window_shape",
                condition=(
                    Q(kind="minutes")
                    & Q(min_minutes__isnull=False)
                    & Q(max_minutes__isnull=False)
                    & Q(min_minutes__lte=models.F("max_minutes"))
                    & Q(business_days__isnull=True)
                )
                | (
                    Q(kind="business_days")
                    & Q(business_days__isnull=False)
                    & Q(min_minutes__isnull=True)
                    & Q(max_minutes__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.description


class Edition(models.Model):
    """One year's published certification rules, as data."""

    class Metric(models.TextChoices):
        WCC = "wcc", _("World Class Call")
        FCR = "fcr", _("First Call Resolution")

    class Comparison(models.TextChoices):
        GT = "gt", _("greater than")
        GTE = "gte", _("at least")

    class OrganizationRule(models.TextChoices):
        ALL_SITES = "all_sites", _("Certified when all its sites are")
        NONE = "none", _("Organizations are not certified")

    year = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True, default="")
    metric = models.CharField(max_length=8, choices=Metric.choices)
    comparison = models.CharField(max_length=4, choices=Comparison.choices)
    min_consecutive_months = models.PositiveSmallIntegerField()
    max_window_months = models.PositiveSmallIntegerField(default=12)
    validity_months = models.PositiveSmallIntegerField(default=12, help_text="How long a certification lasts.")
    survey_window = models.ForeignKey(SurveyWindow, on_delete=models.PROTECT, related_name="editions")
    organization_rule = models.CharField(max_length=16, choices=OrganizationRule.choices)
    notes = models.TextField(blank=True, help_text="Source and interpretations of this edition's rules.")

    class Meta:
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                name="edition_window_bounds",
                condition=Q(min_consecutive_months__gte=1)
                & Q(min_consecutive_months__lte=models.F("max_window_months"))
                & Q(validity_months__gte=1),
            )
        ]

    def __str__(self) -> str:
        return in_active_language(self, "name")


class LevelRule(models.Model):
    """An edition's threshold and minimum sample for one level (CSR, supervisor or site)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="level_rules")
    level = models.CharField(max_length=16, choices=Level.choices)
    threshold_percent = models.DecimalField(max_digits=5, decimal_places=2)
    min_surveys = models.PositiveIntegerField()

    class Meta:
        ordering = ["edition", "level"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "level"], name="unique_level_rule"),
            models.CheckConstraint(
                name="level_rule_threshold_range",
                condition=Q(threshold_percent__gte=0) & Q(threshold_percent__lte=100),
            ),
            models.CheckConstraint(name="level_rule_not_organization", condition=~Q(level="organization")),
        ]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.level}: {self.threshold_percent}% of >= {self.min_surveys}"


class MonthlyRollup(models.Model):
    """Counts of one entity's surveys in one call month under one survey window; certification reads only these."""

    # References checked by triggers, not foreign keys (migration 0007): per-row checks at COMMIT were a third of
    # adding a large import to the rollups. The window has no index of its own: reads name a level (and mostly
    # entities), which the unique key serves; only rare administrative acts (a rebuild, deleting a window) scan.
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    level = models.CharField(max_length=16, choices=Level.choices)
    entity_id = models.BigIntegerField(help_text="Person id (CSR, supervisor), site id or organization id.")
    month = models.DateField(help_text="First day of the call month.")
    window = models.ForeignKey(
        SurveyWindow, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    eligible = models.PositiveIntegerField(default=0)
    ineligible = models.PositiveIntegerField(default=0)
    world_class = models.PositiveIntegerField(default=0)
    fcr = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    overall_top_box = models.PositiveIntegerField(default=0)
    csr_top_box = models.PositiveIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["level", "entity_id", "month"]
        constraints = [
            # In the writers' lock order (rollups._LOCK_ORDER): an import's rows are appended to it in order.
            models.UniqueConstraint(fields=["level", "entity_id", "month", "window"], name="unique_rollup"),
            models.CheckConstraint(
                name="rollup_counts_within_eligible",
                condition=Q(world_class__lte=models.F("eligible"))
                & Q(fcr__lte=models.F("eligible"))
                & Q(resolved__lte=models.F("eligible"))
                & Q(overall_top_box__lte=models.F("eligible"))
                & Q(csr_top_box__lte=models.F("eligible")),
            ),
        ]
        # No other index: the dashboards, the certification and the API read by level (and entities), which the
        # unique key serves; the organization's index serves tenant-wide reads.

    def __str__(self) -> str:
        return f"{self.level} {self.entity_id} {self.month:%Y-%m}"


class CertificationRun(models.Model):
    """One evaluation of an edition through a month: its inputs' checksum and counts, for audit and replay."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="runs")
    program_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The program year the run was made for; empty for an exploratory run."
    )
    through_month = models.DateField()
    require_confidence = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    rules_snapshot = models.JSONField(help_text="The edition's rules as they were at the run.")
    input_sha256 = models.CharField(max_length=64, help_text="Checksum of the rollups read.")
    result_sha256 = models.CharField(max_length=64, help_text="Checksum of the JSON result.")
    counts = models.JSONField(default=dict)
    input_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="What the run read, cheaply: a rerun with it re-uses the run.",
    )
    audit_chain_sequence = models.PositiveBigIntegerField(
        default=0, help_text="The audit chain head (sequence) this run was computed after; 0 before any event."
    )
    audit_chain_hash = models.CharField(max_length=64, blank=True, help_text="That head event's hash.")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["program_year", "through_month"], name="run_program_year_month")]

    def __str__(self) -> str:
        return f"{self.edition.year} through {self.through_month:%Y-%m} at {self.started_at:%Y-%m-%d %H:%M}"


class ProgramYear(models.Model):
    """A calendar year of the program: the edition in force for it, and the run its public registry shows."""

    year = models.PositiveSmallIntegerField(unique=True)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="program_years")
    published_run = models.ForeignKey(
        CertificationRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The run whose certifications the public registry lists for this year; empty: not published.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(name="program_year_range", condition=Q(year__gte=2000) & Q(year__lte=2999)),
            models.CheckConstraint(
                name="program_year_published_together",
                condition=Q(published_run__isnull=True, published_at__isnull=True)
                | Q(published_run__isnull=False, published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Program year {self.year}"


class Certification(models.Model):
    """An entity certified under an edition from its achievement month, valid for the edition's validity."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="certifications")
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=16, choices=Level.choices)
    entity_id = models.BigIntegerField()
    site = models.ForeignKey("directory.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="certifications"
    )
    achieved_month = models.DateField(help_text="Certified since (the achievement month).")
    valid_through_month = models.DateField()
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    surveys = models.PositiveIntegerField(null=True, blank=True)
    meeting = models.PositiveIntegerField(null=True, blank=True)
    first_run = models.ForeignKey(CertificationRun, on_delete=models.PROTECT, related_name="certifications")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["edition", "level", "entity_id", "achieved_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "level", "entity_id", "achieved_month"], name="unique_certification"
            ),
            models.CheckConstraint(
                name="certification_entity_link",
                condition=(Q(level__in=["csr", "supervisor"]) & Q(person__isnull=False))
                | (Q(level="site") & Q(site__isnull=False))
                | Q(level="organization"),
            ),
            models.CheckConstraint(
                name="certification_valid_after_achieved",
                condition=Q(valid_through_month__gte=models.F("achieved_month")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition.year} {self.level} {self.entity_id} since {self.achieved_month:%Y-%m}"
