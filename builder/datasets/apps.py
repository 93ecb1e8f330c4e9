from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "builder.datasets"
    label = "datasets"
    verbose_name = "Datasets"
