from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "builder.health"
    label = "health"
    verbose_name = "Health"

    def ready(self) -> None:
        from builder.health import worker  # noqa: F401 - connects the Celery worker signals
