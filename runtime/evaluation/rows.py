"""Test rows as users bring them: checked dicts, files (CSV, JSONL or a JSON array, XLSX) read
through a column mapping, and the same rows written back out (CSV, JSONL). One reading for the
platform's dataset uploads and ``llmops eval --dataset``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_ROWS = 50_000
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TAGS = 20
TAG_SEPARATOR = ";"
#: Column names read as the expected output, and as tags, when a file is previewed.
EXPECTED_COLUMNS = ("expected", "expected_output", "reference", "answer", "output")
TAG_COLUMNS = ("tags", "tag", "task")
FORMATS = ("csv", "jsonl", "xlsx")


class RowsError(ValueError):
    """Rows that cannot be read; ``code`` is stable, ``details`` says where."""

    code = "rows_invalid"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class RowsInvalid(RowsError):
    code = "rows_invalid"


class TooManyRows(RowsError):
    code = "too_many_rows"


class FileInvalid(RowsError):
    code = "file_invalid"


@dataclass(frozen=True, slots=True)
class Row:
    inputs: dict[str, Any]
    expected: str | None = None
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    source_run_id: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "expected": self.expected, "tags": self.tags, "metadata": self.metadata}


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which columns of a file are inputs, which one is the expected output, which one holds tags."""

    inputs: list[str]
    expected: str | None = None
    tags: str | None = None


def rows_checked(raw: Iterable[Any]) -> list[Row]:
    """Rows from JSON-like dicts ``{inputs, expected?, tags?, metadata?}``; 400 ``rows_invalid``
    naming the first bad row and field."""
    rows: list[Row] = []
    for index, item in enumerate(raw):
        if len(rows) >= MAX_ROWS:
            raise TooManyRows(f"A dataset version holds at most {MAX_ROWS:,} rows.")
        rows.append(_row(item, index))
    return rows


def _row(item: Any, index: int) -> Row:
    def bad(what: str, field_name: str) -> RowsInvalid:
        return RowsInvalid(f"Row {index + 1}: {what}", details={"row": index, "field": field_name})

    if not isinstance(item, dict):
        raise bad("expected an object with inputs", "")
    inputs = item.get("inputs")
    if not isinstance(inputs, dict) or not inputs:
        raise bad("inputs must be an object with at least one value", "inputs")
    for name in inputs:
        if not str(name).isidentifier():
            raise bad(f"{name!r} is not a usable input name (letters, digits and _)", f"inputs.{name}")
    expected = item.get("expected")
    if expected is not None and not isinstance(expected, str):
        expected = json.dumps(expected, ensure_ascii=False)
    tags = item.get("tags") or []
    if isinstance(tags, str):
        tags = split_tags(tags)
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags) or len(tags) > MAX_TAGS:
        raise bad(f"tags must be a list of at most {MAX_TAGS} non-empty texts", "tags")
    metadata = item.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise bad("metadata must be an object", "metadata")
    return Row(inputs=dict(inputs), expected=expected, tags=sorted({t.strip() for t in tags}), metadata=metadata)


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(TAG_SEPARATOR) if t.strip()]


# --- files --------------------------------------------------------------------------------------


def file_format(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in ("json", "ndjson"):
        suffix = "jsonl"
    if suffix not in FORMATS:
        raise FileInvalid(f"Upload a .csv, .jsonl or .xlsx file (got {filename!r}).", details={"formats": FORMATS})
    return suffix


def file_records(data: bytes, fmt: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and the records (column → value) of an uploaded file."""
    if len(data) > MAX_FILE_BYTES:
        raise FileInvalid(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    reader = {"csv": _csv_records, "jsonl": _jsonl_records, "xlsx": _xlsx_records}[fmt]
    records = list(_capped(reader(data)))
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    if not records:
        raise FileInvalid("The file holds no rows.")
    return list(columns), records


def _capped(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for count, record in enumerate(records):
        if count >= MAX_ROWS:
            raise TooManyRows(f"A dataset version holds at most {MAX_ROWS:,} rows.")
        yield record


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileInvalid("The file is not UTF-8 text.") from None


def _csv_records(data: bytes) -> Iterator[dict[str, Any]]:
    try:
        reader = csv.DictReader(io.StringIO(_text(data)))
        for line in reader:
            yield {str(k).strip(): v for k, v in line.items() if k is not None and str(k).strip()}
    except csv.Error as exc:
        raise FileInvalid(f"The CSV cannot be read: {exc}") from None


def _jsonl_records(data: bytes) -> Iterator[dict[str, Any]]:
    text = _text(data)
    if text.lstrip().startswith("["):
        yield from _json_array_records(text)
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FileInvalid(f"Line {number} is not JSON: {exc.msg}.", details={"line": number}) from None
        if not isinstance(record, dict):
            raise FileInvalid(f"Line {number} is not a JSON object.", details={"line": number})
        yield _flattened(record)


def _json_array_records(text: str) -> Iterator[dict[str, Any]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileInvalid(f"Not valid JSON (line {exc.lineno}: {exc.msg}).", details={"line": exc.lineno}) from None
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise FileInvalid(f"Item {number} is not a JSON object.", details={"item": number})
        yield _flattened(item)


def _flattened(record: dict[str, Any]) -> dict[str, Any]:
    """A JSONL line in the export's own shape ({inputs, expected, tags}) read as flat columns."""
    if isinstance(record.get("inputs"), dict):
        flat = dict(record["inputs"])
        for key in ("expected", "tags"):
            if key in record:
                flat[key] = record[key]
        return flat
    return record


def _xlsx_records(data: bytes) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file problem
        raise FileInvalid(f"The workbook cannot be read: {exc.__class__.__name__}.") from None
    try:
        lines = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
        for values in lines:
            if all(v is None for v in values):
                continue
            yield {h: v for h, v in zip(header, values, strict=False) if h}
    finally:
        book.close()


def mapping_suggested(columns: list[str]) -> ColumnMapping:
    lowered = {c.lower(): c for c in columns}
    expected = next((lowered[c] for c in EXPECTED_COLUMNS if c in lowered), None)
    tags = next((lowered[c] for c in TAG_COLUMNS if c in lowered), None)
    return ColumnMapping(inputs=[c for c in columns if c not in (expected, tags)], expected=expected, tags=tags)


def rows_mapped(records: list[dict[str, Any]], mapping: ColumnMapping, columns: list[str]) -> list[Row]:
    """The file's records as rows: mapped columns only; an empty cell is left out of the inputs."""
    unknown = [c for c in [*mapping.inputs, mapping.expected, mapping.tags] if c and c not in columns]
    if unknown:
        raise FileInvalid(f"The file has no column {unknown[0]!r}.", details={"columns": columns})
    if not mapping.inputs:
        raise FileInvalid("Choose at least one column as an input.")
    raw = []
    for record in records:
        inputs = {_input_name(c): _cell(record.get(c)) for c in mapping.inputs if record.get(c) not in (None, "")}
        tags = record.get(mapping.tags) if mapping.tags else None
        expected = record.get(mapping.expected) if mapping.expected else None
        raw.append({"inputs": inputs or {_input_name(mapping.inputs[0]): ""},
                    "expected": None if expected in (None, "") else str(expected),
                    "tags": tags if isinstance(tags, list) else split_tags(str(tags or ""))})
    return rows_checked(raw)


def _input_name(column: str) -> str:
    name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in column.strip()).strip("_") or "input"
    return f"c_{name}" if name[0].isdigit() else name


def _cell(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | list | dict) else str(value)


# --- export -------------------------------------------------------------------------------------


def rows_csv(rows: Iterable[Row], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*columns, "expected", "tags"])
    for row in rows:
        writer.writerow([_csv_cell(row.inputs.get(c)) for c in columns]
                        + [row.expected or "", TAG_SEPARATOR.join(row.tags)])
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def rows_jsonl(rows: Iterable[Row]) -> str:
    return "".join(json.dumps(row.to_dict(), ensure_ascii=False) + "\n" for row in rows)
