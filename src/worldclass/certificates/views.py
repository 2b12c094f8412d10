"""Certificate pages: the holder's list and download, public verification and key, staff revocation and trophies."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scopes_disabled

from worldclass.accounts.decorators import certifier_staff_required
from worldclass.accounts.rules import is_certifier_staff
from worldclass.certificates import queries
from worldclass.certificates.domain import (
    abandon_certificate_issuing,
    normalize_serial,
    queue_certificate_issuing,
    revoke_certificate,
)
from worldclass.certificates.forms import CertificateListForm
from worldclass.certificates.models import Certificate
from worldclass.certificates.pdf import render_certificate_pdf
from worldclass.certificates.signing import key_id_for, load_signing_key, public_key_pem
from worldclass.certification import run_queries
from worldclass.core.background import start_task
from worldclass.core.domain import actor_label
from worldclass.core.errors import AppError
from worldclass.core.exports import Table, csv_response
from worldclass.core.paging import page_of, query_without_page
from worldclass.core.views import announcement

CERTIFICATES_PER_PAGE = 50
ISSUE_TASK = "certificates.issue_run"  # certificates/tasks.py
TROPHIES_PER_PAGE = 50

logger = logging.getLogger(__name__)


def _require_staff(request) -> None:
    if not is_certifier_staff(request.user):
        raise PermissionDenied


@login_required
def certificate_list(request):
    """The certificates the signed-in user holds or manages, filtered, sorted and paged."""
    if not queries.has_certificate_access(request.user):
        raise PermissionDenied
    visible = queries.certificates_visible_to(request.user)
    form = CertificateListForm(
        request.GET,
        organization_ids=visible.values("organization_id"),
        site_ids=visible.exclude(certification__site=None).values("certification__site_id"),
    )
    certificates = queries.sort_certificates(
        queries.filter_certificates(visible, filters=form.filters()), sort=form.ordering()
    )
    page = page_of(request, certificates, per_page=CERTIFICATES_PER_PAGE)
    rows = [
        (certificate, queries.certificate_status(certificate), queries.expires_on(certificate)) for certificate in page
    ]
    return render(
        request,
        "certificates/list.html",
        {
            "rows": rows,
            "page": page,
            "form": form,
            "query": query_without_page(request),
            "certifier_staff": is_certifier_staff(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def certificate_pdf(request, serial: str):
    """Download a certificate the user holds or manages; others get 404 (the serial's existence is not revealed)."""
    certificate = queries.certificates_visible_to(request.user).filter(serial=serial).first()
    if certificate is None:
        raise Http404
    pdf = render_certificate_pdf(facts=certificate.facts, signature=certificate.signature, key_id=certificate.key_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="worldclass-certificate-{certificate.serial}.pdf"'
    return response


def verify(request, serial: str):
    """Public: whether a certificate is valid, expired or revoked, and its facts."""
    printed = normalize_serial(serial)
    if printed != serial or request.path.endswith("/"):  # typed from paper: its page is the printed serial's
        return redirect("certificates:verify", serial=printed)
    # Anyone holding a certificate (or its QR code) may check it, whatever their organization.
    with scopes_disabled():
        certificate = (
            Certificate.objects.select_related("certification__edition", "revoked_by").filter(serial=serial).first()
        )
        if certificate is None:
            return render(request, "certificates/verify_unknown.html", {"serial": serial}, status=404)
        status = queries.certificate_status(certificate)
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "facts": certificate.facts,
            "status": status,
            "can_revoke": status != "revoked" and is_certifier_staff(request.user),
        },
    )


def public_key(request):
    """Public: the certifier's Ed25519 public key (PEM)."""
    response = HttpResponse(public_key_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="worldclass-public-key.pem"'
    return response


def how_to_verify(request):
    """Public: how certificates are signed and how to check one offline."""
    key = load_signing_key().public_key()
    return render(
        request,
        "certificates/how_to_verify.html",
        {"public_key_pem": public_key_pem(key).decode("ascii"), "key_id": key_id_for(key)},
    )


class RevocationForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Shown on the public verification page."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, serial: str):
    """Staff: revoke a certificate, with a reason."""
    _require_staff(request)
    certificate = Certificate.objects.select_related("certification__edition").filter(serial=serial).first()
    if certificate is None:
        raise Http404
    form = RevocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_certificate(
                serial=serial,
                reason=form.cleaned_data["reason"],
                user=request.user,
                actor=actor_label(request.user),
            )
        except AppError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Certificate %(serial)s is revoked.") % {"serial": serial})
            return redirect("certificates:verify", serial=serial)
    return render(request, "certificates/revoke.html", {"certificate": certificate, "form": form})


def _trophy_year(request) -> int | None:
    value = request.GET.get("year", "").strip()
    return int(value) if value.isdigit() else None


@login_required
def trophies(request):
    """Staff: the trophies to engrave and ship, for certified sites and organizations."""
    _require_staff(request)
    year = _trophy_year(request)
    level = request.GET.get("level") or None
    rows = queries.trophy_orders(year=year, level=level)
    page = page_of(request, rows, per_page=TROPHIES_PER_PAGE)
    return render(
        request,
        "certificates/trophies.html",
        {"rows": page, "page": page, "query": query_without_page(request), "year": year, "level": level},
    )


TROPHY_COLUMNS = [
    "serial",
    "level",
    "entity",
    "organization",
    "edition",
    "wording",
    "year",
    "certified_since",
    "ship_to_site",
    "ship_to",
]


@login_required
def trophies_csv(request):
    """Staff: the trophy order list as CSV, for the engraver, with the list page's filters (year, level)."""
    _require_staff(request)
    year = _trophy_year(request)
    level = request.GET.get("level") or None
    table = Table(
        title=_("Trophy orders"),
        columns=TROPHY_COLUMNS,
        rows=[[order[column] for column in TROPHY_COLUMNS] for order in queries.trophy_orders(year=year, level=level)],
    )
    return csv_response(table, filename=f"trophy-orders{'-' + str(year) if year else ''}.csv")


@certifier_staff_required
@require_http_methods(["GET", "POST"])
def issue_run(request, pk: int):
    """Staff: confirm, then issue in a task, the signed certificates of the certifications a run first found; the
    page then follows the issuing to its result."""
    run = run_queries.find_run(pk=pk)
    if run is None:
        raise Http404
    if request.method == "POST":
        try:
            issuing = queue_certificate_issuing(run=run, user=request.user, actor=actor_label(request.user))
        except AppError as error:
            messages.error(request, error.message)
        else:
            try:
                start_task(ISSUE_TASK, issuing.pk)
            except Exception:  # the broker's errors are many (kombu, redis, sockets); each leaves the same state
                logger.exception("could not queue certificate issuing %s", issuing.pk)
                abandon_certificate_issuing(issuing=issuing)
                messages.error(request, _("The issuing could not be queued: nothing was issued. Try again later."))
                return redirect("certificates:issue_run", pk=run.pk)
            messages.info(
                request,
                ngettext(
                    "Issuing %(count)s certificate has started.",
                    "Issuing %(count)s certificates has started.",
                    issuing.pending,
                )
                % {"count": issuing.pending},
            )
        return redirect("certificates:issue_run", pk=run.pk)
    return render(request, "certificates/issue_run.html", _issuing_context(request, run))


@certifier_staff_required
@require_GET
def issue_run_status(request, pk: int):
    """The issuing's status block alone, polled by htmx while the issuing is under way."""
    run = run_queries.find_run(pk=pk)
    if run is None:
        raise Http404
    return render(request, "certificates/_issue_status.html", _issuing_context(request, run))


def _issuing_context(request, run) -> dict:
    # The issuing first: once it is done, its certificates are committed, so the counts read next include them.
    issuing = queries.latest_issuing(run_id=run.pk)
    certificates = run_queries.certificate_progress(run=run)
    return {
        **announcement(request, phase=queries.issuing_phase(issuing, pending=certificates.pending)),
        "run": run,
        "certificates": certificates,
        "issuing": issuing,
    }
