"""Thin API views of alerts: rules (members with ``view`` read them, ``build`` changes them and
tests them now) and the alerts they fired."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.alerts import evaluation, selectors, services
from builder.alerts.errors import RuleInvalid
from builder.alerts.models import Comparison, Metric
from builder.alerts.presenters import alert_data, rule_data
from builder.core.errors import InvalidInput
from builder.core.pagination import paginated_response

MANAGE = {"GET": "view", "POST": "build", "PATCH": "build", "DELETE": "build"}


class AlertRuleInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    metric = serializers.ChoiceField(choices=Metric.choices)
    app_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    comparison = serializers.ChoiceField(choices=Comparison.choices, required=False, allow_null=True, default=None)
    threshold = serializers.FloatField()
    window_minutes = serializers.IntegerField(required=False, default=15)
    min_runs = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=20)
    evaluator = serializers.JSONField(required=False, allow_null=True, default=None)
    webhook_url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    emails = serializers.ListField(child=serializers.EmailField(), required=False, default=list, max_length=20)
    send_email = serializers.BooleanField(required=False, default=True)
    enabled = serializers.BooleanField(required=False, default=True)


class AlertRuleTestInput(serializers.Serializer):
    notify = serializers.BooleanField(required=False, default=False)


def _valid(serializer: serializers.Serializer) -> dict[str, Any]:
    if not serializer.is_valid():
        raise RuleInvalid("Some fields are invalid: " + ", ".join(sorted(serializer.errors)) + ".",
                          details=serializer.errors)
    return dict(serializer.validated_data)


class AlertRuleListApi(WorkspaceScoped, APIView):
    capabilities = MANAGE

    @extend_schema(operation_id="alert_rules_list", responses={200: dict})
    def get(self, request, workspace_id: int):
        return paginated_response(self, request, selectors.rules_of(workspace=self.workspace), None,
                                  transform=lambda rule: rule_data(rule, self.membership))

    @extend_schema(request=AlertRuleInput, responses={201: dict})
    def post(self, request, workspace_id: int):
        fields = _valid(AlertRuleInput(data=request.data))
        rule = services.rule_create(workspace=self.workspace, user=request.user, **fields)
        return Response(rule_data(selectors.rule_get(workspace=self.workspace, rule_id=rule.pk), self.membership),
                        status=status.HTTP_201_CREATED)


class AlertRuleDetailApi(WorkspaceScoped, APIView):
    capabilities = MANAGE

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int, rule_id: int):
        return Response(rule_data(selectors.rule_get(workspace=self.workspace, rule_id=rule_id), self.membership))

    @extend_schema(request=AlertRuleInput(partial=True), responses={200: dict})
    def patch(self, request, workspace_id: int, rule_id: int):
        rule = selectors.rule_get(workspace=self.workspace, rule_id=rule_id)
        services.rule_update(rule=rule, **_valid(AlertRuleInput(data=request.data, partial=True)))
        return Response(rule_data(selectors.rule_get(workspace=self.workspace, rule_id=rule_id), self.membership))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, rule_id: int):
        services.rule_delete(rule=selectors.rule_get(workspace=self.workspace, rule_id=rule_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlertRuleTestApi(WorkspaceScoped, APIView):
    capabilities = {"POST": "build"}

    @extend_schema(request=AlertRuleTestInput, responses={200: dict})
    def post(self, request, workspace_id: int, rule_id: int):
        rule = selectors.rule_get(workspace=self.workspace, rule_id=rule_id)
        data = AlertRuleTestInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(evaluation.rule_test(rule, notify_now=data.validated_data["notify"]))


class AlertListApi(WorkspaceScoped, APIView):
    capabilities = {"GET": "view"}

    @extend_schema(operation_id="alerts_list", parameters=[
        OpenApiParameter("status", str, enum=list(selectors.ALERT_STATUSES)), OpenApiParameter("rule_id", int)],
        responses={200: dict})
    def get(self, request, workspace_id: int):
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in selectors.ALERT_STATUSES:
            raise InvalidInput("status is firing or resolved.", code="invalid_filter", details={"field": "status"})
        rule_id = request.query_params.get("rule_id") or None
        if rule_id is not None and not rule_id.isdigit():
            raise InvalidInput("rule_id is a number.", code="invalid_filter", details={"field": "rule_id"})
        alerts = selectors.alerts_of(workspace=self.workspace, status=wanted,
                                     rule_id=int(rule_id) if rule_id else None)
        return paginated_response(self, request, alerts, None, transform=alert_data)
