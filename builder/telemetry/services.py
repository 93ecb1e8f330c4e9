"""Writes of telemetry export: the workspace's target (endpoint checked against the address
policy, header values encrypted), the export of waiting runs in batches, the test span.

Delivery is at least once: runs leave the outbox only after the collector accepted them, so a
crash between the two sends them again — under the same trace and span ids, which collectors
treat as the same spans. An advisory lock per target keeps the beat task and "Export now" from
sending the same batch twice at the same time."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from builder.core.addresses import configured_url_check
from builder.core.locks import advisory_lock
from builder.providers import crypto
from builder.runs.models import FINISHED, RunSource
from builder.telemetry import selectors
from builder.telemetry.delivery import RETRY, Delivery, RetryPlan, post_spans
from builder.telemetry.errors import HeaderInvalid, TargetInvalid
from builder.telemetry.models import ExportTarget, PendingRun
from builder.telemetry.spans import export_request, probe_request

logger = logging.getLogger(__name__)

LOCK_CLASS = 0x6F74  # advisory-lock namespace of telemetry exports ("ot")
#: Runs per OTLP request, and requests per target per tick (the rest waits for the next tick).
BATCH_RUNS = 100
MAX_BATCHES = 20
MAX_HEADERS = 10
HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
RESERVED_HEADERS = frozenset({"content-type", "content-length", "host", "transfer-encoding", "connection"})
SOURCES = frozenset(RunSource.values)


# --- the target ------------------------------------------------------------------------------------

@transaction.atomic
def target_save(*, workspace, user, endpoint: str, headers: list[dict[str, Any]], enabled: bool = True,
                sources: list[str] | None = None, include_content: bool = True) -> ExportTarget:
    """Create or replace the workspace's target. A header given without ``value`` keeps the value
    stored under its name; one with a value replaces it."""
    endpoint = endpoint.strip()
    if not endpoint.lower().startswith(("http://", "https://")):
        raise TargetInvalid("The endpoint is an http(s) URL, e.g. https://collector:4318/v1/traces.",
                            details={"field": "endpoint"})
    configured_url_check(endpoint, field="endpoint")
    chosen = list(dict.fromkeys(sources)) if sources is not None else None
    if chosen is not None and (not chosen or not set(chosen) <= SOURCES):
        raise TargetInvalid(f"Sources are one or more of {', '.join(sorted(SOURCES))}.",
                            details={"field": "sources"})
    target = ExportTarget.objects.select_for_update().filter(workspace=workspace).first()
    if target is None:
        target = ExportTarget(workspace=workspace, created_by=user)
    target.headers = _headers(headers, {h["name"].lower(): h for h in target.headers})
    target.endpoint = endpoint
    target.enabled = enabled
    if chosen is not None:
        target.sources = chosen
    target.include_content = include_content
    target.save()
    return target


def _headers(given: list[dict[str, Any]], stored: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    if len(given) > MAX_HEADERS:
        raise HeaderInvalid(f"At most {MAX_HEADERS} headers.", details={"field": "headers"})
    out: dict[str, dict[str, str]] = {}
    for i, header in enumerate(given):
        name = str(header.get("name") or "").strip()
        if not HEADER_NAME.match(name) or name.lower() in RESERVED_HEADERS:
            raise HeaderInvalid(f"{name!r} cannot be a header name here.", details={"field": f"headers.{i}.name"})
        value = header.get("value")
        if value is None:
            kept = stored.get(name.lower())
            if kept is None:
                raise HeaderInvalid(f"The header {name} needs a value.", details={"field": f"headers.{i}.value"})
            out[name.lower()] = {**kept, "name": name}
            continue
        value = str(value).strip()
        if not value or any(c in value for c in "\r\n"):
            raise HeaderInvalid(f"The header {name} needs a value on one line.",
                                details={"field": f"headers.{i}.value"})
        out[name.lower()] = {"name": name, "value_encrypted": crypto.encrypt(value), "hint": crypto.hint(value)}
    return list(out.values())


@transaction.atomic
def target_delete(*, target: ExportTarget) -> None:
    """Stop exporting: the target goes, and the runs waiting for it."""
    PendingRun.objects.filter(workspace_id=target.workspace_id).delete()
    target.delete()


def _header_values(target: ExportTarget) -> dict[str, str]:
    return {h["name"]: crypto.decrypt(h["value_encrypted"]) for h in target.headers}


# --- export ----------------------------------------------------------------------------------------

@dataclass(slots=True)
class ExportReport:
    runs: int = 0
    spans: int = 0
    busy: bool = False  # another process was exporting for this target
    delivery: Delivery | None = None  # the last request's outcome (None: nothing to send)

    def as_dict(self) -> dict[str, Any]:
        return {"runs": self.runs, "spans": self.spans, "busy": self.busy,
                "delivery": self.delivery.as_dict() if self.delivery else None}


def export_target(*, target: ExportTarget, retry: RetryPlan = RETRY) -> ExportReport:
    """Send the target's waiting runs, oldest queued first, in batches of :data:`BATCH_RUNS`; stop
    at the first failed batch (recorded on the target; it is tried again next tick)."""
    report = ExportReport()
    with advisory_lock(LOCK_CLASS, target.pk) as mine:
        if not mine:
            report.busy = True
            return report
        target.refresh_from_db()  # its sources and headers as saved now
        for _ in range(MAX_BATCHES):
            pending = list(PendingRun.objects.filter(workspace_id=target.workspace_id)
                           .order_by("id").values_list("id", "run_id")[:BATCH_RUNS])
            if not pending:
                break
            bundles = [b for b in selectors.run_traces([run_id for _, run_id in pending])
                       if b.run.source in target.sources and b.run.status in FINISHED]
            if bundles:
                delivery, spans = _send(target, bundles, retry)
                report.delivery = delivery
                if not delivery.ok:
                    return report
                report.runs += len(bundles)
                report.spans += spans
            # Sent, or nothing left to send of them (deleted, or a source no longer exported).
            PendingRun.objects.filter(id__in=[pk for pk, _ in pending]).delete()
    return report


def _send(target: ExportTarget, bundles, retry: RetryPlan) -> tuple[Delivery, int]:
    request, spans = export_request(bundles, workspace_id=target.workspace_id,
                                    workspace_slug=target.workspace.slug, include_content=target.include_content)
    try:
        headers = _header_values(target)
    except crypto.SecretUnreadable:
        delivery = Delivery(False, "secret_unreadable", "A header value cannot be decrypted with the configured "
                            "keys: enter it again.", 0, 0.0)
    else:
        delivery = post_spans(target.endpoint, headers, request.SerializeToString(), retry=retry)
    _record(target, delivery, runs=len(bundles), spans=spans)
    return delivery, spans


def _record(target: ExportTarget, delivery: Delivery, *, runs: int, spans: int) -> None:
    now = timezone.now()
    changes: dict[str, Any] = {"last_attempt_at": now}
    if delivery.ok:
        changes.update(last_success_at=now, exported_runs=F("exported_runs") + runs,
                       exported_spans=F("exported_spans") + spans, failed_attempts=0)
        if delivery.rejected_spans:
            changes.update(last_error_at=now, last_error_code="spans_rejected", last_error_message=delivery.message)
    else:
        changes.update(last_error_at=now, last_error_code=delivery.code or "", last_error_message=delivery.message,
                       failed_attempts=F("failed_attempts") + 1)
        logger.warning("telemetry export of workspace %s failed: %s (%s)", target.workspace_id, delivery.code,
                       delivery.message)
    ExportTarget.objects.filter(pk=target.pk).update(**changes)
    target.refresh_from_db()


def export_all(*, retry: RetryPlan = RETRY) -> int:
    """Export for every enabled target (the beat task): one target's failure, whatever it is,
    never stops the others or the task. Returns the number of runs sent."""
    sent = 0
    for target in ExportTarget.objects.filter(enabled=True).select_related("workspace"):
        try:
            sent += export_target(target=target, retry=retry).runs
        except Exception:  # noqa: BLE001 - a bug or a database hiccup for one target: log it, go on
            logger.exception("telemetry export of workspace %s failed", target.workspace_id)
    return sent


def send_test_span(*, target: ExportTarget) -> Delivery:
    """POST one span with a new trace id; the outcome is recorded like an export's."""
    request = probe_request(workspace_id=target.workspace_id, workspace_slug=target.workspace.slug,
                            trace_id=uuid.uuid4().bytes, at=timezone.now())
    try:
        headers = _header_values(target)
    except crypto.SecretUnreadable:
        return Delivery(False, "secret_unreadable", "A header value cannot be decrypted: enter it again.", 0, 0.0)
    return post_spans(target.endpoint, headers, request.SerializeToString(), retry=RetryPlan(attempts=1))

