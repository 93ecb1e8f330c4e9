"""Thin API views of annotation. Reviewers (the ``annotate`` capability) list their queues, claim,
score, skip and release; builders set up configs, queues, rules and items, read agreement and
export; owners adjudicate. See docs/annotation-api.md."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from builder.accounts.permissions import WorkspaceScoped
from builder.annotation import exports, sampling, selectors, services
from builder.annotation.models import ItemStatus, ScoreKind
from builder.annotation.presenters import config_data, item_full, item_row, queue_data
from builder.core.downloads import FileFormatParam
from builder.core.errors import InvalidInput
from builder.core.pagination import paginated_response
from builder.datasets import selectors as datasets
from builder.experiments import selectors as experiments

READ = {"GET": "annotate"}
MANAGE = {"GET": "build", "POST": "build", "PATCH": "build", "PUT": "build", "DELETE": "build"}


class Scoped(WorkspaceScoped):
    """Views under a queue: the queue as the caller may see it (read once per request)."""

    def queue(self, queue_id: int):
        if getattr(self, "_queue", None) is None:
            self._queue = selectors.queue_get(membership=self.membership, queue_id=queue_id)
        return self._queue

    def item(self, queue_id: int, item_id: int):
        """The item with everything a reviewer sees of it."""
        return selectors.item_get(queue=self.queue(queue_id), item_id=item_id)

    def item_ref(self, queue_id: int, item_id: int):
        """The item alone, for services that lock and read it themselves."""
        return selectors.item_ref(queue=self.queue(queue_id), item_id=item_id)


# --- score configs ---------------------------------------------------------------------------------


class ScoreConfigInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=ScoreKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5_000)
    options = serializers.ListField(child=serializers.CharField(max_length=80), required=False, default=list,
                                    max_length=10)
    min = serializers.FloatField(required=False, allow_null=True, default=None)
    max = serializers.FloatField(required=False, allow_null=True, default=None)
    step = serializers.FloatField(required=False, allow_null=True, default=None)


class ScoreConfigChange(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5_000)
    archived = serializers.BooleanField(required=False)
    options = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=10)
    min = serializers.FloatField(required=False, allow_null=True)
    max = serializers.FloatField(required=False, allow_null=True)
    step = serializers.FloatField(required=False, allow_null=True)


def _scale(data: dict[str, Any]) -> dict[str, Any]:
    renamed = {"min": "min_value", "max": "max_value"}
    return {renamed.get(k, k): v for k, v in data.items()}


class ScoreConfigListApi(WorkspaceScoped, APIView):
    capabilities = {"GET": "annotate", "POST": "build"}

    @extend_schema(operation_id="annotation_score_configs_list", parameters=[OpenApiParameter("archived", bool)],
                   responses={200: dict})
    def get(self, request, workspace_id: int):
        archived = request.query_params.get("archived") in ("1", "true")
        configs = selectors.score_configs_of(workspace=self.workspace, archived=archived)
        return paginated_response(self, request, configs, None, transform=config_data)

    @extend_schema(request=ScoreConfigInput, responses={201: dict})
    def post(self, request, workspace_id: int):
        data = ScoreConfigInput(data=request.data)
        data.is_valid(raise_exception=True)
        config = services.score_config_create(workspace=self.workspace, **_scale(data.validated_data))
        return Response(config_data(selectors.score_config_get(workspace=self.workspace, config_id=config.pk)),
                        status=status.HTTP_201_CREATED)


class ScoreConfigDetailApi(WorkspaceScoped, APIView):
    capabilities = {"GET": "annotate", "PATCH": "build", "DELETE": "build"}

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int, config_id: int):
        return Response(config_data(selectors.score_config_get(workspace=self.workspace, config_id=config_id)))

    @extend_schema(request=ScoreConfigChange, responses={200: dict})
    def patch(self, request, workspace_id: int, config_id: int):
        config = selectors.score_config_get(workspace=self.workspace, config_id=config_id)
        data = ScoreConfigChange(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.score_config_update(config=config, **_scale(data.validated_data))
        return Response(config_data(selectors.score_config_get(workspace=self.workspace, config_id=config_id)))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, config_id: int):
        services.score_config_delete(config=selectors.score_config_get(workspace=self.workspace, config_id=config_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- queues --------------------------------------------------------------------------------------------


class QueueInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    instructions = serializers.CharField(required=False, allow_blank=True, default="", max_length=50_000)
    score_config_ids = serializers.ListField(child=serializers.IntegerField(), max_length=20)
    reviewer_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                         max_length=200)
    required_reviews = serializers.IntegerField(min_value=1, max_value=services.MAX_REQUIRED_REVIEWS, default=1)
    blind = serializers.BooleanField(default=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    lock_timeout_s = serializers.IntegerField(min_value=30, max_value=86_400, default=600)


class QueueListApi(WorkspaceScoped, APIView):
    capabilities = {"GET": "annotate", "POST": "build"}

    @extend_schema(operation_id="annotation_queues_list", responses={200: dict})
    def get(self, request, workspace_id: int):
        queues = selectors.queues_of(membership=self.membership)
        return paginated_response(self, request, queues, None,
                                  transform=lambda q: queue_data(q, self.membership))

    @extend_schema(request=QueueInput, responses={201: dict})
    def post(self, request, workspace_id: int):
        data = QueueInput(data=request.data)
        data.is_valid(raise_exception=True)
        queue = services.queue_create(workspace=self.workspace, user=request.user, **data.validated_data)
        return Response(queue_data(queue, self.membership), status=status.HTTP_201_CREATED)


class QueueDetailApi(Scoped, APIView):
    capabilities = {"GET": "annotate", "PATCH": "build", "DELETE": "build"}

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int, queue_id: int):
        return Response(queue_data(self.queue(queue_id), self.membership))

    @extend_schema(request=QueueInput(partial=True), responses={200: dict})
    def patch(self, request, workspace_id: int, queue_id: int):
        queue = self.queue(queue_id)
        data = QueueInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.queue_update(queue=queue, **data.validated_data)
        return Response(queue_data(self.queue(queue_id), self.membership))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, queue_id: int):
        services.queue_delete(queue=self.queue(queue_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- sampling rules ----------------------------------------------------------------------------------


class RuleInput(serializers.Serializer):
    app_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    version_number = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    label = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
    status = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)
    min_latency_ms = serializers.FloatField(required=False, allow_null=True, default=None, min_value=0)
    negative_feedback = serializers.BooleanField(default=False)
    evaluator = serializers.JSONField(required=False, allow_null=True, default=None)
    sample_percent = serializers.FloatField(min_value=0, max_value=100, default=10)
    daily_cap = serializers.IntegerField(min_value=1, max_value=100_000, default=100)
    enabled = serializers.BooleanField(default=True)


def _rule_data(rule) -> dict[str, Any]:
    return {
        "id": rule.pk, "app_id": rule.app_id, "app_name": rule.app.name if rule.app_id else None,
        "version_number": rule.version_number, "label": rule.label, "status": rule.status,
        "min_latency_ms": rule.min_latency_ms, "negative_feedback": rule.negative_feedback,
        "evaluator": rule.evaluator, "sample_percent": rule.sample_percent, "daily_cap": rule.daily_cap,
        "enabled": rule.enabled, "added_today": getattr(rule, "added_today", 0),
        "added_total": getattr(rule, "added_total", 0), "last_scanned_at": rule.last_scanned_at,
        "created_at": rule.created_at,
    }


class RuleListApi(Scoped, APIView):
    capabilities = MANAGE

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int, queue_id: int):
        rules = selectors.rules_of(queue=self.queue(queue_id))
        return paginated_response(self, request, rules, None, transform=_rule_data)

    @extend_schema(request=RuleInput, responses={201: dict})
    def post(self, request, workspace_id: int, queue_id: int):
        queue = self.queue(queue_id)
        data = RuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule = queue.rules.create(**sampling.rule_settings_checked(dict(data.validated_data), self.workspace.pk))
        return Response(_rule_data(selectors.rule_get(queue=queue, rule_id=rule.pk)), status=status.HTTP_201_CREATED)


class RuleDetailApi(Scoped, APIView):
    capabilities = MANAGE

    @extend_schema(request=RuleInput(partial=True), responses={200: dict})
    def patch(self, request, workspace_id: int, queue_id: int, rule_id: int):
        queue = self.queue(queue_id)
        rule = selectors.rule_get(queue=queue, rule_id=rule_id)
        data = RuleInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        current = {**_rule_data(rule), **data.validated_data}
        fields = {k: current[k] for k in RuleInput().fields}
        checked = sampling.rule_settings_checked(fields, self.workspace.pk)
        checked.setdefault("app", None)
        for field, value in checked.items():
            setattr(rule, field, value)
        rule.save()
        return Response(_rule_data(selectors.rule_get(queue=queue, rule_id=rule_id)))

    @extend_schema(responses={204: None})
    def delete(self, request, workspace_id: int, queue_id: int, rule_id: int):
        selectors.rule_get(queue=self.queue(queue_id), rule_id=rule_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class RuleScanApi(Scoped, APIView):
    capabilities = MANAGE

    @extend_schema(request=None, responses={200: dict})
    def post(self, request, workspace_id: int, queue_id: int):
        return Response({"added": sampling.queue_scan(self.queue(queue_id))})


# --- items -----------------------------------------------------------------------------------------------


class RunRef(serializers.Serializer):
    run_id = serializers.UUIDField()
    node_id = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ItemsInput(serializers.Serializer):
    run_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=1_000)
    runs = RunRef(many=True, required=False)
    experiment_id = serializers.IntegerField(required=False)
    mode = serializers.ChoiceField(choices=["all", "disagreements"], default="all")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [k for k in ("run_ids", "runs", "experiment_id") if attrs.get(k) not in (None, [])]
        if len(given) != 1:
            raise serializers.ValidationError("Give one of run_ids, runs or experiment_id.")
        return attrs


class ItemListApi(Scoped, APIView):
    capabilities = MANAGE

    @extend_schema(operation_id="annotation_items_list",
                   parameters=[OpenApiParameter("status", str, enum=list(ItemStatus.values)),
                               OpenApiParameter("disagreements", bool)], responses={200: dict})
    def get(self, request, workspace_id: int, queue_id: int):
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in ItemStatus.values:
            raise InvalidInput(f"status is one of {', '.join(ItemStatus.values)}.", code="filter_invalid",
                               details={"field": "status"})
        items = selectors.items_of(queue=self.queue(queue_id), status=wanted,
                                   disagreements=request.query_params.get("disagreements") in ("1", "true"))
        return paginated_response(self, request, items, None, transform=item_row)

    @extend_schema(request=ItemsInput, responses={201: dict})
    def post(self, request, workspace_id: int, queue_id: int):
        queue = self.queue(queue_id)
        data = ItemsInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        if given.get("experiment_id") is not None:
            experiment = experiments.experiment_get(workspace=self.workspace, experiment_id=given["experiment_id"])
            added, already = services.items_add_experiment(queue=queue, experiment=experiment, mode=given["mode"])
        elif given.get("runs"):
            added, already = services.items_add_runs(
                queue=queue, run_ids=[str(r["run_id"]) for r in given["runs"]],
                node_ids=[r["node_id"] for r in given["runs"]])
        else:
            added, already = services.items_add_runs(queue=queue, run_ids=[str(r) for r in given["run_ids"]])
        return Response({"added": added, "already_queued": already}, status=status.HTTP_201_CREATED)


class ItemDetailApi(Scoped, APIView):
    capabilities = READ

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int, queue_id: int, item_id: int):
        return Response(item_full(self.item(queue_id, item_id), self.membership))


def _claimed(view: Scoped, queue, exclude: list[int],
             progress: dict[str, int] | None = None) -> dict[str, Any] | None:
    item = services.item_claim_next(queue=queue, user=view.request.user, exclude=exclude)
    if item is None:
        return None
    return item_full(selectors.item_get(queue=queue, item_id=item.pk), view.membership, progress)


class NextApi(Scoped, APIView):
    """Claim the caller's next item (200) — or 204 when nothing is left for them."""

    capabilities = {"POST": "annotate"}

    class NextInput(serializers.Serializer):
        exclude = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=50)

    @extend_schema(request=NextInput, responses={200: dict, 204: None})
    def post(self, request, workspace_id: int, queue_id: int):
        data = self.NextInput(data=request.data)
        data.is_valid(raise_exception=True)
        claimed = _claimed(self, self.queue(queue_id), data.validated_data["exclude"])
        return Response(claimed) if claimed else Response(status=status.HTTP_204_NO_CONTENT)


class ItemStepApi(Scoped, APIView):
    """After a review or a skip: the item, and with ``?next=1`` the next one claimed in the same answer."""

    capabilities = {"POST": "annotate"}

    def answer(self, request, queue_id: int, item_id: int) -> Response:
        queue = self.queue(queue_id)
        # Claiming the next item moves it from "remaining" to "held": the progress stays the same.
        progress = selectors.reviewer_progress(queue=queue, user=request.user)
        item = item_full(self.item(queue_id, item_id), self.membership, progress)
        if request.query_params.get("next") not in ("1", "true"):
            return Response(item)
        return Response({"item": item, "next": _claimed(self, queue, [item_id], progress)})


class ReviewApi(ItemStepApi):
    class ReviewInput(serializers.Serializer):
        scores = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
        corrected_output = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None,
                                                 max_length=100_000, trim_whitespace=False)
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)

    @extend_schema(request=ReviewInput, parameters=[OpenApiParameter("next", bool)], responses={200: dict})
    def post(self, request, workspace_id: int, queue_id: int, item_id: int):
        data = self.ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_submit(item=self.item_ref(queue_id, item_id), user=request.user, **data.validated_data)
        return self.answer(request, queue_id, item_id)


class SkipApi(ItemStepApi):
    class SkipInput(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2_000)

    @extend_schema(request=SkipInput, parameters=[OpenApiParameter("next", bool)], responses={200: dict})
    def post(self, request, workspace_id: int, queue_id: int, item_id: int):
        data = self.SkipInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_skip(item=self.item_ref(queue_id, item_id), user=request.user,
                             reason=data.validated_data["reason"])
        return self.answer(request, queue_id, item_id)


class ReleaseApi(Scoped, APIView):
    capabilities = {"POST": "annotate"}

    @extend_schema(request=None, responses={204: None})
    def post(self, request, workspace_id: int, queue_id: int, item_id: int):
        services.claim_release(item=self.item_ref(queue_id, item_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AdjudicateApi(Scoped, APIView):
    capabilities = {"POST": "adjudicate"}

    class AdjudicateInput(serializers.Serializer):
        scores = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
        corrected_output = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None,
                                                 max_length=100_000)

    @extend_schema(request=AdjudicateInput, responses={200: dict})
    def post(self, request, workspace_id: int, queue_id: int, item_id: int):
        data = self.AdjudicateInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_adjudicate(item=self.item_ref(queue_id, item_id), user=request.user, **data.validated_data)
        return Response(item_full(self.item(queue_id, item.pk), self.membership))


class ReplyApi(Scoped, APIView):
    """Store an approved answer as a reply the item's app returns for the same question (see
    builder.replies); defaults: the item's question and its final corrected output."""

    capabilities = {"POST": "build"}

    class ReplyInput(serializers.Serializer):
        question = serializers.CharField(required=False, allow_blank=True, default="", max_length=4_000)
        answer = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)

    @extend_schema(request=ReplyInput, responses={201: dict})
    def post(self, request, workspace_id: int, queue_id: int, item_id: int):
        data = self.ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.item_reply(item=self.item(queue_id, item_id), user=request.user, **data.validated_data)
        return Response({"id": reply.pk, "app_id": reply.app_id, "question": reply.question, "answer": reply.answer},
                        status=status.HTTP_201_CREATED)


# --- results -------------------------------------------------------------------------------------------


class AgreementApi(Scoped, APIView):
    capabilities = MANAGE

    @extend_schema(responses={200: dict})
    def get(self, request, workspace_id: int, queue_id: int):
        figures = selectors.queue_agreement(queue=self.queue(queue_id))
        return Response({"configs": [{**row, "config": config_data(row["config"])} for row in figures]})


class ExportApi(FileFormatParam, Scoped, APIView):
    """Completed items as a file: ``?format=csv`` or ``jsonl``."""

    capabilities = MANAGE

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["csv", "jsonl"])], responses={200: str})
    def get(self, request, workspace_id: int, queue_id: int):
        queue = self.queue(queue_id)
        fmt = request.query_params.get("format", "csv")
        if fmt not in ("csv", "jsonl"):
            raise InvalidInput("format is csv or jsonl.", code="format_invalid", details={"field": "format"})
        records = exports.queue_records(queue)
        if fmt == "csv":
            response = HttpResponse(exports.records_csv(records), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports.records_jsonl(records), content_type="application/jsonl; charset=utf-8")
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in queue.name)[:60] or "queue"
        response["Content-Disposition"] = f'attachment; filename="{safe}-reviewed.{fmt}"'
        return response


class ExportDatasetApi(Scoped, APIView):
    capabilities = MANAGE

    class ExportInput(serializers.Serializer):
        dataset_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    @extend_schema(request=ExportInput, responses={201: dict})
    def post(self, request, workspace_id: int, queue_id: int):
        queue = self.queue(queue_id)
        data = self.ExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = None
        if data.validated_data["dataset_id"] is not None:
            dataset = datasets.dataset_get(workspace=self.workspace, dataset_id=data.validated_data["dataset_id"])
        version = exports.export_to_dataset(queue=queue, user=request.user, dataset=dataset,
                                            name=data.validated_data["name"])
        return Response({"dataset_id": version.dataset_id, "version_number": version.number,
                         "rows": version.row_count}, status=status.HTTP_201_CREATED)

