from django.apps import AppConfig
from django.conf import settings


class KnowledgeConfig(AppConfig):
    name = "builder.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge bases"

    def ready(self) -> None:
        # registers the "knowledge.ingest" job kind (resumable: builder.jobs takes it up after a crash)
        from builder.execution.retrievers import retriever_provider_register
        from builder.health.checks import database_detail_register
        from builder.knowledge import ingestion  # noqa: F401
        from builder.knowledge.capabilities import search_capabilities
        from builder.knowledge.retriever import KnowledgeBaseRetriever

        # retrieval nodes of every run read this workspace's knowledge bases
        retriever_provider_register(lambda workspace_id: KnowledgeBaseRetriever(workspace_id=workspace_id))
        # /healthz says which search paths the database gives
        database_detail_register("search", lambda: search_capabilities().as_dict())
        if settings.LLMOPS_WARM_EMBEDDINGS:
            from builder.knowledge.embedders import warm_local_embedder_in_background

            warm_local_embedder_in_background()
