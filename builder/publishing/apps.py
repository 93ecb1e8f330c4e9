from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "builder.publishing"
    label = "publishing"
    verbose_name = "Publishing"
