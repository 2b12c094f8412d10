from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

# The one list of survey channels; invitations store it, and the rest of operations takes it from here.
from worldclass.surveys.models import Channel


class Disposition(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned")
    TRANSFERRED = "transferred", _("Transferred")


class SampleOutcome(models.TextChoices):
    SELECTED = "selected", pgettext_lazy("sample outcome", "Selected")
    NOT_DRAWN = "not_drawn", _("Not drawn")
    DO_NOT_SURVEY = "do_not_survey", _("Excluded: do not survey")
    ABANDONED = "abandoned", _("Excluded: abandoned call")
    NO_CONTACT = "no_contact", _("Excluded: no usable contact")
    RECENTLY_INVITED = "recently_invited", _("Excluded: customer invited recently")
    QUOTA_REACHED = "quota_reached", _("Excluded: CSR reached the month's quota")


class CallImport(models.Model):
    """One load of call records (file or API batch): who, when, the input's checksum and what it did."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rates = models.JSONField(default=dict, blank=True, help_text="Sampling rates used per site and call type.")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.source_name


class SamplePlan(models.Model):
    """A site's sampling plan: quota per CSR per month, exclusions and the channel mix."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    site = models.OneToOneField("directory.Site", on_delete=models.CASCADE, related_name="sample_plan")
    target_per_csr = models.PositiveIntegerField(default=30, help_text="Completed surveys per CSR per month.")
    expected_calls_per_csr = models.PositiveIntegerField(
        default=300, help_text="Calls per CSR per month, used until a month of calls has been observed."
    )
    assumed_response_rate = models.FloatField(
        default=0.25, help_text="Used until enough invitations of a call type have been observed."
    )
    exclude_do_not_survey = models.BooleanField(default=True)
    exclude_abandoned = models.BooleanField(default=True)
    exclude_no_contact = models.BooleanField(default=True)
    fatigue_days = models.PositiveSmallIntegerField(
        default=30, help_text="A customer invited in the organization within this many days is not invited again."
    )
    web_weight = models.PositiveSmallIntegerField(default=2)
    ivr_weight = models.PositiveSmallIntegerField(default=1)
    interviewer_weight = models.PositiveSmallIntegerField(default=1)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="plan_response_rate_range",
                condition=Q(assumed_response_rate__gt=0) & Q(assumed_response_rate__lte=1),
            ),
            models.CheckConstraint(name="plan_target_positive", condition=Q(target_per_csr__gte=1)),
        ]

    def __str__(self) -> str:
        return f"plan for {self.site}"


class SampleKey(models.Model):
    """An organization's secret sampling key for one month: committed (SHA-256 published) before, revealed after."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    key_hex = models.CharField(max_length=64)
    commitment_sha256 = models.CharField(max_length=64)
    committed_at = models.DateTimeField()
    revealed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["organization", "-month"]
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="unique_sample_key_month")]

    def __str__(self) -> str:
        return f"{self.organization} {self.month:%Y-%m}"


class Call(models.Model):
    """One call from the contact center's log, with the sample's decision about it."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("directory.Site", on_delete=models.PROTECT, related_name="calls")
    supervisor = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="+")
    csr = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="calls")
    call_id = models.CharField(max_length=64)
    language = models.CharField(max_length=2, choices=[("en", _("English")), ("fr", _("French"))])
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    queue = models.CharField(max_length=64, blank=True)
    call_type = models.CharField(max_length=64)
    disposition = models.CharField(max_length=16, choices=Disposition.choices)
    do_not_survey = models.BooleanField(default=False)
    # Contact details live only until the survey window closes plus the grace period; the keyed hashes stay.
    customer_phone = models.CharField(max_length=32, blank=True)
    customer_email = models.EmailField(blank=True)
    phone_key = models.CharField(max_length=64, blank=True, db_index=True)
    email_key = models.CharField(max_length=64, blank=True, db_index=True)
    window_closes_at = models.DateTimeField()
    contact_purge_after = models.DateTimeField(db_index=True)
    contacts_purged_at = models.DateTimeField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64)
    call_import = models.ForeignKey(CallImport, on_delete=models.PROTECT, related_name="calls")
    # The sample's decision, recorded so that anyone holding the revealed key can replay it.
    sample_month = models.DateField(help_text="First day of the month of the call's start in the site's time zone.")
    sampling_probability = models.FloatField()
    sample_draw = models.FloatField(help_text="HMAC-SHA256(month key, call_id) read as a fraction in [0, 1).")
    sample_outcome = models.CharField(max_length=20, choices=SampleOutcome.choices)
    decided_at = models.DateTimeField()

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["organization", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "call_id"], name="unique_call_id_per_org"),
            models.CheckConstraint(name="call_id_present", condition=~Q(call_id="")),
            models.CheckConstraint(name="call_ends_after_start", condition=Q(ended_at__gte=models.F("started_at"))),
            models.CheckConstraint(
                name="call_probability_range",
                condition=Q(sampling_probability__gte=0) & Q(sampling_probability__lte=1),
            ),
        ]
        indexes = [
            models.Index(fields=["site", "sample_month"], name="call_site_month"),
            models.Index(fields=["organization", "sample_month"], name="call_org_month"),
        ]

    def __str__(self) -> str:
        return f"call {self.call_id}"


class Invitation(models.Model):
    """The invitation of a selected call's customer to one survey on one channel."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("invitation status", "Open")
        COMPLETED = "completed", pgettext_lazy("invitation status", "Completed")
        REFUSED = "refused", pgettext_lazy("invitation status", "Refused")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        UNREACHABLE = "unreachable", _("Attempts exhausted")

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("directory.Site", on_delete=models.PROTECT, related_name="invitations")
    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="invitation")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    web_medium = models.CharField(max_length=8, blank=True, choices=[("sms", _("SMS")), ("email", _("Email"))])
    language = models.CharField(max_length=2)
    token_sha256 = models.CharField(max_length=64, null=True, blank=True, unique=True)
    opens_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="The answers as recorded, for idempotent replays.")
    response = models.ForeignKey(
        "surveys.SurveyResponse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["expires_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="invitation_opens_before_expiry", condition=Q(opens_at__lt=models.F("expires_at"))
            ),
            models.CheckConstraint(
                name="invitation_completed_has_response",
                condition=~Q(status="completed") | Q(response__isnull=False),
            ),
            models.CheckConstraint(
                name="invitation_phone_completed_has_interviewer",
                condition=~Q(status="completed", channel="phone") | Q(interviewer__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"invitation for {self.call}"


class InterviewAttempt(models.Model):
    """One phone interviewer's attempt on an invitation and its disposition."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", pgettext_lazy("interview outcome", "Completed")
        NO_ANSWER = "no_answer", _("No answer")
        CALLBACK = "callback", _("Callback requested")
        REFUSED = "refused", pgettext_lazy("interview outcome", "Refused")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="interview_attempts")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    callback_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["invitation", "at"]

    def __str__(self) -> str:
        return f"{self.invitation}: {self.outcome}"


class InterviewReview(models.Model):
    """A QA reviewer's check of one completed phone interview."""

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="review")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    errors = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField(blank=True)
    reviewed_at = models.DateTimeField()

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-reviewed_at"]
        constraints = [
            models.CheckConstraint(name="reviewer_is_not_interviewer", condition=~Q(reviewer=models.F("interviewer")))
        ]

    def __str__(self) -> str:
        return f"review of {self.invitation}"


class RecoveryCase(models.Model):
    """A follow-up with an unhappy customer; it never changes the survey."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case status", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("case status", "In progress")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("directory.Site", on_delete=models.PROTECT, related_name="recovery_cases")
    response = models.OneToOneField("surveys.SurveyResponse", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(name="case_closed_has_outcome", condition=~Q(status="closed") | ~Q(outcome=""))
        ]

    def __str__(self) -> str:
        return f"case {self.pk} at {self.site}"
