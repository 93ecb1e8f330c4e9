from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "builder.telemetry"
    label = "telemetry"
    verbose_name = "Telemetry export"
