from django.apps import AppConfig
from django.conf import settings


class ExecutionConfig(AppConfig):
    name = "builder.execution"
    label = "execution"
    verbose_name = "Execution"

    def ready(self) -> None:
        from runtime.templates import TemplateLimits, configure_default_limits

        configure_default_limits(
            TemplateLimits(
                max_output_chars=settings.LLMOPS_TEMPLATE_MAX_OUTPUT_CHARS,
                max_work_chars=settings.LLMOPS_TEMPLATE_MAX_WORK_CHARS,
            )
        )
