import os

from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "builder.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge bases"

    def ready(self) -> None:
        # registers the "knowledge.ingest" job kind and the worker start-up recovery
        from builder.knowledge import ingestion, recovery  # noqa: F401

        if os.environ.get("LLMOPS_WARM_EMBEDDINGS") == "1":
            from builder.knowledge.embedders import warm_local_embedder_in_background

            warm_local_embedder_in_background()
