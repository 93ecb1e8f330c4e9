from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "builder.replies"
    label = "replies"
    verbose_name = "Annotation replies"
