"""The certificate pages' permissions, named for the navigation; the predicates are the ones the views call.

Registered from CertificatesConfig.ready (django-rules autodiscovers only `rules` modules)."""

import rules

from worldclass.certificates import queries

rules.add_perm("certificates.view_list", rules.predicate(queries.has_certificate_access, name="has_certificate_access"))
rules.add_perm("certificates.manage", rules.predicate(queries.is_certifier_staff, name="is_certifier_staff"))
