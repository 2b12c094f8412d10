"""The certifier's survey pages: upload a file with its mapping, confirm, watch the import, read the history."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from worldclass.accounts.decorators import certifier_staff_required
from worldclass.core.background import start_task
from worldclass.core.domain import actor_label
from worldclass.core.errors import AppError
from worldclass.core.i18n import in_active_language_worded
from worldclass.core.paging import page_of, query_without_page
from worldclass.core.views import announcement
from worldclass.directory.models import Organization
from worldclass.surveys import queries
from worldclass.surveys.domain.uploads import confirm_survey_upload, discard_survey_upload, receive_survey_upload
from worldclass.surveys.filters import ImportBatchFilter
from worldclass.surveys.models import SavedMapping, SurveyUpload

HISTORY_PER_PAGE = 50
IMPORT_TASK = "surveys.import_upload"  # surveys/tasks.py


class SurveyUploadForm(forms.Form):
    # An empty file reaches the upload's checks, which refuse it and record the rejected attempt.
    file = forms.FileField(
        allow_empty_file=True,
        label=gettext_lazy("Survey-results file (CSV)"),
        help_text=gettext_lazy("UTF-8 with a header row: the interchange format, or a client's export with a mapping."),
    )
    saved_mapping = forms.ModelChoiceField(
        queryset=SavedMapping.objects.none(),
        required=False,
        label=gettext_lazy("Saved mapping"),
        empty_label=gettext_lazy("None (the file is in the interchange format, or upload a mapping below)"),
    )
    mapping_file = forms.FileField(required=False, label=gettext_lazy("Or a mapping file (TOML)"))
    save_mapping_as = forms.CharField(
        required=False, max_length=200, label=gettext_lazy("Save the uploaded mapping as (optional)")
    )
    save_mapping_for = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        label=gettext_lazy("for the organization"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved_mapping"].queryset = queries.saved_mappings()
        self.fields["saved_mapping"].label_from_instance = lambda m: f"{m.organization}: {m.name}"


def _add_app_error(form: forms.Form, error: AppError) -> None:
    """Show a refused upload on the form: each detail on the field it names, the others under the refusal's own
    message (which says what they are about, such as the mapping file), each with its line and key if it has them."""
    elsewhere = []
    for detail in error.details:
        message = in_active_language_worded(detail.as_stored_dict())
        if detail.field in form.fields:
            form.add_error(detail.field, message)
            continue
        where = [_("line %(line)s") % {"line": detail.line}] if detail.line is not None else []
        where += [detail.field] if detail.field else []
        elsewhere.append(f"{', '.join(where)}: {message}" if where else message)
    if elsewhere or not error.details:
        form.add_error(None, in_active_language_worded(error.as_stored_dict()))
    for message in elsewhere:
        form.add_error(None, message)


@certifier_staff_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a survey file and choose its mapping; the import waits for confirmation on the next page."""
    posted = request.method == "POST"
    form = SurveyUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            received = receive_survey_upload(
                file=data["file"],
                saved_mapping=data["saved_mapping"],
                mapping_file=data["mapping_file"],
                save_mapping_as=data["save_mapping_as"],
                save_mapping_for=data["save_mapping_for"],
                user=request.user,
                actor=actor_label(request.user),
            )
        except AppError as error:
            _add_app_error(form, error)
        else:
            return redirect("surveys:upload_detail", pk=received.pk)
    return render(
        request,
        "surveys/upload.html",
        {"form": form, "uploads": queries.recent_uploads()},
        status=400 if form.errors else 200,
    )


def _upload_or_404(pk: int) -> SurveyUpload:
    found = SurveyUpload.objects.select_related("uploaded_by", "batch", "save_mapping_for").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _status_context(request, upload: SurveyUpload) -> dict:
    return {
        **announcement(request, phase=upload.status),
        "upload": upload,
        "progress": queries.upload_progress(upload=upload),
        "sections": queries.report_sections(report=upload.report),
        "wording": queries.report_wording(report=upload.report),
        "refusal": queries.refusal_wording(error=upload.error),
    }


@certifier_staff_required
@require_GET
def upload_detail(request, pk: int):
    """One upload: the confirmation while it waits, then its progress, then its report or its errors."""
    return render(request, "surveys/upload_detail.html", _status_context(request, _upload_or_404(pk)))


@certifier_staff_required
@require_GET
def upload_status(request, pk: int):
    """The status block alone, polled by htmx until the import has finished."""
    return render(request, "surveys/_upload_status.html", _status_context(request, _upload_or_404(pk)))


@certifier_staff_required
@require_POST
def upload_confirm(request, pk: int):
    """Staff confirm the import: it starts as a task, and the page shows its progress."""
    _upload_or_404(pk)
    try:
        confirmed = confirm_survey_upload(upload_id=pk, user=request.user, actor=actor_label(request.user))
    except AppError as error:
        messages.error(request, in_active_language_worded(error.as_stored_dict()))
    else:
        start_task(IMPORT_TASK, confirmed.pk)
        messages.info(request, _("The import of %(name)s has started.") % {"name": confirmed.source_name})
    return redirect("surveys:upload_detail", pk=pk)


@certifier_staff_required
@require_POST
def upload_discard(request, pk: int):
    """Staff cancel an upload instead of confirming it: its file is deleted, and they are back on the upload page."""
    _upload_or_404(pk)
    try:
        discarded = discard_survey_upload(upload_id=pk, user=request.user, actor=actor_label(request.user))
    except AppError as error:
        messages.error(request, in_active_language_worded(error.as_stored_dict()))
        return redirect("surveys:upload_detail", pk=pk)
    messages.info(
        request, _("The upload of %(name)s was discarded and its file deleted.") % {"name": discarded.source_name}
    )
    return redirect("surveys:upload")


@certifier_staff_required
@require_GET
def history(request):
    """Every import, from the web, the API or the command line, with its result, who and when."""
    imports = ImportBatchFilter(request.GET, queryset=queries.import_history())
    page = page_of(request, imports.qs, per_page=HISTORY_PER_PAGE)
    return render(
        request,
        "surveys/history.html",
        {"page": page, "filters": imports.form, "query": query_without_page(request)},
        status=400 if imports.errors else 200,
    )
