"""The operations pages' permissions, named for the navigation; the predicates are the ones the views call.

Registered from OperationsConfig.ready (django-rules autodiscovers only `rules` modules)."""

import rules

from worldclass.operations import access

rules.add_perm("operations.view_reports", rules.predicate(access.can_see_operations, name="can_see_operations"))
rules.add_perm("operations.interview", rules.predicate(access.can_interview, name="can_interview"))
rules.add_perm(
    "operations.review_interviews", rules.predicate(access.can_review_interviews, name="can_review_interviews")
)
