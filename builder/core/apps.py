from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "builder.core"
    label = "core"
    verbose_name = "Platform core"
