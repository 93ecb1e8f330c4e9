from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "builder.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
