"""Survey files uploaded in the web app: received and checked, confirmed by certifier staff, imported in a task.

The file waits in WORLDCLASS_SURVEY_UPLOAD_DIR under a random name (never the client's) until its import has run,
or until staff discard the upload (on its page, or `worldclass discard-unconfirmed-uploads` for those left
waiting), then it is deleted: the import keeps its checksum, and the surveys themselves are in the database. The
task reports how many rows it has read to the cache, which the upload's page polls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from worldclass.core.database import is_unique_violation
from worldclass.core.domain import record_audit_event
from worldclass.core.errors import AppError, Conflict, ErrorDetail, NotFound, fill_template, worded_phrase
from worldclass.core.i18n import gettext_noop
from worldclass.directory.models import Organization
from worldclass.surveys.domain.importing import ERRORS_WORDED, import_surveys, record_rejected_import
from worldclass.surveys.domain.mapping import SurveyMapping, parse_mapping, read_mapping_text
from worldclass.surveys.domain.progress import progress_key
from worldclass.surveys.models import SavedMapping, SurveyUpload

MAX_MAPPING_BYTES = 64 * 1024
# Line-level errors kept on the upload for its page; the rejected ImportBatch keeps its own first ones.
ERRORS_SHOWN = ERRORS_WORDED
PROGRESS_TIMEOUT_SECONDS = 24 * 3600


def upload_path(upload: SurveyUpload) -> Path:
    return Path(settings.WORLDCLASS_SURVEY_UPLOAD_DIR) / upload.stored_name


MAPPING_NAME_TAKEN = gettext_noop("{organization} already has a mapping named {name!r}.")
TOO_LARGE = gettext_noop("The survey file is larger than the limit of {limit:,} bytes.")
ALREADY_STARTED = gettext_noop("The import of {name} was already started ({status}).")
UPLOAD_DISCARDED = gettext_noop(
    "The upload of {name} was discarded and its file deleted: upload it again to import it."
)


def _invalid(field: str, template: str, **params) -> AppError:
    """A refused upload form: `template` (gettext_noop) filled with `params`, on the form's `field`."""
    detail = ErrorDetail.worded(template, field=field, **params)
    return AppError.worded(template, code="invalid_upload", details=[detail], **params)


def _mapping_text(mapping_file) -> str:
    if mapping_file.size > MAX_MAPPING_BYTES:
        raise _invalid(
            "mapping_file", gettext_noop("The mapping file is larger than {size} KB."), size=MAX_MAPPING_BYTES // 1024
        )
    return read_mapping_text(mapping_file.read(), source=mapping_file.name)


def _uploaded_sha256(file) -> str:
    digest = hashlib.sha256()
    for block in file.chunks():
        digest.update(block)
    return digest.hexdigest()


def receive_survey_upload(
    *,
    file,
    saved_mapping: SavedMapping | None = None,
    mapping_file=None,
    save_mapping_as: str = "",
    save_mapping_for: Organization | None = None,
    user,
    actor: str,
) -> SurveyUpload:
    """Check an uploaded survey file and its mapping and keep the file until staff confirm its import.

    A refusal is recorded as a rejected import with its audit event, as the API's and the command line's are."""
    source_name = Path(file.name or "upload.csv").name[:500]
    mapping = SurveyMapping()  # what the refusal records: the mapping once it has been read
    try:
        if saved_mapping is not None and mapping_file is not None:
            raise _invalid("mapping_file", gettext_noop("Choose a saved mapping or upload a mapping file, not both."))
        save_mapping_as = save_mapping_as.strip()
        if save_mapping_as and (mapping_file is None or save_mapping_for is None):
            raise _invalid(
                "save_mapping_as", gettext_noop("To save a mapping, upload a mapping file and choose its organization.")
            )
        mapping_text, mapping_label = "", ""
        if saved_mapping is not None:
            mapping_text = saved_mapping.text
            mapping_label = f"{saved_mapping.organization}: {saved_mapping.name}"
        elif mapping_file is not None:
            mapping_text = _mapping_text(mapping_file)
            mapping_label = mapping_file.name
        if mapping_text:
            # Refuse a bad mapping now, naming its keys; read before the file is checked, as the API reads it.
            mapping = parse_mapping(mapping_text, source=mapping_label)
        limit = settings.WORLDCLASS_SURVEY_UPLOAD_MAX_BYTES
        if file.size == 0:
            raise _invalid("file", gettext_noop("The survey file is empty."))
        if file.size > limit:
            raise _invalid("file", TOO_LARGE, limit=limit)
        if save_mapping_as:
            with scopes_disabled():  # staff save mappings for any organization
                taken = SavedMapping.objects.filter(organization=save_mapping_for, name=save_mapping_as).exists()
            if taken:
                raise _invalid(
                    "save_mapping_as",
                    MAPPING_NAME_TAKEN,
                    organization=str(save_mapping_for),
                    name=save_mapping_as,
                )
        return _keep_upload(
            file=file,
            source_name=source_name,
            mapping_text=mapping_text,
            mapping_label=mapping_label,
            save_mapping_as=save_mapping_as,
            save_mapping_for=save_mapping_for,
            user=user,
            actor=actor,
        )
    except AppError as error:
        record_rejected_import(
            error=error,
            mapping=mapping,
            actor=actor,
            user=user,
            sha256=_uploaded_sha256(file),
            source_name=source_name,
        )
        raise


def _keep_upload(
    *,
    file,
    source_name: str,
    mapping_text: str,
    mapping_label: str,
    save_mapping_as: str,
    save_mapping_for: Organization | None,
    user,
    actor: str,
) -> SurveyUpload:
    """Write the checked file under a random name and record the upload awaiting confirmation."""
    limit = settings.WORLDCLASS_SURVEY_UPLOAD_MAX_BYTES
    folder = Path(settings.WORLDCLASS_SURVEY_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}.csv"
    written = 0
    try:
        with (folder / stored_name).open("xb") as handle:
            for block in file.chunks():
                written += len(block)
                if written > limit:  # the declared size may lie
                    raise _invalid("file", TOO_LARGE, limit=limit)
                handle.write(block)
        with transaction.atomic():
            upload = SurveyUpload.objects.create(
                source_name=source_name,
                stored_name=stored_name,
                size_bytes=written,
                mapping_text=mapping_text,
                mapping_label=mapping_label[:300],
                save_mapping_as=save_mapping_as,
                save_mapping_for=save_mapping_for if save_mapping_as else None,
                uploaded_by=user,
            )
            record_audit_event(
                actor=actor,
                user=user,
                action="surveys.upload_received",
                object_type="surveys.surveyupload",
                object_id=upload.pk,
                summary=f"Uploaded {upload.source_name} ({written:,} bytes) for import",
                counts={"bytes": written},
                details={"mapping": mapping_label},
            )
    except BaseException:
        (folder / stored_name).unlink(missing_ok=True)
        raise
    return upload


def _pending_upload(upload_id: int) -> SurveyUpload:
    upload = SurveyUpload.objects.select_for_update().filter(pk=upload_id).first()
    if upload is None:
        raise NotFound(f"There is no survey upload {upload_id}.")
    return upload


def _ensure_awaiting_confirmation(upload: SurveyUpload) -> None:
    if upload.status == SurveyUpload.Status.DISCARDED:
        params = {"name": upload.source_name}
        raise Conflict(
            fill_template(UPLOAD_DISCARDED, params), code="upload_discarded", template=UPLOAD_DISCARDED, params=params
        )
    if upload.status != SurveyUpload.Status.UPLOADED:
        with translation.override("en"):  # the label's msgid, which a page words again
            status = worded_phrase(str(SurveyUpload.Status(upload.status).label))
        params = {"name": upload.source_name, "status": status}
        raise Conflict(fill_template(ALREADY_STARTED, params), template=ALREADY_STARTED, params=params)


def confirm_survey_upload(*, upload_id: int, user, actor: str) -> SurveyUpload:
    """Staff confirm an uploaded file's import and queue it (once); its mapping is saved when the import succeeds."""
    with transaction.atomic(), scopes_disabled():  # staff save mappings for any organization
        upload = _pending_upload(upload_id)
        _ensure_awaiting_confirmation(upload)
        if upload.save_mapping_as and (
            SavedMapping.objects.filter(
                organization_id=upload.save_mapping_for_id, name=upload.save_mapping_as
            ).exists()
        ):
            # Taken since the upload was checked: said now, while staff can still discard and upload again.
            params = {"organization": str(upload.save_mapping_for), "name": upload.save_mapping_as}
            raise Conflict(fill_template(MAPPING_NAME_TAKEN, params), template=MAPPING_NAME_TAKEN, params=params)
        upload.status = SurveyUpload.Status.QUEUED
        upload.save(update_fields=["status"])
        record_audit_event(
            actor=actor,
            user=user,
            action="surveys.upload_confirmed",
            organization=upload.save_mapping_for,
            object_type="surveys.surveyupload",
            object_id=upload.pk,
            summary=f"Confirmed the import of {upload.source_name}"
            + (
                f"; its mapping to be saved as {upload.save_mapping_as!r} once imported"
                if upload.save_mapping_as
                else ""
            ),
        )
    cache.set(progress_key(upload.pk), {"rows": 0, "total": None}, PROGRESS_TIMEOUT_SECONDS)
    return upload


def discard_survey_upload(*, upload_id: int, user, actor: str) -> SurveyUpload:
    """Staff discard an upload instead of confirming it: its file is deleted and the upload kept as discarded,
    audited. Discarding it again changes nothing; an upload whose import was confirmed is no longer discarded."""
    with transaction.atomic():
        upload = _pending_upload(upload_id)
        if upload.status == SurveyUpload.Status.DISCARDED:
            return upload
        _ensure_awaiting_confirmation(upload)
        upload.status, upload.finished_at = SurveyUpload.Status.DISCARDED, timezone.now()
        upload.save(update_fields=["status", "finished_at"])
        record_audit_event(
            actor=actor,
            user=user,
            action="surveys.upload_discarded",
            object_type="surveys.surveyupload",
            object_id=upload.pk,
            summary=f"Discarded the upload of {upload.source_name} ({upload.size_bytes:,} bytes) without importing it",
            counts={"bytes": upload.size_bytes},
        )
        # Last: a file that cannot be deleted undoes the discarding, rather than leaving a file no upload points to.
        upload_path(upload).unlink(missing_ok=True)
    return upload


# How long an upload may wait for confirmation before the daily job discards it (its file is the customer's data).
UNCONFIRMED_UPLOAD_DAYS = 7


def discard_unconfirmed_survey_uploads(*, older_than: dt.timedelta, actor: str) -> int:
    """Discard every upload left awaiting confirmation for longer than `older_than` (its file is the customer's
    data, kept for nothing); returns how many were discarded."""
    waiting = SurveyUpload.objects.filter(
        status=SurveyUpload.Status.UPLOADED, uploaded_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)
    discarded = 0
    for upload_id in list(waiting):
        try:
            discard_survey_upload(upload_id=upload_id, user=None, actor=actor)
        except Conflict:
            continue  # confirmed in the meantime: its import deletes the file
        discarded += 1
    return discarded


def _save_upload_mapping(*, upload: SurveyUpload) -> bool:
    """Save an applied upload's mapping under the name asked, audited. False when the organization has a mapping of
    that name by then (another upload saved it after this one was confirmed): the import stands, and its page says
    the mapping was not saved. A refused import saves nothing, so its corrected file can ask for the same name."""
    try:
        with transaction.atomic(), scopes_disabled():  # staff save mappings for any organization
            saved = SavedMapping.objects.create(
                organization_id=upload.save_mapping_for_id,
                name=upload.save_mapping_as,
                text=upload.mapping_text,
                created_by=upload.uploaded_by,
            )
            record_audit_event(
                actor=_actor_of(upload),
                user=upload.uploaded_by,
                action="surveys.mapping_saved",
                organization=upload.save_mapping_for,
                object_type="surveys.savedmapping",
                object_id=saved.pk,
                summary=f"Saved the mapping of {upload.source_name} as {saved.name!r}",
                details={"upload": upload.pk, "mapping": upload.mapping_label},
            )
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        return False
    return True


def _actor_of(upload: SurveyUpload) -> str:
    return upload.uploaded_by.get_username() if upload.uploaded_by else "web upload"


def _count_rows(path: Path, *, source_name: str) -> int | None:
    """Lines after the header of a CSV file: the progress bar's denominator (a quoted field may span lines, so an
    estimate); None for a spreadsheet, whose rows are not lines."""
    if source_name.lower().endswith((".xlsx", ".xlsm")):
        return None
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(0, lines + (last != b"\n") - 1)


def run_survey_upload(*, upload_id: int) -> SurveyUpload:
    """Import a confirmed upload (the task's body): record the report or the refusal, then delete the file.

    A task delivered twice imports once: only a queued upload starts.
    """
    started = SurveyUpload.objects.filter(pk=upload_id, status=SurveyUpload.Status.QUEUED).update(
        status=SurveyUpload.Status.RUNNING
    )
    upload = SurveyUpload.objects.select_related("uploaded_by", "save_mapping_for").filter(pk=upload_id).first()
    if upload is None:
        raise NotFound(f"There is no survey upload {upload_id}.")
    if not started:
        return upload
    path = upload_path(upload)
    key = progress_key(upload.pk)
    try:
        try:
            total = _count_rows(path, source_name=upload.source_name)
        except OSError as error:
            raise AppError.worded(
                gettext_noop("The uploaded file is no longer on the server; nothing was imported. Upload it again."),
                code="upload_missing",
            ) from error
        cache.set(key, {"rows": 0, "total": total}, PROGRESS_TIMEOUT_SECONDS)
        mapping = parse_mapping(upload.mapping_text, source=upload.mapping_label) if upload.mapping_text else None
        report = import_surveys(
            path=path,
            mapping=mapping or SurveyMapping(),
            actor=_actor_of(upload),
            user=upload.uploaded_by,
            source_name=upload.source_name,
            on_rows_read=lambda rows: cache.set(key, {"rows": rows, "total": total}, PROGRESS_TIMEOUT_SECONDS),
        )
    except AppError as error:
        body = error.as_stored_dict()
        body["detail_count"] = len(body["details"])
        body["details"] = body["details"][:ERRORS_SHOWN]
        upload.status, upload.error = SurveyUpload.Status.FAILED, body
    except Exception:
        upload.status = SurveyUpload.Status.FAILED
        stopped = gettext_noop(
            "The import stopped on an unexpected error; nothing was imported. The log has the details."
        )
        upload.error = {
            "code": "internal_error",
            "message": stopped,
            "template": stopped,
            "params": {},
            "details": [],
            "detail_count": 0,
        }
        raise
    else:
        upload.status, upload.batch_id = SurveyUpload.Status.DONE, report.batch_id
        upload.report = {**report.as_dict(), "eligibility_lines": report.eligibility_lines()}
        if upload.save_mapping_as:
            upload.mapping_saved = _save_upload_mapping(upload=upload)
    finally:
        upload.finished_at = timezone.now()
        upload.save(update_fields=["status", "report", "error", "batch", "mapping_saved", "finished_at"])
        path.unlink(missing_ok=True)
        cache.delete(key)
    return upload
