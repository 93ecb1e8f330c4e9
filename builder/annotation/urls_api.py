from django.urls import path

from builder.annotation import apis

ws = "workspaces/<int:workspace_id>/annotation/"
queue = ws + "queues/<int:queue_id>/"
item = queue + "items/<int:item_id>/"
urlpatterns = [
    path(ws + "score-configs/", apis.ScoreConfigListApi.as_view(), name="annotation-score-configs"),
    path(ws + "score-configs/<int:config_id>/", apis.ScoreConfigDetailApi.as_view(), name="annotation-score-config"),
    path(ws + "queues/", apis.QueueListApi.as_view(), name="annotation-queues"),
    path(queue, apis.QueueDetailApi.as_view(), name="annotation-queue"),
    path(queue + "rules/", apis.RuleListApi.as_view(), name="annotation-rules"),
    path(queue + "rules/scan/", apis.RuleScanApi.as_view(), name="annotation-rules-scan"),
    path(queue + "rules/<int:rule_id>/", apis.RuleDetailApi.as_view(), name="annotation-rule"),
    path(queue + "items/", apis.ItemListApi.as_view(), name="annotation-items"),
    path(queue + "next/", apis.NextApi.as_view(), name="annotation-next"),
    path(queue + "agreement/", apis.AgreementApi.as_view(), name="annotation-agreement"),
    path(queue + "export/", apis.ExportApi.as_view(), name="annotation-export"),
    path(queue + "export-dataset/", apis.ExportDatasetApi.as_view(), name="annotation-export-dataset"),
    path(item, apis.ItemDetailApi.as_view(), name="annotation-item"),
    path(item + "review/", apis.ReviewApi.as_view(), name="annotation-review"),
    path(item + "skip/", apis.SkipApi.as_view(), name="annotation-skip"),
    path(item + "release/", apis.ReleaseApi.as_view(), name="annotation-release"),
    path(item + "adjudicate/", apis.AdjudicateApi.as_view(), name="annotation-adjudicate"),
    path(item + "reply/", apis.ReplyApi.as_view(), name="annotation-reply"),
]
