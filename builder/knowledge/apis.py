"""Thin API views of knowledge bases: CRUD, uploads, documents, chunks, preview, search, archives.
Builders write; every member reads (and may run retrieval tests)."""

from __future__ import annotations

import time

from django.http import FileResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.errors import InvalidInput
from builder.core.pagination import paginated_response
from builder.knowledge import archive, selectors, services
from builder.knowledge.embedders import embedder_for
from builder.knowledge.models import EmbeddingProvider
from builder.knowledge.search import SearchFilters, knowledge_search, search_paths
from builder.knowledge.search_settings import SEARCH_MODES

WRITE = {"POST": "build", "PATCH": "build", "DELETE": "build"}


class EmbeddingOutput(serializers.Serializer):
    provider = serializers.CharField(source="embedding_provider")
    model = serializers.CharField(source="embedding_model")
    dimensions = serializers.IntegerField(source="embedding_dimensions")
    base_url = serializers.CharField(source="embedding_base_url")


class KnowledgeBaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    embedding = EmbeddingOutput(source="*")
    chunking = serializers.JSONField()
    search_defaults = serializers.JSONField()
    document_count = serializers.IntegerField(default=0)
    indexed_count = serializers.IntegerField(default=0)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class JobRef(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class DocumentOutput(serializers.Serializer):
    class ErrorOutput(serializers.Serializer):
        code = serializers.CharField(source="error_code")
        message = serializers.CharField(source="error_message")

    id = serializers.IntegerField()
    knowledge_base_id = serializers.IntegerField()
    name = serializers.CharField()
    file_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    state = serializers.CharField()
    error = serializers.SerializerMethodField()
    chunk_count = serializers.IntegerField()
    chunks_done = serializers.IntegerField()
    metadata = serializers.JSONField()
    created_at = serializers.DateTimeField()
    indexed_at = serializers.DateTimeField(allow_null=True)

    def get_error(self, document) -> dict | None:
        return self.ErrorOutput(document).data if document.error_code else None


class KnowledgeBaseListApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    class KnowledgeBaseCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        embedding_provider = serializers.ChoiceField(EmbeddingProvider.choices, default=EmbeddingProvider.LOCAL)
        embedding_model = serializers.CharField(required=False, allow_blank=True, default="")
        embedding_dimensions = serializers.IntegerField(required=False, allow_null=True, default=None)
        # checked by the service against the address policy (url_not_allowed naming the field)
        embedding_base_url = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        chunking = serializers.DictField(required=False, default=dict)
        search_defaults = serializers.DictField(required=False, default=dict)

    @extend_schema(responses=KnowledgeBaseOutput(many=True))
    def get(self, request, workspace_id: int):
        knowledge_bases = selectors.knowledge_bases_of(workspace=self.workspace)
        return paginated_response(self, request, knowledge_bases, KnowledgeBaseOutput)

    @extend_schema(request=KnowledgeBaseCreateInput, responses={201: KnowledgeBaseOutput})
    def post(self, request, workspace_id: int):
        data = self.KnowledgeBaseCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        kb = services.knowledge_base_create(workspace=self.workspace, created_by=request.user, **data.validated_data)
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb.pk)
        return Response(KnowledgeBaseOutput(kb).data, status=status.HTTP_201_CREATED)


class KnowledgeBaseDetailApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    class KnowledgeBaseUpdateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120, required=False)
        description = serializers.CharField(required=False, allow_blank=True)
        embedding_base_url = serializers.CharField(max_length=200, required=False, allow_blank=True)
        chunking = serializers.DictField(required=False)
        search_defaults = serializers.DictField(required=False)

    @extend_schema(responses=KnowledgeBaseOutput)
    def get(self, request, workspace_id: int, kb_id: int):
        return Response(KnowledgeBaseOutput(selectors.knowledge_base_get(workspace=self.workspace,
                                                                         knowledge_base_id=kb_id)).data)

    @extend_schema(request=KnowledgeBaseUpdateInput, responses=KnowledgeBaseOutput)
    def patch(self, request, workspace_id: int, kb_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        data = self.KnowledgeBaseUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.knowledge_base_update(knowledge_base=kb, created_by=request.user, **data.validated_data)
        return Response(KnowledgeBaseOutput(selectors.knowledge_base_get(workspace=self.workspace,
                                                                         knowledge_base_id=kb_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, kb_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        services.knowledge_base_delete(knowledge_base=kb)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KnowledgeBaseReindexApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    @extend_schema(request=None, responses={202: JobRef})
    def post(self, request, workspace_id: int, kb_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        job = services.knowledge_base_reindex(knowledge_base=kb, created_by=request.user)
        return Response({"job": JobRef(job).data if job else None}, status=status.HTTP_202_ACCEPTED)


class SearchPathsApi(WorkspaceScoped, APIView):
    """How this knowledge base's searches run on this database (settings page)."""

    class PathsOutput(serializers.Serializer):
        chunks = serializers.IntegerField()
        server = serializers.CharField()
        pgvector = serializers.CharField()
        halfvec = serializers.BooleanField()
        iterative_scan = serializers.BooleanField()
        index_kind = serializers.CharField()
        paths = serializers.DictField(child=serializers.CharField())

    @extend_schema(responses=PathsOutput)
    def get(self, request, workspace_id: int, kb_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        return Response(self.PathsOutput(search_paths(kb)).data)


class DocumentListApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    class UploadOutput(serializers.Serializer):
        documents = DocumentOutput(many=True)
        job = JobRef()

    @extend_schema(responses=DocumentOutput(many=True))
    def get(self, request, workspace_id: int, kb_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        return paginated_response(self, request, selectors.documents_of(knowledge_base=kb), DocumentOutput)

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
        responses={202: UploadOutput},
    )
    def post(self, request, workspace_id: int, kb_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        # refuse an oversized upload before its body is read
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        services.upload_limits_check(file_count=0, total_bytes=max(0, length - 64 * 1024) or None)
        files = request.FILES.getlist("files") or request.FILES.getlist("file")
        documents, job = services.documents_upload(knowledge_base=kb, files=files, created_by=request.user)
        return Response(self.UploadOutput({"documents": documents, "job": job}).data,
                        status=status.HTTP_202_ACCEPTED)


class DocumentDetailApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    @extend_schema(responses=DocumentOutput)
    def get(self, request, workspace_id: int, kb_id: int, document_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        return Response(DocumentOutput(selectors.document_get(knowledge_base=kb, document_id=document_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, kb_id: int, document_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        services.document_delete(document=selectors.document_get(knowledge_base=kb, document_id=document_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentRetryApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    @extend_schema(request=None, responses={202: DocumentOutput})
    def post(self, request, workspace_id: int, kb_id: int, document_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        document = selectors.document_get(knowledge_base=kb, document_id=document_id)
        services.document_retry(document=document, created_by=request.user)
        document.refresh_from_db()
        return Response(DocumentOutput(document).data, status=status.HTTP_202_ACCEPTED)


class ChunkOutput(serializers.Serializer):
    position = serializers.IntegerField()
    role = serializers.CharField()
    parent_position = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()
    page = serializers.IntegerField(allow_null=True)
    heading = serializers.CharField()


class DocumentChunksApi(WorkspaceScoped, APIView):
    @extend_schema(responses=ChunkOutput(many=True))
    def get(self, request, workspace_id: int, kb_id: int, document_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        document = selectors.document_get(knowledge_base=kb, document_id=document_id)
        return paginated_response(self, request, selectors.chunks_of(document=document), ChunkOutput)


class DocumentPreviewApi(WorkspaceScoped, APIView):
    """The chunks a document gives with some chunking settings, before (re-)indexing. Reads only."""

    class PreviewInput(serializers.Serializer):
        chunking = serializers.DictField(required=False, default=dict)

    class PreviewOutput(serializers.Serializer):
        chunking = serializers.JSONField()
        chunks = ChunkOutput(many=True)

    @extend_schema(request=PreviewInput, responses=PreviewOutput)
    def post(self, request, workspace_id: int, kb_id: int, document_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        document = selectors.document_get(knowledge_base=kb, document_id=document_id)
        data = self.PreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        preview = services.document_preview(document=document, chunking=data.validated_data["chunking"] or None)
        return Response(self.PreviewOutput({"chunking": preview.settings.model_dump(), "chunks": preview.chunks}).data)


class SearchApi(WorkspaceScoped, APIView):
    """Retrieval test: one query in one or several modes (side by side). Every member may run it."""

    class FiltersInput(serializers.Serializer):
        document_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
        file_types = serializers.ListField(child=serializers.CharField(), required=False)
        heading = serializers.CharField(required=False, allow_blank=True)
        page_from = serializers.IntegerField(required=False, min_value=1)
        page_to = serializers.IntegerField(required=False, min_value=1)
        metadata = serializers.DictField(required=False)

    class SearchInput(serializers.Serializer):
        query = serializers.CharField(max_length=2000)
        modes = serializers.ListField(child=serializers.ChoiceField(SEARCH_MODES), required=False, min_length=1)
        mode = serializers.ChoiceField(SEARCH_MODES, required=False)
        top_k = serializers.IntegerField(required=False, min_value=1, max_value=100)
        score_threshold = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
        filters = serializers.DictField(required=False, default=dict)

    class HitOutput(serializers.Serializer):
        chunk_id = serializers.IntegerField()
        document_id = serializers.IntegerField()
        document_name = serializers.CharField()
        text = serializers.CharField()
        matched_text = serializers.CharField()
        score = serializers.FloatField()
        page = serializers.IntegerField(allow_null=True)
        heading = serializers.CharField()
        position = serializers.IntegerField()
        ranks = serializers.DictField(child=serializers.IntegerField())
        highlights = serializers.ListField(child=serializers.CharField())

    class ModeResult(serializers.Serializer):
        mode = serializers.CharField()
        took_ms = serializers.FloatField()
        hits = serializers.ListField(child=serializers.DictField())

    @extend_schema(request=SearchInput, responses={200: ModeResult(many=True)})
    def post(self, request, workspace_id: int, kb_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        data = self.SearchInput(data=request.data)
        data.is_valid(raise_exception=True)
        given, defaults = data.validated_data, kb.search_settings
        filters = self.FiltersInput(data=given["filters"])
        if not filters.is_valid():
            raise InvalidInput("The search filters are invalid.", details={"filters": filters.errors})
        modes = given.get("modes") or [given.get("mode") or defaults.mode]
        top_k = given.get("top_k") or defaults.top_k
        threshold = given["score_threshold"] if "score_threshold" in given else defaults.score_threshold
        started = time.perf_counter()
        vector = embedder_for(kb)([given["query"]])[0] if {"vector", "hybrid"} & set(modes) else None
        embed_ms = (time.perf_counter() - started) * 1000
        results = []
        for mode in modes:
            started = time.perf_counter()
            hits = knowledge_search(knowledge_base=kb, query=given["query"], mode=mode, top_k=top_k,
                                    score_threshold=threshold, filters=SearchFilters(**filters.validated_data),
                                    query_vector=vector)
            took = (time.perf_counter() - started) * 1000
            results.append({"mode": mode, "took_ms": round(took, 2),
                            "hits": self.HitOutput(hits, many=True).data})
        return Response({"query": given["query"], "top_k": top_k, "score_threshold": threshold,
                         "embedding_ms": round(embed_ms, 2), "results": results})


class KnowledgeBaseExportApi(WorkspaceScoped, APIView):
    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request, workspace_id: int, kb_id: int):
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id)
        return FileResponse(archive.knowledge_base_export(knowledge_base=kb), as_attachment=True,
                            filename=archive.archive_filename(kb),
                            content_type="application/zip")


class KnowledgeBaseImportApi(WorkspaceScoped, APIView):
    """Import an exported archive as a new knowledge base, or into an existing one (``kb_id``)."""

    capabilities = WRITE
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "archive": {"type": "string", "format": "binary"}, "name": {"type": "string"}}}},
        responses={201: KnowledgeBaseOutput},
    )
    def post(self, request, workspace_id: int, kb_id: int | None = None):
        target = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb_id) if kb_id else None
        upload = request.FILES.get("archive")
        if upload is None:
            raise InvalidInput("Attach the archive file as 'archive'.", code="no_files")
        kb = archive.knowledge_base_import(workspace=self.workspace, source=upload, into=target,
                                           name=request.data.get("name") or None, created_by=request.user)
        kb = selectors.knowledge_base_get(workspace=self.workspace, knowledge_base_id=kb.pk)
        return Response(KnowledgeBaseOutput(kb).data, status=status.HTTP_201_CREATED)


@extend_schema_view(post=extend_schema(operation_id="workspaces_knowledge_bases_import_into_create"))
class KnowledgeBaseImportIntoApi(KnowledgeBaseImportApi):
    """The same import, into the existing knowledge base ``kb_id`` (its own operation in the schema)."""
