"""API representations of the awards. Judges get blinded applications until the revealing phase."""

from __future__ import annotations

from rest_framework import serializers

from worldclass.accounts.rules import is_certifier_staff
from worldclass.awards.models import (
    SCORE_MAX,
    SCORE_MIN,
    Application,
    Category,
    ChecklistAnswer,
    ConflictDeclaration,
    Cycle,
    Phase,
    Scorecard,
    WinnerDecision,
)
from worldclass.awards.queries import identities_revealed
from worldclass.awards.rules import is_judge


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = [
            "id",
            "year",
            "name",
            "time_zone",
            "application_deadline",
            "checklist_deadline",
            "interviews_start",
            "interviews_end",
            "finalists_deadline",
            "story_deadline",
            "winners_deadline",
            "phase",
            "reveal_identities_from",
            "panel_size",
            "finalists_notified_at",
        ]
        read_only_fields = ["phase", "finalists_notified_at"]


class CycleCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2200)
    time_zone = serializers.CharField(default="America/Toronto")
    name = serializers.CharField(required=False, default="")


class PhaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)


class CategorySerializer(serializers.ModelSerializer):
    retired = serializers.BooleanField(required=False, write_only=True)
    is_retired = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "cycle", "name", "position", "retired_at", "is_retired", "retired"]
        read_only_fields = ["position", "retired_at"]

    def get_is_retired(self, obj) -> bool:
        return obj.retired_at is not None


class ApplicationSerializer(serializers.ModelSerializer):
    """Applicants and staff see everything; judges see no organization or applicant until the revealing phase."""

    organization_name = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "cycle",
            "category",
            "original_category",
            "organization",
            "organization_name",
            "title",
            "summary",
            "previous_application",
            "status",
            "submitted_at",
            "checklist_submitted_at",
        ]
        read_only_fields = ["original_category", "status", "submitted_at", "checklist_submitted_at"]

    BLIND_FIELDS = ("organization", "organization_name", "previous_application")

    def get_organization_name(self, obj) -> str | None:
        return obj.organization.name

    def _is_judge_view(self) -> bool:
        # Asked once per serializer (a list reuses one child serializer), so the query count stays flat.
        if not hasattr(self, "_judge_view"):
            user = self.context["request"].user
            self._judge_view = is_judge(user) and not is_certifier_staff(user)
        return self._judge_view

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._is_judge_view() and not identities_revealed(instance.cycle):
            for name in self.BLIND_FIELDS:
                data[name] = None
        return data


class ApplicationCreateSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    organization = serializers.IntegerField(required=False, help_text="Needed when you administer several.")
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(help_text="At most 1,000 characters as the user sees them.", trim_whitespace=False)
    previous_application = serializers.IntegerField(required=False, allow_null=True)
    submit = serializers.BooleanField(default=True)


class MoveSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    reason = serializers.CharField()


class FinalistSerializer(serializers.Serializer):
    finalist = serializers.BooleanField()


class ChecklistAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistAnswer
        fields = ["id", "application", "item", "meets", "evidence", "answered_at"]
        read_only_fields = ["answered_at"]
        validators: list = []


class ChecklistAnswerCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    item = serializers.IntegerField()
    meets = serializers.BooleanField()
    evidence = serializers.CharField(allow_blank=True)


class ScoreValueSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True, help_text=f"{SCORE_MIN}-{SCORE_MAX}; null abstains.")


class ScorecardSerializer(serializers.ModelSerializer):
    judge = serializers.CharField(source="judge.username", read_only=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = ["id", "application", "judge", "stage", "comment", "submitted_at", "scores"]

    def get_scores(self, obj) -> list[dict]:
        return [{"criterion": s.criterion_id, "value": s.value} for s in obj.scores.all()]


class ScorecardCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    scores = ScoreValueSerializer(many=True)
    comment = serializers.CharField(required=False, default="", allow_blank=True)


class WinnerDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)

    class Meta:
        model = WinnerDecision
        fields = ["id", "cycle", "category", "application", "reason", "decided_by", "decided_at", "published_at"]
        read_only_fields = ["cycle", "category", "decided_at", "published_at"]


class WinnerDecisionCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class ConflictSerializer(serializers.ModelSerializer):
    judge = serializers.CharField(source="judge.username", read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = ["id", "judge", "organization", "reason", "declared_at", "overridden", "review_reason", "reviewed_at"]
        read_only_fields = ["declared_at", "overridden", "review_reason", "reviewed_at"]


class ConflictReviewSerializer(serializers.Serializer):
    override = serializers.BooleanField()
    reason = serializers.CharField()
