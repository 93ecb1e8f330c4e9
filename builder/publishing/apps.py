from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "builder.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from builder.flows.selectors import apps_annotation_register
        from builder.publishing.selectors import apps_with_live_state

        # every list and detail of apps says what of each app is live, in the same query
        apps_annotation_register(apps_with_live_state)
