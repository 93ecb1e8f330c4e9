"""Where :class:`~builder.runs.recording.RunRecord` s are stored. Two sinks, one contract:

- :class:`OrmSink` — interactive runs (debug, single node): updates the run row the service
  created when it queued the run (or inserts it), replaces its traces;
- :class:`CopySink` — high volume (``/v1``, chat, web chat): PostgreSQL ``COPY`` of whole batches
  (psycopg dumps the values in C; the ORM's ``bulk_create`` spent milliseconds of GIL-holding
  Python per run on a thread that shares its process with the event loop serving requests).

Both store the same rows for the same record (``tests/builder/runs/test_sinks.py`` holds both to
it) and both keep the promise that one bad row never costs another. Values are made storable
(:mod:`builder.core.text`; char columns cut to their length) before they are written — by the
COPY sink only once the database has refused a batch as it was, which keeps that check off its hot
path. A batch still refused is written record by record, a record still refused is written without its droppable unique
fields and then in reduced form (:meth:`RunRecord.reduced`), and only a record whose reduced form
is refused as well (its app was deleted meanwhile) is left out — logged once, with its id. A lost
connection is not the data's fault: the whole batch is retried on a new connection."""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db import models as dj
from django.db.models.fields import AutoFieldMixin

from builder.core.text import StoredJson, encode_json, storable, storable_json, storable_text
from builder.runs.models import NodeTrace, Run
from builder.runs.recording import RunRecord

logger = logging.getLogger(__name__)

CONNECTION_ERRORS = (OperationalError, InterfaceError)


@dataclass(slots=True)
class WriteReport:
    stored: list[str] = field(default_factory=list)
    reduced: list[str] = field(default_factory=list)  # stored, with payloads replaced by a marker
    lost: list[str] = field(default_factory=list)  # refused even in reduced form


_PLAIN, _JSON, _TEXT, _GRAPH = range(4)


class _Columns:
    """A model's stored columns: their order, which hold JSON, the longest text each char column
    takes, and the defaults of the ones a record leaves out."""

    def __init__(self, model: type[dj.Model]):
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
        self.model = model
        self.names = [f.attname for f in fields]
        self.json = frozenset(f.attname for f in fields if isinstance(f, dj.JSONField))
        self.text = frozenset(f.attname for f in fields if isinstance(f, (dj.CharField, dj.TextField)))
        self.limits = {f.attname: f.max_length for f in fields if isinstance(f, dj.CharField) and f.max_length}
        self.defaults = {f.attname: f.get_default() for f in fields if f.has_default() or f.null}
        # (name, kind) in column order, decided once: what COPY does with each column
        self.plan = [(name, _GRAPH if name == "graph" and model is Run else _JSON if name in self.json
                      else _TEXT if name in self.text else _PLAIN) for name in self.names]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.copy_sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"

    def text_value(self, name: str, value: Any) -> Any:
        """A char/text column's value as the database holds it: storable, and cut to its length."""
        if not isinstance(value, str):
            return value
        value = storable_text(value)
        limit = self.limits.get(name)
        return value[:limit] if limit is not None and len(value) > limit else value

    def prepared(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` made storable (for the ORM)."""
        out = {}
        for name, value in values.items():
            if name in self.json:
                value = json.loads(value) if type(value) is StoredJson else storable(value)
            elif name in self.text:
                value = self.text_value(name, value)
            out[name] = value
        return out


_columns: dict[type[dj.Model], _Columns] = {}


def columns_of(model: type[dj.Model]) -> _Columns:
    found = _columns.get(model)
    if found is None:
        found = _columns[model] = _Columns(model)
    return found


class RunSink:
    """Stores records; see the module's docstring for the promise. Subclasses write one batch
    in one transaction (:meth:`_insert`); ``checked``: values are made storable first."""

    #: The first try at a batch skips the storable checks; they are made on a retry, when the
    #: database has refused the batch (the COPY sink's hot path: refusals are rare).
    checks_on_retry = False

    def __init__(self, *, connection_retry_seconds: float = 600.0) -> None:
        self.connection_retry_seconds = connection_retry_seconds

    def write(self, records: Sequence[RunRecord]) -> WriteReport:
        report = WriteReport()
        if not records:
            return report
        refused: Exception | None = None
        for checked in ((False, True) if self.checks_on_retry else (True,)):
            try:
                self._with_reconnect(lambda batch, checked=checked: self._insert(batch, checked=checked), records)
                report.stored += [r.id for r in records]
                return report
            except CONNECTION_ERRORS:
                self._lost(records, report, "the database stayed unreachable")
                return report
            except Exception as exc:  # noqa: BLE001 - some record's data was refused: find it, keep the others
                refused = exc
        if len(records) == 1:
            self._write_alone(records[0], report, refused=refused)
        else:
            for record in records:
                self._write_alone(record, report)
        return report

    def _write_alone(self, record: RunRecord, report: WriteReport, refused: Exception | None = None) -> None:
        """The record as it is (unless it was just ``refused``), then — after a collision —
        without its droppable fields, then reduced."""
        attempts = [] if refused is not None else [record]
        freed = record.without_droppable()
        if freed is not None:
            attempts.append(freed)
        for candidate in attempts:
            if refused is not None and not isinstance(refused, IntegrityError):
                break  # not a collision: letting unique fields go will not help
            try:
                self._with_reconnect(self._insert, [candidate])
                report.stored.append(record.id)
                return
            except CONNECTION_ERRORS:
                self._lost([record], report, "the database stayed unreachable")
                return
            except Exception as exc:  # noqa: BLE001 - try the next, smaller form
                refused = exc
        why = _reason(refused)
        try:
            self._with_reconnect(self._insert, [record.reduced(why)])
        except Exception:  # noqa: BLE001 - e.g. its app was deleted meanwhile: nothing to attach it to
            logger.exception("run %s could not be stored, even without its data (%s)", record.id, why)
            report.lost.append(record.id)
            return
        logger.error("run %s stored without its data, which the database refused: %s", record.id, why)
        report.stored.append(record.id)
        report.reduced.append(record.id)

    def _lost(self, records: Iterable[RunRecord], report: WriteReport, why: str) -> None:
        ids = [r.id for r in records]
        logger.error("runs NOT stored, %s: %s", why, ids)
        report.lost += ids

    def _with_reconnect(self, fn: Any, records: Sequence[RunRecord]) -> None:
        """``fn(records)``; a broken connection is closed and the call retried on a new one, with
        growing pauses, for ``connection_retry_seconds``."""
        deadline = time.monotonic() + self.connection_retry_seconds
        attempt = 0
        while True:
            try:
                fn(records)
                return
            except CONNECTION_ERRORS:
                connection.close()
                attempt += 1
                if time.monotonic() >= deadline:
                    raise
                logger.warning("storing %d run(s) failed on the connection (attempt %d); retrying",
                               len(records), attempt, exc_info=attempt == 1)
                time.sleep(min(0.1 * 2**attempt, 5.0))

    def _insert(self, records: Sequence[RunRecord], *, checked: bool = True) -> None:
        raise NotImplementedError


def _reason(exc: Exception | None) -> str:
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else type(exc).__name__
    return storable_text(text)[:300]


# Django's foreign keys are checked at commit; a run whose app was deleted meanwhile must fail at
# its own statement instead, so that the record-by-record retry can tell which record it was.
_IMMEDIATE = "SET CONSTRAINTS ALL IMMEDIATE"


def _checks_now() -> None:
    with connection.cursor() as cursor:
        cursor.execute(_IMMEDIATE)


class OrmSink(RunSink):
    """For interactive runs: the run row usually exists already (queued by a service). Values
    are always made storable (``checked`` is ignored)."""

    def _insert(self, records: Sequence[RunRecord], *, checked: bool = True) -> None:
        runs, traces = columns_of(Run), columns_of(NodeTrace)
        with transaction.atomic():
            _checks_now()
            for record in records:
                values = runs.prepared(record.run)
                run_id = values.pop("id")
                created_at = values.pop("created_at", None)
                if not Run.objects.filter(pk=run_id).update(**values):
                    Run.objects.create(id=run_id, **values)
                if created_at is not None:  # auto_now_add ignores a given value on insert
                    Run.objects.filter(pk=run_id).update(created_at=created_at)
                NodeTrace.objects.filter(run_id=run_id).delete()
                NodeTrace.objects.bulk_create(NodeTrace(**traces.prepared(t)) for t in record.traces)
                for attached in record.attached:
                    attached.model.objects.create(**columns_of(attached.model).prepared(attached.values))


class CopySink(RunSink):
    """For high-volume paths: every record is a new run (nothing to update)."""

    checks_on_retry = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._graphs: OrderedDict[int, tuple[Any, str]] = OrderedDict()  # id(graph) -> (graph, JSON)

    def _insert(self, records: Sequence[RunRecord], *, checked: bool = True) -> None:
        tables: dict[type[dj.Model], list[tuple[Any, ...]]] = {Run: [], NodeTrace: []}
        for record in records:
            tables[Run].append(self._row(columns_of(Run), record.run, checked))
            tables[NodeTrace] += [self._row(columns_of(NodeTrace), t, checked) for t in record.traces]
            for attached in record.attached:
                tables.setdefault(attached.model, []).append(
                    self._row(columns_of(attached.model), attached.values, checked))
        with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.execute(_IMMEDIATE)
            raw = cursor.cursor  # psycopg's own cursor: COPY
            for model, rows in tables.items():
                if rows:
                    with raw.copy(columns_of(model).copy_sql) as copy:
                        for row in rows:
                            copy.write_row(row)

    def _row(self, columns: _Columns, values: dict[str, Any], checked: bool) -> tuple[Any, ...]:
        out = []
        for name, kind in columns.plan:
            value = values[name] if name in values else columns.defaults[name]
            if kind == _JSON:
                if type(value) is not StoredJson:
                    value = storable_json(value) if checked else encode_json(value)
            elif kind == _TEXT and checked:
                value = columns.text_value(name, value)
            elif kind == _GRAPH:
                value = self._graph_json(value)
            out.append(value)
        return tuple(out)

    def _graph_json(self, graph: Any) -> str:
        """A version's graph, encoded once: every run of the version stores the same object."""
        hit = self._graphs.get(id(graph))
        if hit is not None and hit[0] is graph:
            return hit[1]
        encoded = storable_json(graph)
        self._graphs[id(graph)] = (graph, encoded)
        while len(self._graphs) > 1024:
            self._graphs.popitem(last=False)
        return encoded
