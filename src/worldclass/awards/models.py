from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from worldclass.core.i18n import in_active_language

# The four rubric criteria every new cycle starts with, with their weights.
DEFAULT_CRITERIA = [
    ("Measurable impact", 4),
    ("Uniqueness", 2),
    ("Sustainability", 2),
    ("Transferability", 2),
]
SCORE_MIN = 0
SCORE_MAX = 10


class Step(models.TextChoices):
    APPLICATION = "application", _("Step 1: application")
    CHECKLIST = "checklist", _("Step 2: checklist")
    FINALISTS = "finalists", _("Step 3: finalists notified")
    STORY = "story", _("Step 4: nomination story")
    WINNERS = "winners", _("Step 5: winners announced")


class Phase(models.TextChoices):
    APPLICATIONS = "applications", _("Applications open")
    SCREENING = "screening", _("Screening")
    FINALIST_SELECTION = "finalist_selection", _("Finalist selection")
    WINNER_SELECTION = "winner_selection", _("Winner selection")
    CLOSED = "closed", _("Closed")


PHASE_ORDER = [p.value for p in Phase]


class Cycle(models.Model):
    """One year of the awards: its time zone, the five steps' deadlines and the phase the panel is in."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="The award year (applications open).")
    name = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True, default="")
    time_zone = models.CharField(max_length=64, default="America/Toronto", help_text="IANA name; deadlines end here.")
    application_deadline = models.DateField()
    checklist_deadline = models.DateField()
    interviews_start = models.DateField()
    interviews_end = models.DateField()
    finalists_deadline = models.DateField()
    story_deadline = models.DateField()
    winners_deadline = models.DateField()
    phase = models.CharField(max_length=32, choices=Phase.choices, default=Phase.APPLICATIONS)
    reveal_identities_from = models.CharField(
        max_length=32,
        choices=Phase.choices,
        default=Phase.WINNER_SELECTION,
        help_text="From this phase on judges see organization names.",
    )
    panel_size = models.PositiveSmallIntegerField(default=6)
    finalists_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="cycle_deadlines_in_order",
                condition=Q(application_deadline__lte=models.F("checklist_deadline"))
                & Q(checklist_deadline__lte=models.F("interviews_start"))
                & Q(interviews_start__lte=models.F("interviews_end"))
                & Q(interviews_end__lte=models.F("finalists_deadline"))
                & Q(finalists_deadline__lte=models.F("story_deadline"))
                & Q(story_deadline__lte=models.F("winners_deadline")),
            ),
            models.CheckConstraint(name="cycle_panel_size_positive", condition=Q(panel_size__gte=1)),
        ]

    def __str__(self) -> str:
        return in_active_language(self, "name")


class Category(models.Model):
    """An award category of one cycle; retired categories take no new applications."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "position", "name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="unique_category_name_per_cycle")]

    def __str__(self) -> str:
        return in_active_language(self, "name")


class ChecklistItem(models.Model):
    """One yes/no question of a category's Step 2 checklist."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="checklist_items")
    text = models.CharField(max_length=500)
    text_fr = models.CharField(max_length=500, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "position", "id"]

    def __str__(self) -> str:
        return in_active_language(self, "text")


class Criterion(models.Model):
    """A weighted criterion of a cycle's scoring rubric."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=100)
    weight = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cycle", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="unique_criterion_per_cycle"),
            models.CheckConstraint(name="criterion_weight_positive", condition=Q(weight__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.name} (x{self.weight})"


class Application(models.Model):
    """An organization's application of one practice to one category of a cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        FINALIST = "finalist", _("Finalist")
        NOT_SELECTED = "not_selected", _("Not selected")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="applications")
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="applications")
    original_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Before a move."
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="Why the practice is unique; at most 1,000 characters as the user sees them.")
    previous_application = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reapplications"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    checklist_submitted_at = models.DateTimeField(null=True, blank=True)
    publication_consent_at = models.DateTimeField(null=True, blank=True)
    publication_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["cycle", "category", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "category"], name="one_application_per_org_and_category"),
            models.CheckConstraint(
                name="application_submitted_has_time",
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class CategoryMove(models.Model):
    """Staff moved an application to a better-fitting category."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="moves")
    from_category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    to_category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["moved_at", "id"]
        constraints = [
            models.CheckConstraint(name="move_changes_category", condition=~Q(from_category=models.F("to_category")))
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_category_id} -> {self.to_category_id}"


class ChecklistAnswer(models.Model):
    """The applicant's yes/no answer to one checklist item, with evidence."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checklist_answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    meets = models.BooleanField()
    evidence = models.TextField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.item_id}: {'yes' if self.meets else 'no'}"


class Interview(models.Model):
    """A Step 3 phone interview with the applicant, and the staff's notes."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    scheduled_at = models.DateTimeField()
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["scheduled_at"]

    def __str__(self) -> str:
        return f"Interview of {self.application_id} at {self.scheduled_at:%Y-%m-%d %H:%M}"


class DeadlineExtension(models.Model):
    """Staff granted one application more time for one step."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="extensions")
    step = models.CharField(max_length=16, choices=Step.choices)
    until = models.DateField(help_text="The new last day, in the cycle's time zone.")
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["granted_at"]
        constraints = [models.UniqueConstraint(fields=["application", "step"], name="one_extension_per_step")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.step} until {self.until}"


class NominationStory(models.Model):
    """A finalist's Step 4 story, following the published template, and its edited public version."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="story")
    impact = models.TextField(help_text="Impact on CX.")
    how_it_works = models.TextField()
    results = models.TextField(help_text="Results on FCR, contact resolution, Csat, Esat and retention.")
    difference = models.TextField(help_text="What makes it different.")
    submitted_at = models.DateTimeField()
    edited_story = models.TextField(blank=True, help_text="The version published on the winners page.")

    def __str__(self) -> str:
        return f"Story of {self.application_id}"


class StoryAttachment(models.Model):
    """A file attached to a nomination story."""

    story = models.ForeignKey(NominationStory, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="awards/attachments/%Y/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class EvidenceComparison(models.Model):
    """A pre/post comparison of FCR and WCC computed from the organization's monthly rollups."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    window_code = models.CharField(max_length=64)
    before_start = models.DateField()
    before_end = models.DateField()
    after_start = models.DateField()
    after_end = models.DateField()
    results = models.JSONField(help_text="Per metric: counts, rates, z, p-value and the 95% interval on the change.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="evidence_periods_in_order",
                condition=Q(before_start__lte=models.F("before_end"))
                & Q(before_end__lt=models.F("after_start"))
                & Q(after_start__lte=models.F("after_end")),
            )
        ]

    def __str__(self) -> str:
        return f"Evidence for {self.application_id} ({self.window_code})"


class GalaAttendee(models.Model):
    """Someone from an applicant organization registered for the awards gala."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="gala_attendees")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["registered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "email"], name="unique_gala_attendee")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class PanelMember(models.Model):
    """A judge on a cycle's panel."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="panel")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["cycle", "judge__username"]
        constraints = [models.UniqueConstraint(fields=["cycle", "judge"], name="unique_panel_member")]

    def __str__(self) -> str:
        return f"{self.judge} on {self.cycle_id}"


class JudgeAssignment(models.Model):
    """Staff assigned a panel judge to a category."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="judge_assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "judge__username"]
        constraints = [models.UniqueConstraint(fields=["category", "judge"], name="unique_judge_assignment")]

    def __str__(self) -> str:
        return f"{self.judge} -> {self.category}"


class ConflictDeclaration(models.Model):
    """A judge declared a conflict of interest with an organization; staff may override it with a reason."""

    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("directory.Organization", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)
    overridden = models.BooleanField(default=False, help_text="Staff reviewed it and decided it is no conflict.")
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["judge", "organization"], name="unique_conflict_declaration"),
            models.CheckConstraint(name="override_has_reason", condition=Q(overridden=False) | ~Q(review_reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.judge} x {self.organization}"


class Scorecard(models.Model):
    """One judge's scores of one application in one judging phase."""

    class Stage(models.TextChoices):
        SCREENING = "screening", _("Screening")
        FINAL = "final", _("Winner selection")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scorecards")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "stage", "judge__username"]
        constraints = [
            models.UniqueConstraint(fields=["application", "judge", "stage"], name="one_scorecard_per_judge_stage")
        ]

    def __str__(self) -> str:
        return f"{self.judge} on {self.application_id} ({self.stage})"


class Score(models.Model):
    """A judge's score on one criterion; no value means the judge abstained on it."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["scorecard", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                name="score_in_range",
                condition=Q(value__isnull=True) | (Q(value__gte=SCORE_MIN) & Q(value__lte=SCORE_MAX)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class WinnerDecision(models.Model):
    """The one winner of a category in a cycle, who decided it, and whether it is published."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="winner_decisions")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="winner_decision")
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "category__position"]
        constraints = [models.UniqueConstraint(fields=["cycle", "category"], name="one_winner_per_category")]

    def __str__(self) -> str:
        return f"{self.category}: {self.application_id}"


class SentReminder(models.Model):
    """A deadline reminder already e-mailed, so that it is never sent twice."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="sent_reminders")
    step = models.CharField(max_length=16, choices=Step.choices)
    days_before = models.PositiveSmallIntegerField()
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "step", "days_before", "email"], name="unique_sent_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.days_before}d -> {self.email}"
