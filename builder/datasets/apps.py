from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "builder.datasets"
    label = "datasets"
    verbose_name = "Datasets"

    def ready(self) -> None:
        from builder.datasets import filling  # noqa: F401 - registers the "dataset.fill" job kind
