from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "builder.experiments"
    label = "experiments"
    verbose_name = "Experiments"

    def ready(self) -> None:
        from builder.experiments import executor  # noqa: F401 - registers the experiment job kind
