"""The certificate list's filters and sort, as a form: an invalid value is a form error, never a 404."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from worldclass.certificates.queries import CertificateFilters
from worldclass.certification.queries import LEVEL_CHOICES, editions_newest_first
from worldclass.directory.models import Organization, Site

STATUS_CHOICES = [("valid", _("Valid")), ("expired", _("Expired")), ("revoked", _("Revoked"))]
SORT_CHOICES = [
    ("-issued", _("Newest first")),
    ("issued", _("Oldest first")),
    ("subject", _("Certified (A to Z)")),
    ("serial", _("Serial")),
    ("-edition", _("Edition (newest first)")),
    ("-valid_through", _("Valid through (latest first)")),
]
FILTERS = ("organization", "site", "level", "edition", "status")


def _any(choices) -> list:
    return [("", _("Any")), *choices]


class CertificateListForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), required=False, coerce=int, empty_value=None)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_any(LEVEL_CHOICES))
    edition = forms.TypedChoiceField(label=_("Edition"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_any(STATUS_CHOICES))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, data, *, organization_ids, site_ids, **kwargs):
        super().__init__({key: data[key] for key in (*FILTERS, "sort") if key in data}, **kwargs)
        organizations = Organization.objects.filter(id__in=organization_ids).order_by("name")
        self.fields["organization"].choices = _any([(o.id, o.name) for o in organizations])
        sites = Site.objects.filter(id__in=site_ids).select_related("organization").order_by("name")
        self.fields["site"].choices = _any([(s.id, str(s)) for s in sites])
        self.fields["edition"].choices = _any([(e.year, str(e)) for e in editions_newest_first()])
        for name, field in self.fields.items():
            css = "form-select form-select-sm"
            field.widget.attrs.update({"class": css, "id": f"filter-{name}"})

    def _valid(self, name: str):
        self.is_valid()
        return None if name in self.errors else (self.cleaned_data.get(name) or None)

    def filters(self) -> CertificateFilters:
        """The valid filters; an invalid one is ignored (and shown as the form's error)."""
        return CertificateFilters(
            organization_id=self._valid("organization"),
            site_id=self._valid("site"),
            level=self._valid("level"),
            edition_year=self._valid("edition"),
            status=self._valid("status"),
        )

    def ordering(self) -> str:
        return self._valid("sort") or "-issued"
