from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "worldclass.accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # Imported here, not at module level: app modules that touch models may load only once the registry is ready.
        from worldclass.accounts.tenancy import organization_ids_for
        from worldclass.core.tenancy import register_organization_resolver

        register_organization_resolver(organization_ids_for)
