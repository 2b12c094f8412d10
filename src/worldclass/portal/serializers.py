from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from worldclass.certification.models import MonthlyRollup
from worldclass.directory.models import Organization, Person, Site
from worldclass.portal.queries import RATES, Metrics


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "code", "name", "is_client", "listed_in_registry"]


class SiteSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Site
        fields = ["id", "organization", "code", "name", "country", "timezone"]


class PersonSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "organization", "code", "name", "site", "supervisor", "is_csr", "is_supervisor"]


class RateSerializer(serializers.Serializer):
    """Surveys meeting the measure among eligible ones, the percentage and its Wilson 95% interval."""

    count = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    ci95_low = serializers.FloatField(allow_null=True)
    ci95_high = serializers.FloatField(allow_null=True)


class RatesSerializer(serializers.Serializer):
    wcc = RateSerializer()
    fcr = RateSerializer()
    resolved = RateSerializer()
    overall_top_box = RateSerializer()
    csr_top_box = RateSerializer()


class MonthlyMetricSerializer(serializers.ModelSerializer):
    """One entity's counts in one call month under one survey window, with every rate."""

    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    window = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = serializers.SerializerMethodField()
    rates = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyRollup
        fields = ["id", "organization", "level", "entity_id", "month", "window", "eligible", "ineligible", "rates"]

    def get_month(self, rollup) -> str:
        return f"{rollup.month:%Y-%m}"

    @extend_schema_field(RatesSerializer)
    def get_rates(self, rollup) -> dict:
        metrics = Metrics.from_counts(
            {name: getattr(rollup, name) for name in ["eligible", "ineligible"]}
            | {count: getattr(rollup, count) for _key, count, _label in RATES}
        )
        return {
            key: {
                "count": rate.successes,
                "percent": None if rate.percent is None else round(rate.percent, 4),
                "ci95_low": None if rate.low is None else round(rate.low, 4),
                "ci95_high": None if rate.high is None else round(rate.high, 4),
            }
            for key, rate in metrics.rates.items()
        }
