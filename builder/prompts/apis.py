"""Thin API views of the prompt library: prompts, their versions, labels (move, delete, roll back,
audit), diffs, references, YAML export and import. Every member reads; builders write."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.core.errors import InvalidInput
from builder.core.pagination import paginated_response
from builder.core.parsers import CheckedJSONParser
from builder.prompts import selectors, services
from builder.prompts.content import VersionContent
from builder.prompts.diff import version_diff
from builder.prompts.interchange import MAX_FILE_BYTES, prompt_export, prompt_import

WRITE = {"POST": "build", "PATCH": "build", "PUT": "build", "DELETE": "build"}


class PromptAuthorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class PromptVersionRowOutput(serializers.Serializer):
    """A version in a list: who made it, when, why, on which model, and its labels."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    commit_message = serializers.CharField()
    model = serializers.JSONField()
    created_by = PromptAuthorOutput(allow_null=True)
    created_at = serializers.DateTimeField()
    labels = serializers.SerializerMethodField()

    def get_labels(self, version) -> list[str]:
        return sorted(label.name for label in version.labels.all())


class PromptVersionOutput(PromptVersionRowOutput):
    """A whole version: with its messages and declared variables."""

    messages = serializers.JSONField()
    variables = serializers.JSONField()


class PromptRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    labels = serializers.SerializerMethodField(help_text="Label name → version number.")
    latest_version = serializers.IntegerField(source="latest_number", allow_null=True)
    version_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_labels(self, prompt) -> dict[str, int]:
        return {label.name: label.version.number for label in prompt.labels.all()}


class PromptDetailOutput(PromptRowOutput):
    versions = PromptVersionRowOutput(many=True, source="version_rows")


class PromptWarningOutput(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


def _detail(prompt) -> dict[str, Any]:
    prompt.version_rows = list(selectors.versions_of(prompt=prompt))
    return PromptDetailOutput(prompt).data


class PromptListApi(WorkspaceScoped, APIView):
    """GET: the workspace's prompts (``?q=`` searches names and descriptions, ``?tag=``).
    POST: a new prompt, with its first version when ``version`` is given."""

    capabilities = WRITE

    class PromptCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
        tags = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)
        version = VersionContent(required=False)

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("tag", str)],
                   responses=PromptRowOutput(many=True))
    def get(self, request, workspace_id: int):
        prompts = selectors.prompts_list(workspace=self.workspace, query=request.query_params.get("q", "").strip(),
                                         tag=request.query_params.get("tag", "").strip())
        return paginated_response(self, request, prompts, PromptRowOutput)

    @extend_schema(request=PromptCreateInput, responses={201: PromptDetailOutput})
    def post(self, request, workspace_id: int):
        data = self.PromptCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        prompt, warnings = services.prompt_create(
            workspace=self.workspace, user=request.user, name=body["name"], description=body["description"],
            tags=body["tags"], version=body.get("version"),
        )
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt.pk)
        return Response({**_detail(prompt), "warnings": warnings}, status=status.HTTP_201_CREATED)


class PromptDetailApi(WorkspaceScoped, APIView):
    capabilities = WRITE

    class PromptUpdateInput(serializers.Serializer):
        name = serializers.CharField(required=False, max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
        tags = serializers.ListField(child=serializers.CharField(max_length=200), required=False)

    @extend_schema(responses=PromptDetailOutput)
    def get(self, request, workspace_id: int, prompt_id: int):
        return Response(_detail(selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)))

    @extend_schema(request=PromptUpdateInput, responses=PromptDetailOutput)
    def patch(self, request, workspace_id: int, prompt_id: int):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        data = self.PromptUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.prompt_update(prompt=prompt, **data.validated_data)
        return Response(_detail(selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, prompt_id: int):
        services.prompt_delete(prompt=selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionListApi(WorkspaceScoped, APIView):
    """GET: every version, newest first. POST: the next version (immutable once made); 409
    ``prompt_unchanged`` when nothing changed; ``warnings`` list variables used but not declared
    (or declared but unused) and a model not configured here."""

    capabilities = WRITE

    @extend_schema(responses=PromptVersionRowOutput(many=True))
    def get(self, request, workspace_id: int, prompt_id: int):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        return Response({"results": PromptVersionRowOutput(selectors.versions_of(prompt=prompt), many=True).data})

    @extend_schema(request=VersionContent, responses={201: PromptVersionOutput})
    def post(self, request, workspace_id: int, prompt_id: int):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        data = VersionContent(data=request.data)
        data.is_valid(raise_exception=True)
        version, warnings = services.version_push(prompt=prompt, user=request.user, content=data.validated_data)
        version = selectors.version_get(prompt=prompt, number=version.number)
        return Response({**PromptVersionOutput(version).data, "warnings": warnings}, status=status.HTTP_201_CREATED)


class VersionDetailApi(WorkspaceScoped, APIView):
    @extend_schema(responses=PromptVersionOutput)
    def get(self, request, workspace_id: int, prompt_id: int, number: int):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        return Response(PromptVersionOutput(selectors.version_get(prompt=prompt, number=number)).data)


class PromptLabelMovedOutput(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.IntegerField()
    moved = serializers.DictField(child=serializers.IntegerField(allow_null=True))


def _moved(label, previous: int | None) -> dict[str, Any]:
    return {"name": label.name, "version": label.version.number,
            "moved": {"from": previous, "to": label.version.number}}


class LabelApi(WorkspaceScoped, APIView):
    """PUT ``{"version": n}``: point the label at version n (created if new). DELETE: remove it.
    ``latest`` always means the newest version and cannot be set."""

    capabilities = WRITE

    class PromptLabelMoveInput(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)

    @extend_schema(request=PromptLabelMoveInput, responses=PromptLabelMovedOutput)
    def put(self, request, workspace_id: int, prompt_id: int, label: str):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        data = self.PromptLabelMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        moved, previous = services.label_set(prompt=prompt, name=label, number=data.validated_data["version"],
                                             user=request.user)
        return Response(_moved(moved, previous))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, prompt_id: int, label: str):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        services.label_delete(prompt=prompt, name=label, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LabelRollbackApi(WorkspaceScoped, APIView):
    """POST: the label back to the version it pointed at before its last move (one click)."""

    capabilities = WRITE

    @extend_schema(request=None, responses=PromptLabelMovedOutput)
    def post(self, request, workspace_id: int, prompt_id: int, label: str):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        moved, previous = services.label_rollback(prompt=prompt, name=label, user=request.user)
        return Response(_moved(moved, previous))


class PromptLabelMoveOutput(serializers.Serializer):
    label = serializers.CharField()
    from_version = serializers.IntegerField(source="from_number", allow_null=True)
    to_version = serializers.IntegerField(source="to_number", allow_null=True)
    evidence = serializers.JSONField(help_text="Where the move came from ({experiment, experiment_name, variant, "
                                               "variant_name}) when an experiment made it; else {}.")
    moved_by = PromptAuthorOutput(allow_null=True)
    moved_at = serializers.DateTimeField()


class LabelMovesApi(WorkspaceScoped, APIView):
    """Every label move of the prompt, newest first: who, when, from which version to which."""

    @extend_schema(responses=PromptLabelMoveOutput(many=True))
    def get(self, request, workspace_id: int, prompt_id: int):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        return paginated_response(self, request, selectors.label_moves_of(prompt=prompt), PromptLabelMoveOutput)


class DiffApi(WorkspaceScoped, APIView):
    """Two versions side by side: ``from`` and ``to`` whole, each message paired with its
    counterpart, and the model parameters and variables that changed."""

    @extend_schema(
        parameters=[OpenApiParameter("from", int, required=True), OpenApiParameter("to", int, required=True)],
        responses={200: None},
    )
    def get(self, request, workspace_id: int, prompt_id: int):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        numbers = {}
        for key in ("from", "to"):
            raw = request.query_params.get(key, "")
            if not raw.isdigit():
                raise InvalidInput(f"'{key}' is a version number.", code="invalid_filter",
                                   details={key: ["Not a number."]})
            numbers[key] = int(raw)
        old = selectors.version_get(prompt=prompt, number=numbers["from"])
        new = selectors.version_get(prompt=prompt, number=numbers["to"])
        body = {"from": PromptVersionOutput(old).data, "to": PromptVersionOutput(new).data}
        return Response({**body, **version_diff(old, new)})


class ResolveApi(WorkspaceScoped, APIView):
    """The version a reference names now: ``?ref=name@production`` | ``name@v3`` | ``name``."""

    @extend_schema(parameters=[OpenApiParameter("ref", str, required=True)], responses={200: None})
    def get(self, request, workspace_id: int):
        ref = request.query_params.get("ref", "").strip()
        if not ref:
            raise InvalidInput("Give a reference: ?ref=name@label.", code="invalid_filter",
                               details={"ref": ["Required."]})
        version = selectors.prompt_resolve(workspace_id=self.workspace.pk, ref=ref)
        version = selectors.version_get(prompt=version.prompt, number=version.number)
        return Response({"prompt": {"id": version.prompt.pk, "name": version.prompt.name},
                         "version": PromptVersionOutput(version).data})


class ExportApi(WorkspaceScoped, APIView):
    """The prompt as a YAML file: every version and the labels (never who wrote them)."""

    @extend_schema(responses={(200, "application/yaml"): str})
    def get(self, request, workspace_id: int, prompt_id: int):
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt_id)
        response = HttpResponse(prompt_export(prompt), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{prompt.name}.prompt.yaml"'
        return response


class YamlParser(BaseParser):
    """A YAML body, kept as text (the import parses it safely and bounded)."""

    media_type = "application/yaml"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> str:
        return stream.read(MAX_FILE_BYTES + 1).decode("utf-8", errors="replace") if stream is not None else ""


class TextYamlParser(YamlParser):
    media_type = "text/yaml"


class ImportApi(WorkspaceScoped, APIView):
    """A prompt from an exported YAML file (the body, or a multipart ``file``); a taken name gets
    ``-2``. 400 ``prompt_file_invalid`` saying what is wrong."""

    capabilities = {"POST": "build"}
    parser_classes = [YamlParser, TextYamlParser, MultiPartParser, CheckedJSONParser]

    @extend_schema(request={"application/yaml": str}, responses={201: PromptDetailOutput})
    def post(self, request, workspace_id: int):
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        if upload is not None:
            text: str | bytes = upload.read()
        elif isinstance(request.data, str):
            text = request.data
        elif isinstance(request.data, dict) and isinstance(request.data.get("yaml"), str):
            text = request.data["yaml"]
        else:
            raise InvalidInput("Send the YAML file as the body, as a multipart 'file', or as {\"yaml\": \"...\"}.",
                               code="prompt_file_invalid")
        prompt, warnings = prompt_import(workspace=self.workspace, user=request.user, text=text)
        prompt = selectors.prompt_get(workspace=self.workspace, prompt_id=prompt.pk)
        return Response({**_detail(prompt), "warnings": warnings}, status=status.HTTP_201_CREATED)
