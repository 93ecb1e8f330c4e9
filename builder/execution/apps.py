from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "builder.execution"
    label = "execution"
    verbose_name = "Execution"
