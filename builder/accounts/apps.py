from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "builder.accounts"
    label = "accounts"
    verbose_name = "Accounts and workspaces"

    def ready(self) -> None:
        from builder.accounts import schema  # noqa: F401 - registers the OpenAPI auth scheme
