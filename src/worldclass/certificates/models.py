from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Certificate(models.Model):
    """The signed certificate of one certification: its canonical facts, the Ed25519 signature, and any revocation."""

    serial = models.CharField(max_length=32, unique=True)
    certification = models.OneToOneField(
        "certification.Certification", on_delete=models.PROTECT, related_name="certificate"
    )
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    facts = models.JSONField(help_text="The signed facts; their canonical JSON is what the signature covers.")
    signature = models.CharField(max_length=128, help_text="Base64 Ed25519 signature of the canonical facts.")
    key_id = models.CharField(max_length=32, help_text="Short SHA-256 of the signing public key.")
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-issued_at", "serial"]
        constraints = [
            models.CheckConstraint(
                name="certificate_revocation_has_reason",
                condition=(Q(revoked_at__isnull=True) & Q(revocation_reason=""))
                | (Q(revoked_at__isnull=False) & ~Q(revocation_reason="")),
            ),
            models.CheckConstraint(name="certificate_serial_not_empty", condition=~Q(serial="")),
        ]

    def __str__(self) -> str:
        return self.serial


class CertificateIssuing(models.Model):
    """Staff's request, from the web, to issue a run's certificates: queued, then run by a task to its result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Issuing")
        DONE = "done", _("Issued")
        FAILED = "failed", _("Stopped")

    run = models.ForeignKey("certification.CertificationRun", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.CharField(max_length=150)
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pending = models.PositiveIntegerField(help_text="Certifications without a certificate when it was requested.")
    issued = models.PositiveIntegerField(null=True, blank=True)
    already_issued = models.PositiveIntegerField(null=True, blank=True)
    error = models.JSONField(default=dict, blank=True, help_text="Why it stopped: code and message.")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="certificate_issuing_status_known", condition=Q(status__in=["queued", "running", "done", "failed"])
            ),
            # One issuing of a run under way at a time: a second click, or a second member of staff, is refused.
            models.UniqueConstraint(
                fields=["run"], condition=Q(status__in=["queued", "running"]), name="one_open_issuing_per_run"
            ),
        ]

    def __str__(self) -> str:
        return f"issuing of run {self.run_id} ({self.status})"
