from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "builder.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from builder.jobs import recovery  # noqa: F401 - the worker start-up recovery
