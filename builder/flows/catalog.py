"""What the editor builds with: node types (the registry's schemas), models, tools."""

from __future__ import annotations

from functools import lru_cache

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.execution.providers import model_catalog
from runtime import default_registry
from runtime.tools.defaults import default_tool_registry


@lru_cache(maxsize=1)
def node_type_schemas() -> list[dict]:
    return default_registry().schemas()


class NodeTypesApi(APIView):
    @extend_schema(responses={200: None})
    def get(self, request):
        return Response({"results": node_type_schemas()})


class ModelsApi(WorkspaceScoped, APIView):
    @extend_schema(responses={200: None})
    def get(self, request, workspace_id: int):
        return Response({"results": model_catalog(workspace_id=self.workspace.pk)})


class ToolsApi(WorkspaceScoped, APIView):
    @extend_schema(responses={200: None})
    def get(self, request, workspace_id: int):
        tools = default_tool_registry()
        return Response(
            {"results": [
                {"name": t.name, "description": t.description, "parameters": t.parameters} for t in tools.list()
            ]}
        )
