"""Every choice label of every worldclass model field has a French translation (levels, statuses, channels...)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise


def _choice_labels() -> list[tuple[str, str, str]]:
    """(model.field, value, English label) for every choice of every worldclass model field."""
    labels = []
    for model in apps.get_models():
        if not model.__module__.startswith("worldclass."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                with translation.override("en"):
                    english = str(label)
                labels.append((f"{model._meta.label}.{field.name}", str(value), english))
    return labels


LABELS = _choice_labels()


def test_worldclass_models_have_choice_labels_to_translate():
    assert len(LABELS) > 20


@pytest.mark.parametrize(("field", "value", "english"), LABELS, ids=[f"{f}={v}" for f, v, _e in LABELS])
def test_every_choice_label_has_a_french_translation(field, value, english):
    model_label, field_name = field.rsplit(".", 1)
    choices = dict(apps.get_model(model_label)._meta.get_field(field_name).flatchoices)
    label = choices[_value(choices, value)]
    with translation.override("fr"):
        french = str(label)
        # A word written alike in both languages ("Site", "Web", "SMS") is translated when the catalogue has it.
        catalogued = _msgid(label) in translation.trans_real.translation("fr")._catalog
    # The label must be lazy: a plain string is never translated, whatever the catalogue holds.
    assert (isinstance(label, Promise) and (french != english or catalogued)) is True, (
        f"{field}: {english!r} is not translated"
    )


def _msgid(label) -> str:
    """The catalogue key of a lazy label: its msgid, prefixed by its context for pgettext_lazy."""
    args = getattr(label, "_args", ())
    return f"{args[0]}\x04{args[1]}" if len(args) == 2 else str(args[0] if args else label)


def _value(choices: dict, value: str):
    """The choice's own key (an int or a str) for its string form."""
    return next(key for key in choices if str(key) == value)
