"""Thin API views of adapters: download a finished job's adapter or merged model (zips streamed as
they are written), upload an adapter trained elsewhere, merge an adapter into its base model.
Every member who sees the builder downloads; builders and owners upload and merge."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.errors import InvalidInput
from builder.finetune import adapters, selectors
from builder.finetune.apis import FineTuneJobOutput
from runtime.finetune.adapters import zip_stream

WRITE = {"POST": "build"}


class ZipStreamResponse(StreamingHttpResponse):
    """A zip sent as it is written. Under ASGI each piece is made in a worker thread (Django would
    read a plain iterator whole into memory before sending it); under WSGI it is iterated as is."""

    def __init__(self, pieces: Iterator[bytes], *, filename: str) -> None:
        super().__init__(pieces, content_type="application/zip")
        self["Content-Disposition"] = content_disposition_header(True, filename)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        pieces = iter(self.streaming_content)
        step = sync_to_async(next, thread_sensitive=False)
        while (piece := await step(pieces, None)) is not None:
            yield piece


class AdapterDownloadApi(WorkspaceScoped, APIView):
    """The job's adapter as ``<base>+<name>.zip``: ``adapter_config.json``,
    ``adapter_model.safetensors`` and the platform's manifest; 409 ``finetune_not_ready`` until the
    job has succeeded."""

    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request, workspace_id: int, job_id: int):
        job = selectors.finetune_job_get(workspace=self.workspace, job_id=job_id)
        return ZipStreamResponse(zip_stream(adapters.adapter_files(job)), filename=adapters.archive_name(job))


class MergedDownloadApi(WorkspaceScoped, APIView):
    """The merged model folder as ``<base>+<name>-merged.zip``; 409 ``finetune_not_merged`` until
    a merge is done."""

    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request, workspace_id: int, job_id: int):
        job = selectors.finetune_job_get(workspace=self.workspace, job_id=job_id)
        return ZipStreamResponse(zip_stream(adapters.merged_files(job)),
                                 filename=adapters.archive_name(job, merged=True))


class AdapterUploadInput(serializers.Serializer):
    name = serializers.SlugField(max_length=60, help_text="The tuned model is served as base_model+name.")
    base_model = serializers.CharField(max_length=200)
    file = serializers.FileField(help_text="A zip of adapter_config.json and adapter_model.safetensors.")


class AdapterUploadApi(WorkspaceScoped, APIView):
    """POST multipart ``name``, ``base_model``, ``file`` (a zip of an adapter trained elsewhere):
    checked, stored as a succeeded job with ``source`` "uploaded" and served as ``base+name``.
    400 ``adapter_invalid`` with ``details.field`` (and ``details.entry``, the archive entry at
    fault); 400 ``finetune_name_taken``."""

    capabilities = WRITE
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": AdapterUploadInput}, responses={201: FineTuneJobOutput})
    def post(self, request, workspace_id: int):
        data = AdapterUploadInput(data=request.data)
        if not data.is_valid():
            field, problems = next(iter(data.errors.items()))
            raise InvalidInput(f"{field}: {' '.join(str(p) for p in problems)}", code="adapter_invalid",
                               details={"field": field, "errors": data.errors})
        body = data.validated_data
        job = adapters.adapter_upload(workspace=self.workspace, user=request.user, name=body["name"],
                                      base_model=body["base_model"], upload=body["file"])
        job = selectors.finetune_job_get(workspace=self.workspace, job_id=job.pk)
        return Response(FineTuneJobOutput(job).data, status=status.HTTP_201_CREATED)


class MergeApi(WorkspaceScoped, APIView):
    """Merge the job's adapter into its base model (a job on the fine-tuning queue): 202 with the
    job, ``merge_status`` "queued". 400 ``finetune_not_mergeable`` (only LoRA and IA3 merge);
    409 ``finetune_not_ready`` / ``finetune_merge_running`` / ``finetune_already_merged``."""

    capabilities = WRITE

    @extend_schema(request=None, responses={202: FineTuneJobOutput})
    def post(self, request, workspace_id: int, job_id: int):
        job = selectors.finetune_job_get(workspace=self.workspace, job_id=job_id)
        adapters.merge_start(job=job, user=request.user)
        job = selectors.finetune_job_get(workspace=self.workspace, job_id=job.pk)
        return Response(FineTuneJobOutput(job).data, status=status.HTTP_202_ACCEPTED)
