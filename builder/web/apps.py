from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "builder.web"
    label = "web"
    verbose_name = "Web pages"
