from django.apps import AppConfig


class PlaygroundConfig(AppConfig):
    name = "builder.playground"
    label = "playground"
    verbose_name = "Playground"
