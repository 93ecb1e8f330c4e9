from django.apps import AppConfig


class RunsConfig(AppConfig):
    name = "builder.runs"
    label = "runs"
    verbose_name = "Runs and traces"
