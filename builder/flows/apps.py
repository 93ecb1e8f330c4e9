from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "builder.flows"
    label = "flows"
    verbose_name = "Apps (node graphs)"
