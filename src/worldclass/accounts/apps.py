from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "worldclass.accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # Imported here, not at module level: app modules that touch models may load only once the registry is ready.
        from django.contrib import admin
        from django.db.models.signals import post_save

        # The app's own modules import its models, so they too wait for ready().
        from worldclass.accounts.models import User
        from worldclass.accounts.receivers import revoke_tokens_when_the_password_changed
        from worldclass.accounts.tenancy import organization_ids_for
        from worldclass.accounts.views import admin_login
        from worldclass.core.tenancy import register_organization_resolver

        register_organization_resolver(organization_ids_for)
        post_save.connect(revoke_tokens_when_the_password_changed, sender=User, dispatch_uid="accounts-revoke-tokens")
        # The admin's own login form would skip the second factor: it sends to the site's login page instead.
        admin.site.login = admin_login
