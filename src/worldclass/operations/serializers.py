from rest_framework import serializers

from worldclass.operations.models import RecoveryCase
from worldclass.operations.queries import is_overdue


class CallRecordSerializer(serializers.Serializer):
    """One call record; values are checked by the import (line = position in `calls`, from 1)."""

    call_id = serializers.CharField(allow_blank=True)
    org = serializers.CharField(allow_blank=True, required=False)
    site = serializers.CharField(allow_blank=True)
    country = serializers.CharField(allow_blank=True, required=False)
    timezone = serializers.CharField(allow_blank=True, required=False)
    supervisor = serializers.CharField(allow_blank=True)
    csr = serializers.CharField(allow_blank=True)
    customer_phone = serializers.CharField(allow_blank=True, required=False)
    customer_email = serializers.CharField(allow_blank=True, required=False)
    language = serializers.CharField(allow_blank=True)
    started_at = serializers.CharField(allow_blank=True)
    ended_at = serializers.CharField(allow_blank=True)
    queue = serializers.CharField(allow_blank=True, required=False)
    call_type = serializers.CharField(allow_blank=True)
    disposition = serializers.CharField(allow_blank=True, required=False)
    do_not_survey = serializers.CharField(allow_blank=True, required=False)


class CallBatchSerializer(serializers.Serializer):
    organization = serializers.SlugField(help_text="The organization the calls belong to.")
    calls = CallRecordSerializer(many=True, allow_empty=False, max_length=50_000)


class CallImportResultSerializer(serializers.Serializer):
    import_id = serializers.IntegerField(allow_null=True)
    rows_total = serializers.IntegerField()
    rows_created = serializers.IntegerField()
    rows_unchanged = serializers.IntegerField()
    selected = serializers.IntegerField()
    invited = serializers.IntegerField()


class IVRInvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    phone = serializers.CharField(source="call.customer_phone")
    language = serializers.CharField()
    site = serializers.CharField(source="site.name")
    opens_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class IVRKeysSerializer(serializers.Serializer):
    resolved = serializers.RegexField(r"^[12]$", help_text="Key 1 for yes, 2 for no.")
    first_call = serializers.RegexField(r"^[12]$", help_text="Key 1 for yes, 2 for no.")
    overall_sat = serializers.IntegerField(min_value=1, max_value=5)
    csr_sat = serializers.IntegerField(min_value=1, max_value=5)


class IVRResponseSerializer(serializers.Serializer):
    invitation = serializers.IntegerField()
    keys = IVRKeysSerializer()


class IVRResultSerializer(serializers.Serializer):
    invitation = serializers.IntegerField()
    survey_id = serializers.CharField()
    created = serializers.BooleanField()


class RecoveryCaseSerializer(serializers.Serializer):
    """A follow-up case as the cases list shows it (no customer contact details)."""

    id = serializers.IntegerField()
    organization = serializers.CharField(source="organization.code")
    site = serializers.IntegerField(source="site_id")
    site_code = serializers.CharField(source="site.code")
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=RecoveryCase.Status.choices)
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)
    due_at = serializers.DateTimeField()
    overdue = serializers.SerializerMethodField(help_text="Not closed by its due time.")
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, case) -> bool:
        return is_overdue(case, now=self.context["now"])
