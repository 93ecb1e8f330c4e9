from django.contrib import admin

from builder.knowledge.models import Document, KnowledgeBase


@admin.register(KnowledgeBase)
class KnowledgeBaseAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "workspace", "embedding_model", "embedding_dimensions", "created_at")
    search_fields = ("name",)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "knowledge_base", "file_type", "state", "chunk_count", "chunks_done", "created_at")
    list_filter = ("state", "file_type")
    readonly_fields = ("storage_key", "sha256", "revision")
