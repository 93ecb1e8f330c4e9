from django.urls import path

from builder.knowledge import apis

KB = "workspaces/<int:workspace_id>/knowledge-bases/"
ONE = KB + "<int:kb_id>/"
DOC = ONE + "documents/<int:document_id>/"

urlpatterns = [
    path(KB, apis.KnowledgeBaseListApi.as_view(), name="knowledge-base-list"),
    path(KB + "import/", apis.KnowledgeBaseImportApi.as_view(), name="knowledge-base-import"),
    path(ONE, apis.KnowledgeBaseDetailApi.as_view(), name="knowledge-base-detail"),
    path(ONE + "reindex/", apis.KnowledgeBaseReindexApi.as_view(), name="knowledge-base-reindex"),
    path(ONE + "search/", apis.SearchApi.as_view(), name="knowledge-base-search"),
    path(ONE + "search-paths/", apis.SearchPathsApi.as_view(), name="knowledge-base-search-paths"),
    path(ONE + "export/", apis.KnowledgeBaseExportApi.as_view(), name="knowledge-base-export"),
    path(ONE + "import/", apis.KnowledgeBaseImportIntoApi.as_view(), name="knowledge-base-import-into"),
    path(ONE + "documents/", apis.DocumentListApi.as_view(), name="knowledge-document-list"),
    path(DOC, apis.DocumentDetailApi.as_view(), name="knowledge-document-detail"),
    path(DOC + "retry/", apis.DocumentRetryApi.as_view(), name="knowledge-document-retry"),
    path(DOC + "chunks/", apis.DocumentChunksApi.as_view(), name="knowledge-document-chunks"),
    path(DOC + "preview/", apis.DocumentPreviewApi.as_view(), name="knowledge-document-preview"),
]
