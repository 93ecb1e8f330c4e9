from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "builder.studio"
    label = "studio"
    verbose_name = "Studio"
