from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "builder.providers"
    label = "providers"
    verbose_name = "Model providers"
