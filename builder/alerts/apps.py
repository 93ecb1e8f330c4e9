from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "builder.alerts"
    label = "alerts"
    verbose_name = "Alerts"
