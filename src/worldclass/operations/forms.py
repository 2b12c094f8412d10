from django import forms
from django.utils.translation import gettext_lazy as _

from worldclass.operations.models import InterviewAttempt, RecoveryCase
from worldclass.operations.queries import CaseFilters

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
RATINGS = [(str(n), str(n)) for n in range(1, 6)]


class SurveyForm(forms.Form):
    """The core questions, for the web page and the interviewer's script."""

    resolved = forms.ChoiceField(label=_("Was your issue resolved?"), choices=YES_NO, widget=forms.RadioSelect)
    first_call = forms.ChoiceField(
        label=_("Was this your first call about this issue?"), choices=YES_NO, widget=forms.RadioSelect
    )
    overall_sat = forms.ChoiceField(
        label=_("Overall, how satisfied are you with your call? (1 = very dissatisfied, 5 = very satisfied)"),
        choices=RATINGS,
        widget=forms.RadioSelect,
    )
    csr_sat = forms.ChoiceField(
        label=_("How satisfied are you with the representative who helped you? (1 to 5)"),
        choices=RATINGS,
        widget=forms.RadioSelect,
    )
    why_not_resolved = forms.CharField(
        label=_("If your issue was not resolved, why not?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    comment = forms.CharField(
        label=_("Anything else you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def questions(self) -> list[tuple[forms.BoundField, list[tuple[str, str, str, bool]]]]:
        """Each question with its options as (id, value, label, checked), none for a text answer. The survey page
        draws its buttons from these plain values: Django's option widgets build a context for each of the fourteen,
        a fifth of the page's render (docs/performance.md). It draws flat choices with no empty value, as the
        survey's are; the page's test compares it with Django's widgets."""
        drawn = []
        for field in self:
            options = []
            if isinstance(field.field.widget, forms.RadioSelect):
                chosen = field.value()
                options = [
                    (f"{field.auto_id}_{index}", value, label, chosen is not None and str(chosen) == str(value))
                    for index, (value, label) in enumerate(field.field.choices)
                ]
            drawn.append((field, options))
        return drawn


def labelled_answers(answers: dict) -> list[tuple[str, str]]:
    """Recorded answers as the customer saw them: each question's wording and the answer in words."""
    fields = SurveyForm.base_fields
    words = {True: _("Yes"), False: _("No"), None: "\u2013", "": "\u2013"}
    rows = []
    for name, value in answers.items():
        label = fields[name].label if name in fields else name.replace("_", " ").capitalize()
        shown = words[value] if isinstance(value, bool) or value in (None, "") else value
        rows.append((str(label), str(shown)))
    return rows


class InterviewForm(SurveyForm):
    """The interviewer records either the answers or a disposition."""

    outcome = forms.ChoiceField(
        label=_("Outcome of this attempt"),
        choices=InterviewAttempt.Outcome.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    callback_at = forms.DateTimeField(
        label=_("Callback at (UTC)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("resolved", "first_call", "overall_sat", "csr_sat"):
            self.fields[name].required = False


class ReviewForm(forms.Form):
    errors = forms.IntegerField(
        label=_("Errors found in the interview"),
        min_value=0,
        max_value=50,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class CaseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=RecoveryCase.Status.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label=_("Add a note"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    take_ownership = forms.BooleanField(label=_("I own this case"), required=False)


class CaseListForm(forms.Form):
    """The cases list's filters and sort; an invalid value is shown as the form's error and ignored."""

    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("due", _("Due soonest first")), ("-due", _("Due latest first")), ("site", _("Site"))],
    )

    def __init__(self, data, *, sites, **kwargs):
        super().__init__({key: data[key] for key in ("site", "status", "overdue", "sort") if key in data}, **kwargs)
        self.fields["site"].choices = [("", _("Any")), *((site.pk, str(site)) for site in sites)]
        self.fields["status"].choices = [("", _("Not closed")), *RecoveryCase.Status.choices]
        for name in ("site", "status", "sort"):
            self.fields[name].widget.attrs.update({"class": "form-select form-select-sm", "id": f"filter-{name}"})
        self.fields["overdue"].widget.attrs.update({"class": "form-check-input", "id": "filter-overdue"})

    def filters(self) -> CaseFilters:
        self.is_valid()
        valid = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return CaseFilters(
            site_id=valid.get("site"),
            status=valid.get("status") or None,
            overdue_only=bool(valid.get("overdue")),
            sort=valid.get("sort") or "due",
        )
