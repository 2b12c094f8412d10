"""Forms of the awards' web pages: they parse input; the domain decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from worldclass.awards.models import SCORE_MAX, SCORE_MIN, Phase, Step


class BootstrapForm(forms.Form):
    """Gives every widget Bootstrap's class, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class RegisterForm(BootstrapForm):
    organization_name = forms.CharField(label=_("Organization name"), max_length=200)
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=1)


class ApplicationForm(BootstrapForm):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    title = forms.CharField(label=_("Practice title"), max_length=200)
    summary = forms.CharField(
        label=_("Why is the practice unique? (at most 1,000 characters)"),
        widget=forms.Textarea(attrs={"rows": 6, "data-max-graphemes": 1000}),
        strip=False,
    )
    previous_application = forms.TypedChoiceField(
        label=_("Re-application of (optional)"), coerce=int, required=False, empty_value=None
    )
    submit = forms.BooleanField(label=_("Submit now (otherwise save a draft)"), required=False, initial=True)


class EditApplicationForm(BootstrapForm):
    title = forms.CharField(label=_("Practice title"), max_length=200)
    summary = forms.CharField(
        label=_("Why is the practice unique? (at most 1,000 characters)"),
        widget=forms.Textarea(attrs={"rows": 6, "data-max-graphemes": 1000}),
        strip=False,
    )


class StoryForm(BootstrapForm):
    impact = forms.CharField(label=_("Impact on CX"), widget=forms.Textarea(attrs={"rows": 4}))
    how_it_works = forms.CharField(label=_("How the practice works"), widget=forms.Textarea(attrs={"rows": 4}))
    results = forms.CharField(
        label=_("Results on FCR, contact resolution, Csat, Esat and retention"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    difference = forms.CharField(label=_("What makes it different"), widget=forms.Textarea(attrs={"rows": 4}))


class AttachmentForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


class EvidenceForm(BootstrapForm):
    before_start = forms.CharField(label=_("Before: first month"), widget=forms.TextInput(attrs={"type": "month"}))
    before_end = forms.CharField(label=_("Before: last month"), widget=forms.TextInput(attrs={"type": "month"}))
    after_start = forms.CharField(label=_("After: first month"), widget=forms.TextInput(attrs={"type": "month"}))
    after_end = forms.CharField(label=_("After: last month"), widget=forms.TextInput(attrs={"type": "month"}))


class GalaAttendeeForm(BootstrapForm):
    name = forms.CharField(label=_("Attendee name"), max_length=200)
    email = forms.EmailField(label=_("Attendee e-mail"))


class MoveForm(BootstrapForm):
    category = forms.IntegerField(label=_("Move to category"), widget=forms.Select)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(BootstrapForm):
    step = forms.ChoiceField(
        label=_("Step"), choices=[(s.value, s.label) for s in (Step.APPLICATION, Step.CHECKLIST, Step.STORY)]
    )
    until = forms.DateField(label=_("New last day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=500)


class InterviewForm(BootstrapForm):
    scheduled_at = forms.DateTimeField(
        label=_("Interview time (UTC)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CycleForm(BootstrapForm):
    year = forms.IntegerField(label=_("Award year"), min_value=2000, max_value=2200)
    time_zone = forms.CharField(label=_("Time zone"), initial="America/Toronto")


class PhaseForm(BootstrapForm):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)


class NameForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_fr = forms.CharField(label=_("French name"), max_length=200, required=False)


class ChecklistItemForm(BootstrapForm):
    text = forms.CharField(label=_("Checklist item"), max_length=500)
    text_fr = forms.CharField(label=_("Checklist item in French"), max_length=500, required=False)


class JudgeForm(BootstrapForm):
    judge = forms.IntegerField(label=_("Judge"), widget=forms.Select)


class AssignForm(BootstrapForm):
    judge = forms.IntegerField(label=_("Judge"), widget=forms.Select)
    category = forms.IntegerField(label=_("Category"), widget=forms.Select)


class ConflictForm(BootstrapForm):
    organization = forms.IntegerField(label=_("Organization"), widget=forms.Select)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ConflictReviewForm(BootstrapForm):
    override = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Override: no conflict")), ("0", _("Uphold the conflict"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class StoryEditForm(BootstrapForm):
    edited_story = forms.CharField(label=_("Edited story for publication"), widget=forms.Textarea(attrs={"rows": 8}))


def score_form_class(criteria):
    """A form with one 0-10 (or abstain) field per criterion of the rubric."""
    choices = [("", _("Abstain"))] + [(str(v), str(v)) for v in range(SCORE_MIN, SCORE_MAX + 1)]
    fields = {
        f"criterion_{c.pk}": forms.TypedChoiceField(
            label=f"{c.name} (x{c.weight})", choices=choices, coerce=int, required=False, empty_value=None
        )
        for c in criteria
    }
    fields["comment"] = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    return type("ScoreForm", (BootstrapForm,), fields)
