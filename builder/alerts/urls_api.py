from django.urls import path

from builder.alerts import apis

ws = "workspaces/<int:workspace_id>/"
urlpatterns = [
    path(ws + "alert-rules/", apis.AlertRuleListApi.as_view(), name="alert-rules"),
    path(ws + "alert-rules/<int:rule_id>/", apis.AlertRuleDetailApi.as_view(), name="alert-rule"),
    path(ws + "alert-rules/<int:rule_id>/test/", apis.AlertRuleTestApi.as_view(), name="alert-rule-test"),
    path(ws + "alerts/", apis.AlertListApi.as_view(), name="alerts"),
]
