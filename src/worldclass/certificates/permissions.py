"""The certificate pages' permissions, named for the navigation; the predicates are the ones the views call.

Registered from CertificatesConfig.ready (django-rules autodiscovers only `rules` modules)."""

import rules

from worldclass.accounts.rules import is_certifier_staff
from worldclass.certificates import queries

rules.add_perm("certificates.view_list", rules.predicate(queries.has_certificate_access, name="has_certificate_access"))
rules.add_perm("certificates.manage", is_certifier_staff)
