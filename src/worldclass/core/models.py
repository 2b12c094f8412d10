from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from worldclass.core.append_only import AppendOnlyModel, AppendOnlyQuerySet


class AuditEvent(AppendOnlyModel):
    """One recorded action: who did what, when, on which input, with what counts; one link of a hash chain."""

    sequence = models.PositiveBigIntegerField(unique=True, help_text="Position in the chain, from 1.")
    prev_hash = models.CharField(max_length=64, help_text="SHA-256 of the previous event (zeros for the first).")
    hash = models.CharField(max_length=64, help_text="SHA-256 of this event's canonical content and prev_hash.")
    # Set before saving (not auto_now_add): the hash covers it.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150, help_text="User name, or the system process that acted.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=64, db_index=True)
    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.TextField(blank=True)
    input_sha256 = models.CharField(max_length=64, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"


class IntegrityCheck(models.Model):
    """One run of a daily integrity check (audit chain, survey answers and rollups): when, and what it found."""

    class Kind(models.TextChoices):
        AUDIT = "audit", _("Audit chain")
        SURVEYS = "surveys", _("Survey answers and rollups")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    ran_at = models.DateTimeField(default=timezone.now, db_index=True)
    ok = models.BooleanField()
    checked = models.PositiveBigIntegerField(default=0, help_text="Rows checked.")
    summary = models.TextField()
    problems = models.JSONField(default=list, blank=True, help_text="The first discrepancies found.")

    class Meta:
        ordering = ["-ran_at", "-id"]
        constraints = [
            models.CheckConstraint(name="integrity_kind_known", condition=models.Q(kind__in=["audit", "surveys"]))
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ran_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'FAILED'}"
