"""The operations API: batched call records, and the IVR platform's due invitations and keyed answers."""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone
from django_scopes import scopes_disabled
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from worldclass.accounts.rules import is_certifier_staff
from worldclass.core.api import TenantScopedAPIMixin
from worldclass.core.domain import actor_label
from worldclass.core.errors import PermissionDenied
from worldclass.directory.queries import get_organization_by_code
from worldclass.operations import access, queries
from worldclass.operations.domain.calls import import_calls
from worldclass.operations.domain.invitations import due_ivr_invitations, record_ivr_answers
from worldclass.operations.filters import RecoveryCaseFilter
from worldclass.operations.models import Invitation, RecoveryCase
from worldclass.operations.serializers import (
    CallBatchSerializer,
    CallImportResultSerializer,
    IVRInvitationSerializer,
    IVRResponseSerializer,
    IVRResultSerializer,
    RecoveryCaseSerializer,
)


class CallBatchView(TenantScopedAPIMixin, APIView):
    """Import a batch of call records for one organization (org admins of it, or certifier staff)."""

    @extend_schema(request=CallBatchSerializer, responses={201: CallImportResultSerializer})
    def post(self, request):
        serializer = CallBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data["organization"]
        # An unknown code and a forbidden one answer alike (403).
        organization = get_organization_by_code(code=code)
        if organization is None or not access.can_import_calls_for(request.user, organization):
            raise PermissionDenied("You may not import calls for this organization.")
        rows = [dict(row, org=row.get("org") or code) for row in request.data["calls"]]
        body = json.dumps(rows, sort_keys=True).encode()
        report = import_calls(
            organization=organization,
            raw_rows=[(index, row) for index, row in enumerate(rows, start=1)],
            source_name=f"api batch ({len(rows)} calls)",
            sha256=hashlib.sha256(body).hexdigest(),
            actor=actor_label(request.user),
            user=request.user,
        )
        code = status.HTTP_201_CREATED if report.rows_created else status.HTTP_200_OK
        return Response(CallImportResultSerializer(report.as_dict()).data, status=code)


def _ivr_allowed(user) -> None:
    if not is_certifier_staff(user):
        raise PermissionDenied("Only the certifier's IVR platform may use this endpoint.")


class IVRInvitationList(TenantScopedAPIMixin, generics.ListAPIView):
    """Invitations the IVR platform should call now, soonest expiry first."""

    serializer_class = IVRInvitationSerializer
    queryset = Invitation.objects.none()

    def list(self, request, *args, **kwargs):
        _ivr_allowed(request.user)
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return due_ivr_invitations(now=timezone.now())


class IVRResponseView(TenantScopedAPIMixin, APIView):
    """Record an IVR survey's keyed answers: a repeat is idempotent, a different answer is refused (409)."""

    @extend_schema(request=IVRResponseSerializer, responses={201: IVRResultSerializer, 200: IVRResultSerializer})
    def post(self, request):
        _ivr_allowed(request.user)
        serializer = IVRResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        invitation, created = record_ivr_answers(
            invitation_id=data["invitation"],
            keys=data["keys"],
            now=timezone.now(),
            actor=actor_label(request.user),
        )
        body = {"invitation": invitation.pk, "survey_id": invitation.response.survey_id, "created": created}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class SeesOperations(BasePermission):
    message = "Only certifier staff, organization admins and site managers read service-recovery cases."

    def has_permission(self, request, view) -> bool:
        return access.can_see_operations(request.user)


class RecoveryCaseList(TenantScopedAPIMixin, generics.ListAPIView):
    """Service-recovery cases of the sites whose operations you see, filtered and sorted like the cases page (the
    cases not closed, soonest due first, unless asked otherwise)."""

    permission_classes = [IsAuthenticated, SeesOperations]
    serializer_class = RecoveryCaseSerializer
    filterset_class = RecoveryCaseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no tenant scope
            with scopes_disabled():
                return RecoveryCase.objects.none()
        return queries.cases_visible_to(self.request.user).select_related("organization", "site", "owner")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}
