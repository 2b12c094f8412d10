"""API filters. Applications are tenant rows, so filters on them take the id rather than a scoped choice list."""

import django_filters

from worldclass.awards.models import Application, ChecklistAnswer, Scorecard
from worldclass.core.api import IntegerFilter


class ChecklistAnswerFilter(django_filters.FilterSet):
    application = IntegerFilter(field_name="application_id")

    class Meta:
        model = ChecklistAnswer
        fields = ["application"]


class ScorecardFilter(django_filters.FilterSet):
    application = IntegerFilter(field_name="application_id")

    class Meta:
        model = Scorecard
        fields = ["application", "stage"]


class ApplicationFilter(django_filters.FilterSet):
    """No organization filter: judges see applications blinded, and filtering by organization would unblind them."""

    cycle = IntegerFilter(field_name="cycle_id")
    year = IntegerFilter(field_name="cycle__year", help_text="The cycle's year.")
    category = IntegerFilter(field_name="category_id")
    status = django_filters.ChoiceFilter(choices=Application.Status.choices)

    class Meta:
        model = Application
        fields: list = []
