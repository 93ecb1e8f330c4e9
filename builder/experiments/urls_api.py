from django.urls import path

from builder.experiments import apis

ws = "workspaces/<int:workspace_id>/experiments/"
experiment = ws + "<int:experiment_id>/"
urlpatterns = [
    path(ws, apis.ExperimentListApi.as_view(), name="experiment-list"),
    path("workspaces/<int:workspace_id>/evaluator-types/", apis.EvaluatorTypesApi.as_view(), name="evaluator-types"),
    path(experiment, apis.ExperimentDetailApi.as_view(), name="experiment-detail"),
    path(experiment + "rows/", apis.ResultRowsApi.as_view(), name="experiment-rows"),
    path(experiment + "summary/", apis.SummaryApi.as_view(), name="experiment-summary"),
    path(experiment + "export/", apis.ExportApi.as_view(), name="experiment-export"),
    path(experiment + "cells/<int:cell_id>/label/", apis.CellLabelApi.as_view(), name="experiment-cell-label"),
    path(experiment + "variants/<int:variant_id>/promote/", apis.PromoteApi.as_view(), name="experiment-promote"),
    *[path(experiment + f"{step}/", apis.ExperimentStepApi.as_view(step=step), name=f"experiment-{step}")
      for step in ("pause", "resume", "cancel")],
]
