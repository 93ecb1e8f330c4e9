from django.apps import AppConfig


class AnnotationConfig(AppConfig):
    name = "builder.annotation"
    label = "annotation"
    verbose_name = "Annotation"
