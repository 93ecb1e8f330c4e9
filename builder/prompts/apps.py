from django.apps import AppConfig


class PromptsConfig(AppConfig):
    name = "builder.prompts"
    label = "prompts"
    verbose_name = "Prompt library"
