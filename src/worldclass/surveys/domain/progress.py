"""Where an upload's import reports its progress (Django's cache). A module of its own so that the pages' reads
(surveys.queries, imported by `worldclass certify`) do not load the importer and its libraries."""

from __future__ import annotations


def progress_key(upload_id: int) -> str:
    return f"surveys.upload.{upload_id}.progress"
