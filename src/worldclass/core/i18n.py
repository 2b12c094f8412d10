"""Data-driven labels in the active language: a model's `<field>_fr` when French is active and it is set."""

from django.utils.translation import get_language


def in_active_language(obj, field: str = "name") -> str:
    """`obj.<field>_fr` in French when set, else `obj.<field>`; a dict (signed facts) is read by key."""
    read = obj.get if isinstance(obj, dict) else lambda name, default=None: getattr(obj, name, default)
    french = read(f"{field}_fr", "")
    if french and (get_language() or "").startswith("fr"):
        return french
    return read(field, "")
