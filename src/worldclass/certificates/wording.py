"""The words a certificate prints for its level: in English on the PDF and in the trophy orders' CSV and API; a page
shows them in its reader's language (they are marked for translation)."""

from worldclass.core.i18n import gettext_noop

LEVEL_WORDING = {
    "csr": gettext_noop("World Class Customer Service Representative"),
    "supervisor": gettext_noop("World Class Supervisor"),
    "site": gettext_noop("World Class Contact Center"),
    "organization": gettext_noop("World Class Organization"),
}
