"""Events surveys announce to the apps above it, which may not be imported from here (the layers forbid it)."""

from django.dispatch import Signal

surveys_recorded = Signal()
"""New customers' answers were stored: sent with `survey=` (one live survey) or `import_batch_id=` (an import) and
`survey_pks=(first, last)`, an inclusive id range holding all of the batch's surveys (and maybe others').

Sent with `send`, never `send_robust`, inside the transaction that stored the surveys: receivers run synchronously,
their writes commit or roll back with the surveys, and a receiver's error undoes the whole recording. For an import,
a receiver may return a list of dicts describing the batch (certification returns each survey window's eligible
count); the import report lists them as `eligibility`.
"""
