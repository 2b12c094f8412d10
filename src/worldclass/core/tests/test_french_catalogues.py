"""Every French catalogue is complete: no message is untranslated or fuzzy, and each compiled .mo is current."""

from __future__ import annotations

import ast
import gettext
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command

SRC = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(SRC.glob("*/locale/fr/LC_MESSAGES/django.po"))


@dataclass
class Entry:
    msgid: str = ""
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0


def _entry(block: list[tuple[int, str]]) -> Entry | None:
    """One blank-line-separated block of a .po file as an entry; None for an obsolete (`#~`) block."""
    entry = Entry()
    target = None
    for number, line in block:
        if line.startswith("#~"):
            return None
        if line.startswith("#,"):
            entry.fuzzy = "fuzzy" in line
        elif line.startswith("msgid "):
            entry.line, target = number, "msgid"
            entry.msgid = ast.literal_eval(line[len("msgid ") :])
        elif line.startswith("msgid_plural "):
            target = "plural"
        elif line.startswith("msgstr"):
            entry.translations.append(ast.literal_eval(line.split(" ", 1)[1]))
            target = "msgstr"
        elif line.startswith('"') and target == "msgid":
            entry.msgid += ast.literal_eval(line)
        elif line.startswith('"') and target == "msgstr":
            entry.translations[-1] += ast.literal_eval(line)
    return entry if entry.line else None


def _entries(path: Path) -> list[Entry]:
    """The catalogue's live entries except the header, with their flags and translations."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.strip():
            blocks[-1].append((number, raw.strip()))
        else:
            blocks.append([])
    entries = [_entry(block) for block in blocks if block]
    return [entry for entry in entries if entry is not None and entry.msgid]


def test_every_app_with_translatable_text_has_a_french_catalogue():
    assert len(CATALOGUES) >= 7


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_no_french_message_is_untranslated_or_fuzzy(path):
    problems = [
        f"{path.relative_to(SRC)}:{entry.line} {'fuzzy' if entry.fuzzy else 'untranslated'}: {entry.msgid!r}"
        for entry in _entries(path)
        if entry.fuzzy or not all(entry.translations)
    ]
    assert problems == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_the_compiled_catalogue_holds_every_translation_of_its_source(path):
    """The .mo is what Django reads: it must say what the .po says (run compilemessages after editing a .po)."""
    with path.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    stale = []
    for entry in _entries(path):
        key = entry.msgid if len(entry.translations) == 1 else (entry.msgid, 0)
        context_keys = [k for k in catalog if isinstance(k, str) and k.endswith("\x04" + entry.msgid)]
        if catalog.get(key) != entry.translations[0] and not context_keys:
            stale.append(entry.msgid)
    assert stale == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="gettext's xgettext is missing (scripts/test installs it as root)"
)
def test_every_translatable_text_of_the_app_is_in_its_catalogue(path, tmp_path, monkeypatch, settings):
    """A text marked for translation in the app's code or templates but missing from its catalogue shows in English
    on a French page: gettext's own extraction (makemessages, on a copy of the app) finds none untranslated."""
    # makemessages would create the project-wide locale folder in the source tree.
    settings.LOCALE_PATHS = []
    app = path.parents[3]
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0)
    extracted = _entries(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert [entry.msgid for entry in extracted if entry.fuzzy or not all(entry.translations)] == []
