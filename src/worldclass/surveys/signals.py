"""Events surveys announce to the apps above it, which may not be imported from here (the layers forbid it)."""

from django.dispatch import Signal

surveys_importing = Signal()
"""An import is about to read its file: sent with `scale=(min, max)`, the file's rating scale. A receiver may return
a tally: an object whose `add(frame)` is called with each chunk of the file's valid rows, a Polars frame of the
import's stage columns (codes, not ids; `call_month`, `delay_seconds`, `business_days`, the answers and flags), in
the import's transaction, while the file is read, and whose `close()` is called once the import is done with it (it
may free files then). Every valid row does not always become a survey (a survey already loaded, a row repeating
another): the tallies are handed back in `surveys_recorded` only when each one did."""

surveys_recorded = Signal()
"""New customers' answers were stored: sent with `survey=` (one live survey) or `import_batch_id=` (an import) and
`survey_pks=(first, last)`, an inclusive id range holding all of the batch's surveys (and maybe others'). An import
also sends `tallies=`, the tallies of `surveys_importing` if they counted exactly the batch's surveys, else none,
and `roster=`, the `directory.domain.RosterIds` of the codes its rows name.

Sent with `send`, never `send_robust`, inside the transaction that stored the surveys: receivers run synchronously,
their writes commit or roll back with the surveys, and a receiver's error undoes the whole recording. For an import,
a receiver may return a list of dicts describing the batch (certification returns each survey window's eligible
count); the import report lists them as `eligibility`.
"""
