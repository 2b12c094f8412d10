"""API routes of the operations app (mounted under /api/v1/ by worldclass.urls)."""

from django.urls import path

from worldclass.operations import api

urlpatterns = [
    path("calls/", api.CallBatchView.as_view(), name="operations-calls"),
    path("ivr/invitations/", api.IVRInvitationList.as_view(), name="operations-ivr-invitations"),
    path("ivr/responses/", api.IVRResponseView.as_view(), name="operations-ivr-responses"),
    path("recovery-cases/", api.RecoveryCaseList.as_view(), name="operations-recovery-cases"),
]
