"""Reactions to changes of accounts that Django makes itself (connected in AccountsConfig.ready)."""

from __future__ import annotations

from worldclass.accounts.domain import revoke_api_tokens


def revoke_tokens_when_the_password_changed(sender, instance, **kwargs) -> None:
    """post_save of User: a new password (set_password, a reset, the admin) revokes every API token."""
    # Django keeps the new raw password on the user until the save completes, after post_save.
    if getattr(instance, "_password", None) is not None:
        revoke_api_tokens(user=instance)
