from django.apps import AppConfig


class FinetuneConfig(AppConfig):
    name = "builder.finetune"
    label = "finetune"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from builder.finetune import executor  # noqa: F401 - registers the job kind
