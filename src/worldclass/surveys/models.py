from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from worldclass.core.append_only import AppendOnlyModel, AppendOnlyQuerySet


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone interviewer")
    IVR = "ivr", _("IVR")
    WEB = "web", _("Web")


class ImportBatch(models.Model):
    """One load of a survey-results file: who, when, the file's checksum and what it did."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        NO_OP = "no_op", _("Already loaded (no change)")
        REJECTED = "rejected", _("Rejected")

    organization = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors, for the record.")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"


class SurveyResponse(AppendOnlyModel):
    """A customer's answers about one call, attributed as of the call; append-only."""

    # No single-column indexes where a composite index below already starts with the column: every index is
    # written on each of the millions of inserted rows.
    # The references are enforced by triggers checking each INSERT statement's rows set-wise and refusing to
    # delete a referenced parent (migration 0005): per-row foreign-key checks were most of a big import's time.
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    site = models.ForeignKey(
        "directory.Site",
        on_delete=models.PROTECT,
        related_name="survey_responses",
        db_index=False,
        db_constraint=False,
    )
    supervisor = models.ForeignKey(
        "directory.Person", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    csr = models.ForeignKey(
        "directory.Person",
        on_delete=models.PROTECT,
        related_name="survey_responses",
        db_index=False,
        db_constraint=False,
    )
    survey_id = models.CharField(max_length=64)
    call_id = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    call_at = models.DateTimeField()
    surveyed_at = models.DateTimeField()
    # Local dates in each timestamp's own UTC offset, as the rules define them.
    call_local_date = models.DateField()
    survey_local_date = models.DateField()
    # No index of its own: every read by month also names an organization, site, supervisor or CSR.
    call_month = models.DateField(help_text="First day of the month of the call's local date.")
    delay_seconds = models.BigIntegerField(help_text="surveyed_at - call_at, in seconds.")
    business_days_after_call = models.IntegerField(
        help_text="Business days after the call's local date up to the survey's local date, in the site's country."
    )
    resolved = models.BooleanField()
    first_call = models.BooleanField()
    rating_scale_min = models.SmallIntegerField(default=1)
    rating_scale_max = models.SmallIntegerField(default=5)
    overall_sat = models.SmallIntegerField()
    csr_sat = models.SmallIntegerField()
    comment = models.TextField(blank=True)
    # Derived once at import from the answers above, so that counting never re-derives them.
    is_fcr = models.BooleanField()
    is_world_class_call = models.BooleanField()
    content_sha256 = models.CharField(max_length=64, help_text="Checksum of the row's answers, for idempotent loads.")
    # No index: a batch's surveys are read once, as it is applied, by their id range (see importing.py).
    import_batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(
        organization="organization", _manager_class=models.Manager.from_queryset(AppendOnlyQuerySet)
    )

    class Meta:
        ordering = ["organization", "call_at", "survey_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "survey_id"], name="unique_survey_id_per_org"),
            models.CheckConstraint(name="survey_id_not_empty", condition=~Q(survey_id="")),
            models.CheckConstraint(name="call_id_not_empty", condition=~Q(call_id="")),
            models.CheckConstraint(name="survey_channel_known", condition=Q(channel__in=["phone", "ivr", "web"])),
            models.CheckConstraint(
                name="rating_scale_valid",
                condition=Q(rating_scale_min__gte=0) & Q(rating_scale_min__lt=F("rating_scale_max")),
            ),
            models.CheckConstraint(
                name="overall_sat_on_scale",
                condition=Q(overall_sat__gte=F("rating_scale_min")) & Q(overall_sat__lte=F("rating_scale_max")),
            ),
            models.CheckConstraint(
                name="csr_sat_on_scale",
                condition=Q(csr_sat__gte=F("rating_scale_min")) & Q(csr_sat__lte=F("rating_scale_max")),
            ),
            models.CheckConstraint(name="surveyed_after_call", condition=Q(surveyed_at__gte=F("call_at"))),
            models.CheckConstraint(
                name="fcr_is_resolved_first_call",
                condition=(Q(is_fcr=True) & Q(resolved=True) & Q(first_call=True))
                | (Q(is_fcr=False) & (Q(resolved=False) | Q(first_call=False))),
            ),
            models.CheckConstraint(
                name="wcc_is_resolved_top_box_twice",
                condition=(
                    Q(is_world_class_call=True)
                    & Q(resolved=True)
                    & Q(overall_sat=F("rating_scale_max"))
                    & Q(csr_sat=F("rating_scale_max"))
                )
                | (
                    Q(is_world_class_call=False)
                    & (Q(resolved=False) | ~Q(overall_sat=F("rating_scale_max")) | ~Q(csr_sat=F("rating_scale_max")))
                ),
            ),
        ]
        # An organization's surveys are found through the unique key, which starts with the organization. Surveys
        # are read by CSR, supervisor or site only for their comments, newest first: these indexes hold only the
        # surveys with a comment (a quarter, in the bench), and cost an import a fraction of what full ones did
        # (migration 0010). A parent's delete guard scans the table instead; nothing deletes a surveyed parent.
        indexes = [
            models.Index(fields=["csr", "call_at"], name="survey_csr_comments", condition=~Q(comment="")),
            models.Index(fields=["supervisor", "call_at"], name="survey_supervisor_comments", condition=~Q(comment="")),
            models.Index(fields=["site", "call_at"], name="survey_site_comments", condition=~Q(comment="")),
        ]

    def __str__(self) -> str:
        return f"survey {self.survey_id} (call {self.call_id})"


class SavedMapping(models.Model):
    """A client's mapping file (docs/import-format.md), kept to reuse for that organization's uploads."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    text = models.TextField(help_text="The TOML mapping, as uploaded.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_saved_mapping_name_per_org"),
            models.CheckConstraint(name="saved_mapping_name_not_empty", condition=~Q(name="")),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyUpload(models.Model):
    """A survey file uploaded in the web app: awaiting confirmation, importing in a task, done with a result, or
    discarded by staff instead of imported (the row stays for the record, the file is deleted)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, awaiting confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")
        DISCARDED = "discarded", _("Discarded")

    source_name = models.CharField(max_length=500)
    stored_name = models.CharField(
        max_length=200, help_text="The file's name in the upload folder, until imported or discarded."
    )
    size_bytes = models.PositiveBigIntegerField()
    mapping_text = models.TextField(blank=True, help_text="The TOML mapping used, empty for the interchange format.")
    mapping_label = models.CharField(max_length=300, blank=True)
    save_mapping_as = models.CharField(max_length=200, blank=True)
    save_mapping_for = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mapping_saved = models.BooleanField(
        default=False, help_text="Whether its import, once applied, saved the mapping as save_mapping_as."
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    finished_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.JSONField(default=dict, blank=True, help_text="What the import did, when it was applied.")
    error = models.JSONField(default=dict, blank=True, help_text="Why the import was refused, line by line.")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="survey_upload_status_known",
                condition=Q(status__in=["uploaded", "queued", "running", "done", "failed", "discarded"]),
            ),
            models.CheckConstraint(
                name="survey_upload_saved_mapping_has_organization",
                condition=Q(save_mapping_as="") | Q(save_mapping_for__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.DISCARDED)
