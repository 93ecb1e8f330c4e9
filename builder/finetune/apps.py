from django.apps import AppConfig


class FinetuneConfig(AppConfig):
    name = "builder.finetune"
    label = "finetune"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import builder.finetune.merging  # noqa: F401 - registers the merge job kind
        from builder.finetune import executor  # noqa: F401 - registers the job kind
