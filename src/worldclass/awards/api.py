"""REST API of the awards: thin views over the domain, scoped by role."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_scopes import scopes_disabled
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from worldclass.accounts.rules import is_certifier_staff
from worldclass.awards import queries, serializers
from worldclass.awards.domain import applications as apps_domain
from worldclass.awards.domain import cycles as cycles_domain
from worldclass.awards.domain import decisions as decisions_domain
from worldclass.awards.domain import panel as panel_domain
from worldclass.awards.filters import ApplicationFilter, ChecklistAnswerFilter, ScorecardFilter
from worldclass.awards.models import (
    Application,
    Category,
    ChecklistAnswer,
    ConflictDeclaration,
    Cycle,
    Scorecard,
    WinnerDecision,
)
from worldclass.awards.rules import is_judge
from worldclass.core.api import TenantScopedAPIMixin
from worldclass.core.errors import AppError, ErrorDetail, PermissionDenied


def _require_staff(request) -> None:
    if not is_certifier_staff(request.user):
        raise PermissionDenied("Only awards staff can do this.", code="staff_only")


class CycleViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Award cycles with their deadlines and phase. Staff create cycles and move the phase."""

    queryset = Cycle.objects.all()
    serializer_class = serializers.CycleSerializer
    filterset_fields = ["year", "phase"]

    @extend_schema(request=serializers.CycleCreateSerializer, responses={201: serializers.CycleSerializer})
    def create(self, request):
        body = serializers.CycleCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cycle = cycles_domain.create_cycle(user=request.user, **body.validated_data)
        return Response(serializers.CycleSerializer(cycle).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.PhaseSerializer, responses=serializers.CycleSerializer)
    @action(detail=True, methods=["post"])
    def phase(self, request, pk=None):
        body = serializers.PhaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cycle = cycles_domain.set_phase(user=request.user, cycle=self.get_object(), phase=body.validated_data["phase"])
        return Response(serializers.CycleSerializer(cycle).data)


class CategoryViewSet(TenantScopedAPIMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A cycle's categories. Staff add, rename (PATCH name) and retire (PATCH retired=true)."""

    queryset = Category.objects.select_related("cycle")
    serializer_class = serializers.CategorySerializer
    filterset_fields = ["cycle"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request):
        body = serializers.CategorySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        category = cycles_domain.add_category(
            user=request.user, cycle=body.validated_data["cycle"], name=body.validated_data["name"]
        )
        return Response(serializers.CategorySerializer(category).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        _require_staff(request)
        category = self.get_object()
        body = serializers.CategorySerializer(category, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        if "name" in body.validated_data:
            category = cycles_domain.rename_category(
                user=request.user, category=category, name=body.validated_data["name"]
            )
        if body.validated_data.get("retired"):
            category = cycles_domain.retire_category(user=request.user, category=category)
        return Response(serializers.CategorySerializer(category).data)


class ApplicationViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Applications, scoped by role: staff see all, applicants their organization's, judges what the phase shows
    them in their categories (never a conflicted organization's), blinded until the revealing phase."""

    serializer_class = serializers.ApplicationSerializer
    filterset_class = ApplicationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            with scopes_disabled():
                return Application.objects.none()
        return queries.applications_for_user(user=self.request.user).order_by("id")

    def get_object(self):
        return queries.application_for(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=serializers.ApplicationCreateSerializer, responses={201: serializers.ApplicationSerializer})
    def create(self, request):
        body = serializers.ApplicationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        category = Category.objects.select_related("cycle").filter(pk=data["category"]).first()
        if category is None:
            raise AppError(code="invalid", message="No such category.", details=[ErrorDetail("Unknown.", "category")])
        organizations = list(queries.applicant_organizations(user=request.user))
        if data.get("organization"):
            organizations = [o for o in organizations if o.pk == data["organization"]]
        if len(organizations) != 1:
            raise PermissionDenied(
                "Apply as the admin of exactly one organization (give `organization`).", code="applicant_only"
            )
        previous = None
        if data.get("previous_application"):
            previous = queries.application_for(user=request.user, pk=data["previous_application"])
        application = apps_domain.create_application(
            user=request.user,
            cycle=category.cycle,
            category=category,
            organization=organizations[0],
            title=data["title"],
            summary=data["summary"],
            previous_application=previous,
            submit=data["submit"],
        )
        return Response(self.get_serializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = apps_domain.submit_application(user=request.user, application=self.get_object())
        return Response(self.get_serializer(application).data)

    @extend_schema(request=serializers.MoveSerializer, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        _require_staff(request)
        body = serializers.MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = self.get_object()
        category = get_object_or_404(Category, pk=body.validated_data["category"])
        apps_domain.move_application(
            user=request.user, application=application, to_category=category, reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=serializers.FinalistSerializer, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def finalist(self, request, pk=None):
        _require_staff(request)
        body = serializers.FinalistSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = apps_domain.set_finalist(
            user=request.user, application=self.get_object(), finalist=body.validated_data["finalist"]
        )
        return Response(self.get_serializer(application).data)


class ChecklistAnswerViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Step 2 answers of the applications the user may see."""

    serializer_class = serializers.ChecklistAnswerSerializer
    filterset_class = ChecklistAnswerFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ChecklistAnswer.objects.none()
        visible = queries.applications_for_user(user=self.request.user).values("pk")
        return ChecklistAnswer.objects.filter(application_id__in=visible).order_by("id")

    @extend_schema(
        request=serializers.ChecklistAnswerCreateSerializer, responses={201: serializers.ChecklistAnswerSerializer}
    )
    def create(self, request):
        body = serializers.ChecklistAnswerCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        application = queries.application_for(user=request.user, pk=data["application"])
        [answer] = apps_domain.answer_checklist(
            user=request.user, application=application, answers=[(data["item"], data["meets"], data["evidence"])]
        )
        return Response(serializers.ChecklistAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)


class ScorecardViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Scorecards: staff see all; a judge sees their own, and others' on an application only after scoring it."""

    serializer_class = serializers.ScorecardSerializer
    filterset_class = ScorecardFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Scorecard.objects.none()
        return queries.scorecards_visible_to(user=self.request.user).prefetch_related("scores").order_by("id")

    @extend_schema(request=serializers.ScorecardCreateSerializer, responses={201: serializers.ScorecardSerializer})
    def create(self, request):
        body = serializers.ScorecardCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not is_judge(request.user):
            raise PermissionDenied("Only awards judges can score.", code="judge_only")
        application = queries.application_for(user=request.user, pk=data["application"])
        card = panel_domain.submit_scorecard(
            judge=request.user,
            application=application,
            values={row["criterion"]: row["value"] for row in data["scores"]},
            comment=data["comment"],
        )
        return Response(serializers.ScorecardSerializer(card).data, status=status.HTTP_201_CREATED)


class WinnerDecisionViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Winner decisions: staff see all and decide; everyone else sees published winners."""

    serializer_class = serializers.WinnerDecisionSerializer
    filterset_fields = ["cycle", "category"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return WinnerDecision.objects.none()
        decisions = WinnerDecision.objects.select_related("decided_by").order_by("id")
        return decisions if is_certifier_staff(self.request.user) else decisions.filter(published_at__isnull=False)

    @extend_schema(
        request=serializers.WinnerDecisionCreateSerializer, responses={201: serializers.WinnerDecisionSerializer}
    )
    def create(self, request):
        _require_staff(request)
        body = serializers.WinnerDecisionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = queries.application_for(user=request.user, pk=body.validated_data["application"])
        decision = decisions_domain.decide_winner(
            user=request.user,
            category=application.category,
            application=application,
            reason=body.validated_data["reason"],
        )
        return Response(serializers.WinnerDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.WinnerDecisionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        _require_staff(request)
        decision = decisions_domain.publish_winner(user=request.user, decision=self.get_object())
        return Response(serializers.WinnerDecisionSerializer(decision).data)


class ConflictViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Conflict-of-interest declarations: judges declare theirs; staff review and override with a reason."""

    serializer_class = serializers.ConflictSerializer
    filterset_fields = ["organization", "overridden"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ConflictDeclaration.objects.none()
        declarations = ConflictDeclaration.objects.select_related("judge").order_by("id")
        if is_certifier_staff(self.request.user):
            return declarations
        return declarations.filter(judge=self.request.user)

    def create(self, request):
        body = serializers.ConflictSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not is_judge(request.user):
            raise PermissionDenied("Only awards judges declare conflicts.", code="judge_only")
        organization = queries.get_organization(pk=body.validated_data["organization"].pk)
        declaration = panel_domain.declare_conflict(
            judge=request.user, organization=organization, reason=body.validated_data.get("reason", "")
        )
        return Response(serializers.ConflictSerializer(declaration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ConflictReviewSerializer, responses=serializers.ConflictSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        _require_staff(request)
        body = serializers.ConflictReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        declaration = panel_domain.review_conflict(
            user=request.user, declaration=self.get_object(), **body.validated_data
        )
        return Response(serializers.ConflictSerializer(declaration).data)
