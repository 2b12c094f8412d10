"""Data-driven labels in the active language: a model's `<field>_fr` when French is active and it is set."""

from django.utils.translation import get_language


def in_active_language(obj, field: str = "name") -> str:
    french = getattr(obj, f"{field}_fr", "")
    if french and (get_language() or "").startswith("fr"):
        return french
    return getattr(obj, field)
