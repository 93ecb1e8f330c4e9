"""The lineage of an app version, for its page and the CLI."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.flows.selectors import app_get, version_get
from builder.lineage.selectors import version_lineage


class VersionLineageApi(WorkspaceScoped, APIView):
    """Where version N of the app came from: the labels serving it and the moves (with their
    experiments) that put it there, its library prompt versions, its tuned models and their
    fine-tune jobs, the experiments that compared it, and the dataset versions behind them with
    the review queues and runs their rows came from."""

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int, app_id: int, number: int):
        app = app_get(workspace=self.workspace, app_id=app_id)
        return Response(version_lineage(version_get(app=app, number=number)))
