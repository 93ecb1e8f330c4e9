"""Dify DSL -> LLMOps Studio graph spec.

Dify exports an app as YAML (``kind: app``, ``app.mode``, ``workflow.graph.nodes/edges``).
:func:`dify_to_graph` turns a *workflow* or *chatflow* (``advanced-chat``) export into a
:class:`~runtime.spec.GraphSpec` dict, and says plainly what it could not convert:

* ``unmapped`` lists every Dify node that has no equivalent here (code, parameter extractor,
  iteration, agent, unknown types, ...) by id, title, type and reason. Such a node is left
  out of the graph, its edges are removed (with a warning) and a note marks its place on
  the canvas. Nothing is dropped silently.
* ``warnings`` lists what converted only approximately or needs the user: model providers
  to configure, knowledge bases to create, secrets to add, settings without equivalent.

What maps (Dify -> ours): start -> start (+ app inputs), llm -> prompt,
question-classifier -> classifier, if-else -> branch, knowledge-retrieval -> retrieval,
template-transform -> template, http-request -> http_request, variable-aggregator ->
aggregate, tool (time, maths, webscraper, json_process) -> tool, answer -> answer,
end -> end, custom-note -> notes.

References: Dify's ``{{#node_id.field#}}`` (and value selectors ``[node_id, field]``) become
``{{ our_id.field }}`` / ``our_id.field`` with the output renamed where ours differs
(http ``status_code`` -> ``status``, template ``output`` -> ``text``, retrieval ``result``
-> ``chunks``, or ``context`` inside prompts). Start variables and ``sys.query`` (and other
``sys.*``, ``env.*``, ``conversation.*`` variables) become app inputs ``inputs.<name>``.

Pure Python: no Django, no network. The caller validates the result (``runtime.validate``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import yaml

from runtime.errors import RuntimeFailure, TemplateError
from runtime.spec import GraphSpec
from runtime.templates import compile_template

__all__ = [
    "DifyImport",
    "DifyInvalid",
    "dify_to_graph",
    "dify_yaml_to_graph",
    "is_dify_document",
    "load_dify_yaml",
]

WORKFLOW_MODES = ("workflow", "advanced-chat")
OTHER_MODES = ("chat", "agent-chat", "completion")
MAX_YAML_CHARS = 10_000_000


class DifyInvalid(RuntimeFailure):
    """The document is not a Dify workflow/chatflow export, or it is malformed."""

    code = "dify_invalid"


@dataclass
class DifyImport:
    """The result of an import: the graph plus everything the user must know about it."""

    name: str
    description: str
    graph: dict[str, Any]
    unmapped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mode: str = "workflow"
    id_map: dict[str, str] = field(default_factory=dict)  # Dify node id -> our node id

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "mode": self.mode,
            "graph": self.graph,
            "unmapped": list(self.unmapped),
            "warnings": list(self.warnings),
            "id_map": dict(self.id_map),
        }


# --- entry points ----------------------------------------------------------------------------


def is_dify_document(doc: Any) -> bool:
    """True for a Dify workflow/chatflow export: ``kind: app`` with ``workflow.graph.nodes``
    and ``edges`` lists, or an ``app.mode`` of ``workflow``/``advanced-chat``."""
    if not isinstance(doc, dict):
        return False
    workflow = doc.get("workflow")
    graph = workflow.get("graph") if isinstance(workflow, dict) else None
    has_graph = (
        isinstance(graph, dict) and isinstance(graph.get("nodes"), list) and isinstance(graph.get("edges"), list)
    )
    if doc.get("kind") == "app" and has_graph:
        return True
    app = doc.get("app")
    mode = app.get("mode") if isinstance(app, dict) else None
    return mode in WORKFLOW_MODES and isinstance(workflow, dict)


def load_dify_yaml(text: str | bytes) -> dict[str, Any]:
    """Parse a Dify DSL file; :class:`DifyInvalid` when it is not a YAML mapping."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DifyInvalid("the file is not UTF-8 text; a Dify DSL export is a .yml file") from None
    if len(text) > MAX_YAML_CHARS:
        raise DifyInvalid(f"the file is larger than {MAX_YAML_CHARS} characters")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise DifyInvalid(f"the file is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, dict):
        raise DifyInvalid("a Dify DSL file is a YAML mapping with 'kind: app', 'app' and 'workflow'")
    return doc


def dify_yaml_to_graph(text: str | bytes) -> DifyImport:
    """:func:`load_dify_yaml` then :func:`dify_to_graph`."""
    return dify_to_graph(load_dify_yaml(text))


def dify_to_graph(doc: dict[str, Any]) -> DifyImport:
    """Convert a parsed Dify DSL document. Raises :class:`DifyInvalid` (code ``dify_invalid``)
    when it is not a Dify workflow/chatflow export or is malformed."""
    return _Converter(doc).convert()


# --- tables ----------------------------------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HANDLE_ID = re.compile(r"^[A-Za-z_][\w-]*$")
_WORD_PATH = re.compile(r"^\w+$")
# {{#node_id.field.key#}} or {{#context#}}; Dify ids are digits/letters/_ (hand-written ones may use -).
_DIFY_REF = re.compile(r"\{\{#([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)+|context)#\}\}")
_JINJA_MARKER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")

#: Names a node id must not take: our namespaces, template globals and literals, expression
#: operators and names Jinja binds in some scopes (``loop`` inside a for, ``caller`` in macros).
_RESERVED_IDS = frozenset(
    "inputs sys secrets range dict self true false none True False None and or not in is if else "
    "loop caller varargs kwargs".split()
)

#: Our node type, and a readable default id, per Dify node type we convert.
_NODE_TYPES: dict[str, tuple[str, str]] = {
    "start": ("start", "start"),
    "end": ("end", "end"),
    "answer": ("answer", "answer"),
    "llm": ("prompt", "llm"),
    "question-classifier": ("classifier", "classifier"),
    "if-else": ("branch", "branch"),
    "knowledge-retrieval": ("retrieval", "retrieval"),
    "template-transform": ("template", "template"),
    "http-request": ("http_request", "http"),
    "tool": ("tool", "tool"),
    "variable-aggregator": ("aggregate", "aggregate"),
    "variable-assigner": ("aggregate", "aggregate"),  # the aggregator's name in early Dify versions
}

#: Why a Dify node type cannot be converted.
_UNSUPPORTED: dict[str, str] = {
    "code": "code nodes run arbitrary Python/JavaScript; LLMOps Studio has no code node "
    "(rebuild the logic with template, branch or tool nodes)",
    "parameter-extractor": "there is no parameter extractor node; use a prompt node with JSON mode",
    "document-extractor": "file inputs and document extraction are not supported yet",
    "list-operator": "there is no list operator node",
    "list-filter": "there is no list operator node",
    "agent": "Dify agent nodes depend on agent-strategy plugins; rebuild it with our agent node",
    "iteration": "iteration sub-graphs are not converted; rebuild it with our iteration node",
    "iteration-start": "part of an iteration sub-graph, which is not converted",
    "loop": "loops are not supported (graphs are acyclic); use an iteration node",
    "loop-start": "part of a loop, which is not converted",
    "loop-end": "part of a loop, which is not converted",
    "assigner": "conversation variable assignment is not supported",
    "knowledge-index": "knowledge indexing pipelines are not supported",
    "datasource": "knowledge pipeline data sources are not supported",
    "human-input": "human-in-the-loop input nodes are not supported",
    "trigger-webhook": "triggers are not supported; runs start at the start node",
    "trigger-schedule": "triggers are not supported; runs start at the start node",
    "trigger-plugin": "triggers are not supported; runs start at the start node",
}

#: Dify output field -> ours, per Dify node type (fields not listed are kept, with a warning).
_FIELD_MAP: dict[str, dict[str, str]] = {
    "llm": {"text": "text", "usage": "usage", "structured_output": "json"},
    "question-classifier": {"class_name": "class_name", "class_id": "class_id"},
    "if-else": {"selected_case_id": "case"},
    "knowledge-retrieval": {"result": "chunks"},
    "template-transform": {"output": "text"},
    "http-request": {"body": "body", "status_code": "status", "headers": "headers"},
    "tool": {"text": "text", "json": "result"},
    "variable-aggregator": {"output": "output"},
    "variable-assigner": {"output": "output"},
    "answer": {"answer": "answer"},
}

_SYS_INPUTS: dict[str, tuple[str, bool, str]] = {
    "query": ("string", True, "The user's message (Dify sys.query)."),
    "files": ("array", False, "Files sent with the message (Dify sys.files); not supported yet."),
    "user_id": ("string", False, "End-user id (Dify sys.user_id)."),
    "conversation_id": ("string", False, "Conversation id (Dify sys.conversation_id)."),
    "dialogue_count": ("number", False, "Turn number (Dify sys.dialogue_count)."),
    "app_id": ("string", False, "Dify sys.app_id."),
    "workflow_id": ("string", False, "Dify sys.workflow_id."),
}

_INPUT_TYPES = {
    "text-input": "string",
    "paragraph": "string",
    "select": "string",
    "url": "string",
    "number": "number",
    "checkbox": "boolean",
    "boolean": "boolean",
    "json": "object",
    "json_object": "object",
}
_FILE_INPUTS = ("file", "file-list", "files", "single-file", "multi-files")

_VALUE_TYPES = {"string": "string", "secret": "string", "number": "number", "boolean": "boolean", "object": "object"}

_SIMPLE_OPS = {
    "contains": "contains",
    "is": "equals",
    "is not": "not_equals",
    "=": "equals",
    "≠": "not_equals",
    "!=": "not_equals",
    ">": "gt",
    "<": "lt",
    "≥": "gte",
    ">=": "gte",
    "≤": "lte",
    "<=": "lte",
    "empty": "empty",
    "not empty": "not_empty",
    "null": "empty",
    "is null": "empty",
    "not null": "not_empty",
    "is not null": "not_empty",
    "exists": "not_empty",
    "not exists": "empty",
    "regex match": "regex",
}
_NUMERIC_OPS = ("gt", "lt", "gte", "lte")
_MAX_REGEX = 500

#: Dify builtin tool (provider, tool) -> (our tool, {dify parameter: our argument}).
_TOOLS: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("time", "current_time"): ("current_time", {"timezone": "timezone"}),
    ("maths", "eval_expression"): ("calculator", {"expression": "expression"}),
    ("webscraper", "webscraper"): ("fetch_web_page", {"url": "url"}),
    ("json_process", "parse"): ("json_path", {"content": "data", "json_filter": "path"}),
}
_OUR_TOOLS = "calculator, current_time, json_path, fetch_web_page"

_MODEL_PARAMS = ("temperature", "top_p", "max_tokens", "stop", "seed", "response_format")


class _Unmappable(Exception):
    """Raised while converting one node: it joins ``unmapped`` with this reason."""


@dataclass
class _DifyNode:
    index: int
    id: str
    type: str
    title: str
    data: dict[str, Any]
    raw: dict[str, Any]
    parent: str | None = None  # iteration/loop container

    @property
    def label(self) -> str:
        return f"'{self.title}'" if self.title else f"node {self.id}"


# --- the converter ---------------------------------------------------------------------------


class _Converter:
    def __init__(self, doc: Any):
        self.doc = doc
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.unmapped: list[dict[str, str]] = []
        self.unmapped_ids: set[str] = set()
        self.inputs: dict[str, dict[str, Any]] = {}
        self.outputs: dict[str, dict[str, Any]] = {}
        self.providers: dict[str, list[str]] = {}
        self.handle_maps: dict[str, dict[str, str]] = {}
        self.input_names: dict[str, str] = {}  # start variable -> our input name
        self.ids: dict[str, str] = {}
        self.nodes: dict[str, _DifyNode] = {}
        self.notes: list[dict[str, Any]] = []
        self.env: dict[str, dict[str, Any]] = {}
        self.conversation: dict[str, dict[str, Any]] = {}

    # --- helpers -------------------------------------------------------------------------------
    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    # --- reading ------------------------------------------------------------------------------
    def _read(self) -> tuple[dict[str, Any], list[Any], list[Any]]:
        doc = self.doc
        if not isinstance(doc, dict):
            raise DifyInvalid(
                f"a Dify DSL document is a mapping with 'kind: app', 'app' and 'workflow', not {type(doc).__name__}"
            )
        kind = doc.get("kind")
        if kind is not None and kind != "app":
            raise DifyInvalid(f"'kind: {kind}' is not a Dify app export (expected 'kind: app')")
        app = doc.get("app")
        if app is None:
            app = {}
        if not isinstance(app, dict):
            raise DifyInvalid("'app' must be a mapping (name, mode, description)")
        mode = app.get("mode")
        name = app.get("name") or "this app"
        if mode in OTHER_MODES:
            raise DifyInvalid(
                f"'{name}' is a Dify {mode} app; only workflow and chatflow (advanced-chat) apps have a graph to import"
            )
        if mode is not None and mode not in WORKFLOW_MODES:
            raise DifyInvalid(f"unknown Dify app mode {mode!r} (expected workflow or advanced-chat)")
        if kind is None and mode is None:
            raise DifyInvalid("not a Dify DSL export: it has neither 'kind: app' nor 'app.mode'")
        workflow = doc.get("workflow")
        if not isinstance(workflow, dict):
            raise DifyInvalid("the document has no 'workflow' section: it is not a Dify workflow export")
        graph = workflow.get("graph")
        if not isinstance(graph, dict):
            raise DifyInvalid("'workflow.graph' is missing or not a mapping")
        nodes, edges = graph.get("nodes"), graph.get("edges", [])
        if not isinstance(nodes, list) or not isinstance(edges, list):
            raise DifyInvalid("'workflow.graph.nodes' and 'workflow.graph.edges' must be lists")
        if not nodes:
            raise DifyInvalid("the workflow graph has no nodes")
        return workflow, nodes, edges

    def _read_nodes(self, raw_nodes: list[Any]) -> None:
        for index, raw in enumerate(raw_nodes):
            if not isinstance(raw, dict):
                raise DifyInvalid(f"workflow.graph.nodes[{index}] is not a mapping")
            node_id = raw.get("id")
            if node_id is None or isinstance(node_id, (dict, list, bool)) or str(node_id) == "":
                raise DifyInvalid(f"workflow.graph.nodes[{index}] has no id")
            node_id = str(node_id)
            if node_id in self.nodes:
                raise DifyInvalid(f"node id {node_id!r} is used twice in workflow.graph.nodes")
            data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
            node_type = data.get("type") or ""
            if raw.get("type") == "custom-note":
                node_type = "custom-note"
            elif raw.get("type") in ("custom-iteration-start", "custom-loop-start") and not node_type:
                node_type = "iteration-start" if "iteration" in raw["type"] else "loop-start"
            if not isinstance(node_type, str) or not node_type:
                raise DifyInvalid(f"workflow.graph.nodes[{index}] (id {node_id}) has no data.type")
            parent = (
                raw.get("parentId")
                or data.get("iteration_id")
                or data.get("loop_id")
                or (data.get("isInIteration") and "iteration")
                or (data.get("isInLoop") and "loop")
                or None
            )
            self.nodes[node_id] = _DifyNode(
                index, node_id, node_type, str(data.get("title") or ""), data, raw, str(parent) if parent else None
            )

    def _assign_ids(self) -> None:
        taken: set[str] = set()
        for dn in self.nodes.values():
            if dn.type == "custom-note":
                continue
            default = _NODE_TYPES.get(dn.type, (None, _slug(dn.type) or "node"))[1]
            if _IDENT.match(dn.id) and dn.id not in _RESERVED_IDS:
                base = dn.id
            else:
                base = _slug(dn.title) or default
                if base[0].isdigit():
                    base = f"{default}_{base}"
            if base in _RESERVED_IDS:
                base = f"{base}_node"
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}_{n}", n + 1
            taken.add(candidate)
            self.ids[dn.id] = candidate

    # --- references ---------------------------------------------------------------------------
    def _declare_input(self, name: str, **spec: Any) -> str:
        if name not in self.inputs:
            spec["description"] = str(spec.get("description") or "")
            self.inputs[name] = {"name": name, **spec}
        return name

    def path(self, selector: Any, *, where: str = "selector", owner: _DifyNode | None = None) -> list[str] | None:
        """Our variable path for a Dify value selector (``None`` when it cannot be expressed).

        ``where`` is ``template`` (inside text), ``selector`` (a config reference) or
        ``header`` (an HTTP header value: secrets may be referenced there).
        """
        who = f"{owner.label}: " if owner else ""
        if (
            not isinstance(selector, (list, tuple))
            or len(selector) < 2
            or not all(isinstance(s, (str, int)) and not isinstance(s, bool) for s in selector)
        ):
            if selector not in (None, [], ""):
                self.warn(f"{who}cannot read the variable reference {selector!r}; it was left empty")
            return None
        head, name, *rest = (str(s) for s in selector)
        if head == "sys":
            return self._sys_path(name, who) + rest
        if head == "env":
            return self._env_path(name, where, who) + rest
        if head == "conversation":
            return self._conversation_path(name, who) + rest
        dn = self.nodes.get(head)
        if dn is None:
            self.warn(f"{who}refers to a node {head!r} that is not in the file ({head}.{name})")
            return [_slug(head) or "missing_node", name, *rest]
        if dn.type == "start":
            return ["inputs", self.input_names.get(name, name), *rest]
        ours = self.ids.get(head, head)
        if dn.type in _UNSUPPORTED or dn.type not in _NODE_TYPES or dn.parent:
            return [ours, name, *rest]  # the node is unmapped; the reference shows what it was
        if dn.type == "knowledge-retrieval" and name == "result":
            new = "context" if where == "template" else "chunks"
        else:
            new = _FIELD_MAP.get(dn.type, {}).get(name)
            if new is None:
                new = name
                self.warn(
                    f"{who}reads '{name}' of {dn.label} ({dn.type}), which has no equivalent output here; "
                    f"kept as '{ours}.{name}'"
                )
        return [ours, new, *rest]

    def _sys_path(self, name: str, who: str) -> list[str]:
        if name == "workflow_run_id":
            return ["sys", "run_id"]
        kind, required, description = _SYS_INPUTS.get(name, ("string", False, f"Dify sys.{name}."))
        if name not in _SYS_INPUTS:
            self.warn(f"{who}sys.{name} has no equivalent; it became the optional input '{name}'")
        if name == "files":
            self.warn("sys.files (uploaded files) is not supported; it became an optional 'files' input")
        local = _identifier(name)
        self._declare_input(local, type=kind, required=required, description=description, default=None)
        return ["inputs", local]

    def _env_path(self, name: str, where: str, who: str) -> list[str]:
        spec = self.env.get(name)
        if spec is None:
            self.warn(f"{who}refers to environment variable {name!r}, which the file does not define")
            spec = {"value_type": "string", "value": None}
        local = _identifier(name)
        if spec.get("value_type") == "secret":
            if where == "header":
                self.warn(f"secret environment variable '{name}': add a secret named '{local}' in LLMOps Studio")
                return ["secrets", local]
            self.warn(
                f"secret environment variable '{name}' is used outside HTTP headers; it became the required "
                f"input '{local}' (pass it at run time, or reference it as {{{{ secrets.{local} }}}} in a header)"
            )
            self._declare_input(local, type="string", required=True, description=f"Dify secret {name}.")
            return ["inputs", local]
        value_type = _VALUE_TYPES.get(str(spec.get("value_type")), "string")
        self.warn(f"environment variable '{name}' became the optional input '{local}' with its value as default")
        self._declare_input(
            local, type=value_type, required=False, default=spec.get("value"), description=spec.get("description", "")
        )
        return ["inputs", local]

    def _conversation_path(self, name: str, who: str) -> list[str]:
        spec = self.conversation.get(name, {})
        local = _identifier(name)
        declared = str(spec.get("value_type"))
        value_type = _VALUE_TYPES.get(declared, "array" if declared.startswith("array") else "string")
        self.warn(
            f"conversation variable '{name}' became the optional input '{local}'; values do not persist between runs"
        )
        self._declare_input(
            local, type=value_type, required=False, default=spec.get("value"), description=spec.get("description", "")
        )
        return ["inputs", local]

    def expr(self, path: list[str]) -> str:
        """A Jinja expression for a path: ``a.b`` or ``a.b["odd key"]``."""
        text = path[0]
        for part in path[1:]:
            text += f".{part}" if _IDENT.match(part) else f"[{json.dumps(part)}]"
        return text

    def selector(self, sel: Any, owner: _DifyNode, what: str) -> str:
        """A config selector ``node.field``; raises :class:`_Unmappable` when impossible."""
        path = self.path(sel, owner=owner)
        if path is None:
            raise _Unmappable(f"{what} has no variable selected")
        if not all(_WORD_PATH.match(p) for p in path):
            raise _Unmappable(f"{what} reads {'.'.join(path)!r}, which is not a plain variable path")
        return ".".join(path)

    def rewrite(
        self,
        text: Any,
        owner: _DifyNode,
        *,
        where: str = "template",
        context: str | None = None,
        encode: bool = False,
    ) -> str:
        """Dify text with ``{{#node.var#}}`` references -> our template.

        Literal text is protected from Jinja (``{{`` becomes ``{{ '{{' }}``); ``encode``
        URL-encodes literal parts and references (query strings).
        """
        if text is None:
            return ""
        if not isinstance(text, str):
            text = str(text)
        out: list[str] = []
        pos = 0
        for match in _DIFY_REF.finditer(text):
            out.append(self._literal(text[pos : match.start()], encode))
            ref = match.group(1)
            if ref == "context":
                if context is None:
                    self.warn(
                        f"{owner.label}: {{{{#context#}}}} is used but no context variable is set; it was removed"
                    )
                else:
                    out.append("{{ " + context + (" | urlencode" if encode else "") + " }}")
            else:
                path = self.path(ref.split("."), where=where, owner=owner)
                if path is not None:
                    if path[0] == "secrets":
                        out.append("{{ secrets." + path[1] + " }}")
                    else:
                        out.append("{{ " + self.expr(path) + (" | urlencode" if encode else "") + " }}")
            pos = match.end()
        out.append(self._literal(text[pos:], encode))
        return "".join(out)

    @staticmethod
    def _literal(text: str, encode: bool) -> str:
        if encode:
            text = quote(text, safe="")
        return _JINJA_MARKER.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)

    def bind_jinja(self, template: Any, variables: Any, owner: _DifyNode) -> str:
        """A Dify Jinja2 template over local variable names -> ours: ``{% set name = ref %}``
        bindings in front of the unchanged template."""
        template = "" if template is None else str(template)
        bindings = []
        for var in _list({"variables": variables}, "variables", owner):
            if not isinstance(var, dict):
                continue
            name = str(var.get("variable") or "")
            if not _IDENT.match(name):
                self.warn(f"{owner.label}: template variable {name!r} is not a valid name and was skipped")
                continue
            path = self.path(var.get("value_selector"), where="template", owner=owner)
            if path is None or path[0] == "secrets":
                self.warn(f"{owner.label}: template variable '{name}' selects nothing and was skipped")
                continue
            bindings.append(f"{{% set {name} = {self.expr(path)} %}}")
        result = "".join(bindings) + template
        try:
            compile_template(result)
        except TemplateError as exc:
            self.warn(f"{owner.label}: the template does not compile here ({exc.message}); check it in the editor")
        return result

    # --- the conversion -----------------------------------------------------------------------
    def convert(self) -> DifyImport:
        workflow, raw_nodes, raw_edges = self._read()
        app = self.doc.get("app") or {}
        mode = app.get("mode") or "workflow"
        self._read_variables(workflow)
        self._read_nodes(raw_nodes)
        self._assign_ids()
        self._check_features(workflow)

        starts = [dn for dn in self.nodes.values() if dn.type == "start" and not dn.parent]
        for dn in starts:  # inputs first: every other node reads them
            self._start_inputs(dn)
        if not starts:
            self.warn("the Dify graph has no start node; add one before running the app")

        nodes: list[dict[str, Any]] = []
        for dn in self.nodes.values():
            if dn.type == "custom-note":
                self.notes.append(self._note(dn))
                continue
            try:
                nodes.append(self._node(dn))
            except _Unmappable as exc:
                self._mark_unmapped(dn, str(exc))
        edges = self._edges(raw_edges, {n["id"] for n in nodes})
        for provider, models in self.providers.items():
            self.warn(
                f"model provider '{provider}' must be configured in LLMOps Studio (models used: {', '.join(models)})"
            )
        graph = {
            "name": str(app.get("name") or ""),
            "description": str(app.get("description") or ""),
            "inputs": list(self.inputs.values()),
            "outputs": list(self.outputs.values()),
            "nodes": nodes,
            "edges": edges,
            "notes": self.notes,
        }
        try:
            spec = GraphSpec.from_dict(graph)
        except ValueError as exc:  # a converter bug, not the user's: say so clearly
            raise DifyInvalid(f"the converted graph is not a valid graph spec: {exc}") from None
        return DifyImport(
            name=graph["name"],
            description=graph["description"],
            graph=spec.to_dict(),
            unmapped=self.unmapped,
            warnings=self.warnings,
            mode=mode,
            id_map={k: v for k, v in self.ids.items() if k not in self.unmapped_ids},
        )

    def _read_variables(self, workflow: dict[str, Any]) -> None:
        for key, target in (("environment_variables", self.env), ("conversation_variables", self.conversation)):
            items = workflow.get(key) or []
            if not isinstance(items, list):
                raise DifyInvalid(f"'workflow.{key}' must be a list")
            for item in items:
                if isinstance(item, dict) and item.get("name"):
                    target[str(item["name"])] = item

    def _check_features(self, workflow: dict[str, Any]) -> None:
        features = workflow.get("features") or {}
        if not isinstance(features, dict):
            return
        if features.get("opening_statement"):
            self.warn("the chat opening statement is not converted")
        upload = features.get("file_upload") or {}
        if isinstance(upload, dict) and upload.get("enabled"):
            self.warn("file upload is enabled in Dify; file inputs are not supported yet")

    def _mark_unmapped(self, dn: _DifyNode, reason: str) -> None:
        self.unmapped.append({"id": dn.id, "title": dn.title, "type": dn.type, "reason": reason})
        self.unmapped_ids.add(dn.id)
        position = dn.raw.get("position") if isinstance(dn.raw.get("position"), dict) else {}
        if not dn.parent:
            self.notes.append(
                {
                    "id": f"unmapped_{self.ids.get(dn.id, dn.id)}",
                    "text": f"Not imported: Dify {dn.type} node '{dn.title or dn.id}'. {reason}.",
                    "position": _position(position),
                    "color": "pink",
                }
            )

    # --- nodes --------------------------------------------------------------------------------
    def _node(self, dn: _DifyNode) -> dict[str, Any]:
        if dn.parent:
            container = self.nodes.get(dn.parent)
            what = f"'{container.title}'" if container and container.title else "an iteration or loop"
            raise _Unmappable(f"it is inside {what}, whose sub-graph is not converted")
        if dn.type in _UNSUPPORTED:
            raise _Unmappable(_UNSUPPORTED[dn.type])
        if dn.type not in _NODE_TYPES:
            raise _Unmappable(f"unknown Dify node type {dn.type!r}")
        handler = getattr(self, "_n_" + dn.type.replace("-", "_"))
        node_type, config = handler(dn)
        node: dict[str, Any] = {
            "id": self.ids[dn.id],
            "type": node_type,
            "version": 1,
            "title": dn.title,
            "config": config,
            "position": _position(dn.raw.get("position")),
        }
        settings = self._settings(dn)
        if settings:
            node["settings"] = settings
        return node

    def _settings(self, dn: _DifyNode) -> dict[str, Any]:
        data = dn.data
        settings: dict[str, Any] = {}
        retry = data.get("retry_config")
        if isinstance(retry, dict) and retry.get("enabled"):
            settings["max_retries"] = max(0, min(10, _int(retry.get("max_retries"), 1)))
            interval = _number(retry.get("retry_interval"))
            if interval is not None and interval >= 0:
                settings["retry_backoff_s"] = interval / 1000
        strategy = data.get("error_strategy")
        if strategy == "fail-branch":
            settings["error_strategy"] = "fail_branch"
        elif strategy == "default-value":
            settings["error_strategy"] = "default_value"
            fields = _FIELD_MAP.get(dn.type, {})
            defaults = {}
            for item in data.get("default_value") or []:
                if isinstance(item, dict) and item.get("key"):
                    key = str(item["key"])
                    defaults[fields.get(key, key)] = item.get("value")
            settings["default_outputs"] = defaults
        return settings

    def _start_inputs(self, dn: _DifyNode) -> None:
        for var in _list(dn.data, "variables", dn):
            if not isinstance(var, dict) or not var.get("variable"):
                continue
            name = str(var["variable"])
            kind = str(var.get("type") or "text-input")
            local = _identifier(name)
            self.input_names[name] = local
            if kind in _FILE_INPUTS:
                self.warn(
                    f"start variable '{name}' is a file input ({kind}); file inputs are not supported, "
                    "so it was not declared"
                )
                continue
            value_type = _INPUT_TYPES.get(kind)
            if value_type is None:
                self.warn(f"start variable '{name}' has the unknown type {kind!r}; it became a string input")
                value_type = "string"
            label = var.get("label")
            description = label if isinstance(label, str) else ""
            if var.get("hint"):
                description = f"{description} — {var['hint']}" if description else str(var["hint"])
            options = _list(var, "options", dn)
            if kind == "select" and options:
                description = (
                    (description + " " if description else "") + "(one of: " + ", ".join(map(str, options)) + ")"
                )
            default = var.get("default")
            if default in ("", None):
                default = None
            elif value_type == "number":
                number = _number(default)
                default = None if number is None else _plain_number(number)
            self._declare_input(
                local,
                type=value_type,
                required=bool(var.get("required", True)),
                default=default,
                description=description,
            )

    def _n_start(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        return "start", {}

    def _n_end(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        outputs: dict[str, str] = {}
        for item in _list(dn.data, "outputs", dn):
            if not isinstance(item, dict) or not item.get("variable"):
                continue
            name = _identifier(str(item["variable"]))
            try:
                outputs[name] = self.selector(item.get("value_selector"), dn, f"output '{name}'")
            except _Unmappable as exc:
                self.warn(f"{dn.label}: {exc}; the output was dropped")
                continue
            value_type = str(item.get("value_type") or "")
            kind = "array" if value_type.startswith("array") else _VALUE_TYPES.get(value_type, "any")
            self.outputs.setdefault(name, {"name": name, "type": kind, "description": ""})
        return "end", {"outputs": outputs}

    def _n_answer(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        return "answer", {"template": self.rewrite(dn.data.get("answer"), dn)}

    def _model(self, model: Any, dn: _DifyNode) -> dict[str, Any]:
        if not isinstance(model, dict):
            raise _Unmappable("it has no model configured")
        provider = str(model.get("provider") or "").strip().strip("/")
        name = str(model.get("name") or "").strip()
        if not provider or not name:
            raise _Unmappable("its model provider or model name is missing")
        provider = provider.split("/")[-1]  # plugin ids: langgenius/openai/openai -> openai
        models = self.providers.setdefault(provider, [])
        if name not in models:
            models.append(name)
        ref: dict[str, Any] = {"provider": provider, "model": name}
        params = model.get("completion_params") or {}
        if not isinstance(params, dict):
            params = {}
        temperature = _number(params.get("temperature"))
        if temperature is not None:
            ref["temperature"] = max(0.0, min(2.0, temperature))
        top_p = _number(params.get("top_p"))
        if top_p is not None and 0 < top_p <= 1:
            ref["top_p"] = top_p
        max_tokens = _number(params.get("max_tokens"))
        if max_tokens is not None and max_tokens >= 1:
            ref["max_tokens"] = int(max_tokens)
        stop = params.get("stop")
        if isinstance(stop, list) and stop:
            ref["stop"] = [str(s) for s in stop]
        seed = _number(params.get("seed"))
        if seed is not None:
            ref["seed"] = int(seed)
        if str(params.get("response_format") or "").startswith("json"):
            ref["json_mode"] = True
        dropped = sorted(k for k, v in params.items() if k not in _MODEL_PARAMS and v not in (None, ""))
        if dropped:
            self.warn(f"{dn.label}: model parameters {', '.join(dropped)} are not supported and were dropped")
        return ref

    def _n_llm(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        data = dn.data
        model = self._model(data.get("model"), dn)
        if data.get("structured_output_enabled"):
            model["json_mode"] = True
            self.warn(f"{dn.label}: structured output became JSON mode; the output schema is not enforced")
        context = None
        ctx = data.get("context") or {}
        if isinstance(ctx, dict) and ctx.get("enabled") and ctx.get("variable_selector"):
            path = self.path(ctx.get("variable_selector"), where="template", owner=dn)
            if path is not None and path[0] != "secrets":
                context = self.expr(path)
        jinja_vars = (data.get("prompt_config") or {}).get("jinja2_variables") or []
        items = data.get("prompt_template") or []
        if isinstance(items, dict):  # completion-mode models: one prompt
            items = [{"role": "user", **items}]
        messages: list[dict[str, str]] = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            role = item.get("role") or "user"
            if role not in ("system", "user", "assistant"):
                self.warn(f"{dn.label}: message role {role!r} became 'user'")
                role = "user"
            if item.get("edition_type") == "jinja2":
                text = self.bind_jinja(item.get("jinja2_text"), jinja_vars, dn)
            else:
                text = self.rewrite(item.get("text"), dn, context=context)
            if text.strip():
                messages.append({"role": role, "template": text})
        memory = data.get("memory")
        if isinstance(memory, dict):
            query = memory.get("query_prompt_template") or "{{#sys.query#}}"
            messages.append({"role": "user", "template": self.rewrite(query, dn, context=context)})
            self.warn(
                f"{dn.label}: conversation memory is not carried over; the user's message is sent as the "
                "last user message"
            )
        if not messages:
            self.warn(f"{dn.label}: the prompt is empty")
            messages.append({"role": "user", "template": ""})
        vision = data.get("vision") or {}
        if isinstance(vision, dict) and vision.get("enabled"):
            self.warn(f"{dn.label}: vision (image input) is not supported and was turned off")
        return "prompt", {"model": model, "messages": messages}

    def _n_question_classifier(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        data = dn.data
        model = self._model(data.get("model"), dn)
        query = self.path(data.get("query_variable_selector"), where="template", owner=dn)
        if query is None:
            raise _Unmappable("it classifies no variable (query_variable_selector is empty)")
        raw_classes = [c for c in _list(data, "classes", dn) if isinstance(c, dict)]
        if not raw_classes:
            raise _Unmappable("it has no classes")
        classes, handles, taken = [], {}, set()
        for i, item in enumerate(raw_classes, 1):
            name = str(item.get("name") or "").strip() or f"Class {i}"
            handle = _slug(name)
            if not handle or not _HANDLE_ID.match(handle) or handle in taken:
                handle = f"class_{i}"
            taken.add(handle)
            handles[str(item.get("id"))] = handle
            classes.append({"id": handle, "name": name})
        if len(classes) == 1:
            classes.append(
                {"id": "other", "name": "other"} if "other" not in taken else {"id": "other_", "name": "other"}
            )
            self.warn(f"{dn.label}: a classifier needs two classes; an unconnected 'other' class was added")
        self.handle_maps[dn.id] = handles
        config: dict[str, Any] = {
            "model": model,
            "query": "{{ " + self.expr(query) + " }}",
            "classes": classes,
            "fallback": classes[0]["id"],  # Dify falls back to the first class
        }
        instruction = str(data.get("instruction") or data.get("instructions") or "")
        if _DIFY_REF.search(instruction):
            self.warn(
                f"{dn.label}: the instruction's variable references are not filled in by our classifier; "
                "they were removed"
            )
            instruction = _DIFY_REF.sub("", instruction)
        if instruction.strip():
            config["instruction"] = instruction.strip()
        if isinstance(data.get("memory"), dict):
            self.warn(f"{dn.label}: conversation memory is not carried over")
        return "classifier", config

    def _n_if_else(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        data = dn.data
        cases = data.get("cases")
        if not cases:  # Dify < 0.6.x: one case ('true') at the top level
            cases = [
                {
                    "case_id": "true",
                    "logical_operator": data.get("logical_operator") or "and",
                    "conditions": data.get("conditions") or [],
                }
            ]
        if not isinstance(cases, list):
            raise _Unmappable("its cases are not a list")
        ours, handles, taken = [], {"false": "else"}, set()
        for i, case in enumerate(cases, 1):
            if not isinstance(case, dict):
                raise _Unmappable(f"case {i} is not a mapping")
            dify_id = str(case.get("case_id") or case.get("id") or "")
            case_id = dify_id if _HANDLE_ID.match(dify_id) and dify_id != "else" else f"case_{i}"
            if case_id in taken:
                case_id = f"case_{i}"
            taken.add(case_id)
            handles[dify_id] = case_id
            conditions = [self._condition(c, dn, i) for c in _list(case, "conditions", dn)]
            if not conditions:
                raise _Unmappable(f"case {i} has no conditions")
            logical = case.get("logical_operator") or "and"
            ours.append(
                {
                    "id": case_id,
                    "logical_operator": logical if logical in ("and", "or") else "and",
                    "conditions": conditions,
                }
            )
        self.handle_maps[dn.id] = handles
        return "branch", {"cases": ours}

    def _condition(self, cond: Any, dn: _DifyNode, case_no: int) -> dict[str, Any]:
        if not isinstance(cond, dict):
            raise _Unmappable(f"case {case_no} has a malformed condition")
        op = str(cond.get("comparison_operator") or "")
        if cond.get("sub_variable_condition"):
            raise _Unmappable("it tests file attributes (sub-variable conditions), which are not supported")
        if cond.get("value_type") == "value_selector" or cond.get("value_selector"):
            raise _Unmappable("a condition compares with another variable; branch conditions compare with fixed values")
        value = cond.get("value")
        if isinstance(value, str) and _DIFY_REF.search(value):
            raise _Unmappable(
                "a condition compares with a variable ({{#...#}}); branch conditions compare with fixed values"
            )
        variable = self.selector(cond.get("variable_selector"), dn, f"a condition of case {case_no}")
        if op in _SIMPLE_OPS:
            operator = _SIMPLE_OPS[op]
            if operator in ("empty", "not_empty"):
                return {"variable": variable, "operator": operator}
            if operator in _NUMERIC_OPS:
                number = _number(value)
                if number is None:
                    raise _Unmappable(f"condition '{variable} {op} {value}' needs a number")
                value = _plain_number(number)
            elif operator in ("equals", "not_equals") and (cond.get("varType") == "number" or op in ("=", "≠", "!=")):
                number = _number(value)
                value = _plain_number(number) if number is not None else value
            elif value is None:
                value = ""
            return {"variable": variable, "operator": operator, "value": value}
        text = "" if value is None else value
        if op == "not contains":
            pattern = r"\A(?![\s\S]*" + re.escape(str(text)) + ")"
        elif op == "start with":
            pattern = r"\A" + re.escape(str(text))
        elif op == "end with":
            pattern = re.escape(str(text)) + r"\Z"
        elif op in ("in", "not in"):
            items = text if isinstance(text, list) else [text]
            alternatives = "|".join(re.escape(str(v)) for v in items)
            pattern = rf"\A(?:{alternatives})\Z" if op == "in" else rf"\A(?!(?:{alternatives})\Z)"
        else:
            raise _Unmappable(f"the comparison operator {op!r} is not supported")
        if len(pattern) > _MAX_REGEX:
            raise _Unmappable(f"the value of '{op}' is too long to express as a pattern")
        return {"variable": variable, "operator": "regex", "value": pattern}

    def _n_knowledge_retrieval(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        data = dn.data
        query = self.path(data.get("query_variable_selector"), where="template", owner=dn)
        if query is None:
            raise _Unmappable("it has no query variable")
        datasets = [str(d) for d in _list(data, "dataset_ids", dn) if d not in (None, "")]
        if datasets:
            knowledge_base = datasets[0]
            self.warn(
                f"{dn.label}: Dify dataset {datasets[0]} became knowledge base '{knowledge_base}'; create a "
                "knowledge base with that name (or pick yours in the node) and upload the documents again — "
                "Dify exports do not include them"
            )
            if len(datasets) > 1:
                self.warn(
                    f"{dn.label}: it searched {len(datasets)} datasets; our retrieval node searches one "
                    f"knowledge base, so {', '.join(datasets[1:])} were left out"
                )
        else:
            knowledge_base = self.ids[dn.id]
            self.warn(f"{dn.label}: no dataset was selected; pick a knowledge base in the node")
        config: dict[str, Any] = {
            "query": "{{ " + self.expr(query) + " }}",
            "knowledge_base": knowledge_base,
        }
        mode = data.get("retrieval_mode") or "multiple"
        multiple = data.get("multiple_retrieval_config") or {}
        if mode == "single" or not isinstance(multiple, dict):
            self.warn(
                f"{dn.label}: single (model-routed) retrieval became a direct search of the knowledge base with top 4"
            )
            multiple = {}
        top_k = _number(multiple.get("top_k"))
        if top_k is not None:
            config["top_k"] = max(1, min(100, int(top_k)))
        threshold = _number(multiple.get("score_threshold"))
        if threshold is not None and threshold > 0 and multiple.get("score_threshold_enabled", True) is not False:
            config["score_threshold"] = threshold
        vector = _number(_dig(multiple, "weights", "vector_setting", "vector_weight"))
        keyword = _number(_dig(multiple, "weights", "keyword_setting", "keyword_weight"))
        if vector is not None and keyword is not None:
            config["mode"] = "vector" if keyword == 0 else "lexical" if vector == 0 else "hybrid"
        if multiple.get("reranking_enable") and multiple.get("reranking_model"):
            self.warn(f"{dn.label}: the reranking model is not converted")
        if data.get("metadata_filtering_mode") not in (None, "disabled"):
            self.warn(f"{dn.label}: metadata filtering is not supported and was dropped")
        return "retrieval", config

    def _n_template_transform(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        return "template", {"template": self.bind_jinja(dn.data.get("template"), dn.data.get("variables"), dn)}

    def _n_http_request(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        data = dn.data
        method = str(data.get("method") or "get").upper()
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
            raise _Unmappable(f"the HTTP method {method} is not supported")
        url = self.rewrite(str(data.get("url") or "").strip(), dn)
        if not url:
            raise _Unmappable("it has no URL")
        params = _key_values(data.get("params"))
        if params:
            query = "&".join(
                self.rewrite(k, dn, encode=True) + "=" + self.rewrite(v, dn, encode=True) for k, v in params
            )
            url += ("&" if "?" in url else "?") + query
        headers: dict[str, str] = {}
        for key, value in _key_values(data.get("headers")):
            if _DIFY_REF.search(key):
                self.warn(f"{dn.label}: header name {key!r} holds a variable; that header was dropped")
                continue
            headers[key] = self.rewrite(value, dn, where="header")
        self._http_auth(data.get("authorization"), dn, headers)
        config: dict[str, Any] = {"method": method, "url": url, "headers": headers}
        body = data.get("body") or {}
        body_type = str(body.get("type") or "none") if isinstance(body, dict) else "none"
        items = body.get("data") if isinstance(body, dict) else None
        if isinstance(items, str):
            items = [{"type": "text", "key": "", "value": items}]
        items = [i for i in _list({"data": items}, "data", dn) if isinstance(i, dict)]
        if body_type in ("form-data", "binary"):
            raise _Unmappable(f"{body_type} bodies (file uploads) are not supported")
        if body_type == "json":
            config["body"] = self.rewrite("".join(str(i.get("value") or "") for i in items), dn)
            config["body_format"] = "json"
        elif body_type == "raw-text":
            config["body"] = self.rewrite("".join(str(i.get("value") or "") for i in items), dn)
            config["body_format"] = "text"
        elif body_type == "x-www-form-urlencoded":
            config["body"] = "&".join(
                self.rewrite(str(i.get("key") or ""), dn, encode=True)
                + "="
                + self.rewrite(str(i.get("value") or ""), dn, encode=True)
                for i in items
            )
            config["body_format"] = "text"
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        timeout = data.get("timeout") or {}
        if isinstance(timeout, dict):
            connect = _number(timeout.get("connect", timeout.get("max_connect_timeout")))
            read = _number(timeout.get("read", timeout.get("max_read_timeout")))
            parts = [t for t in (connect, read) if t is not None and t > 0]
            if parts:
                config["timeout_s"] = max(1.0, min(300.0, float(sum(parts))))
        if data.get("ssl_verify") is False:
            self.warn(f"{dn.label}: TLS verification cannot be turned off here; certificates will be verified")
        return "http_request", config

    def _http_auth(self, auth: Any, dn: _DifyNode, headers: dict[str, str]) -> None:
        if not isinstance(auth, dict) or auth.get("type") != "api-key":
            return
        cfg = auth.get("config") or {}
        if not isinstance(cfg, dict):
            return
        key = str(cfg.get("api_key") or "")
        match = _DIFY_REF.fullmatch(key.strip())
        if match and match.group(1).startswith("env."):
            secret = _identifier(match.group(1).split(".", 1)[1])
        else:
            secret = f"{self.ids[dn.id].upper()}_API_KEY"
        self.warn(
            f"{dn.label}: the API key is now read from the secret '{secret}'; add that secret in LLMOps Studio "
            "(the key itself is never copied into the graph)"
        )
        ref = "{{ secrets." + secret + " }}"
        kind = cfg.get("type")
        if kind == "bearer":
            headers["Authorization"] = f"Bearer {ref}"
        elif kind == "basic":
            headers["Authorization"] = f"Basic {ref}"
            self.warn(f"{dn.label}: for basic auth, store base64('user:password') in the secret '{secret}'")
        else:
            headers[str(cfg.get("header") or "Authorization")] = ref

    def _n_tool(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        data = dn.data
        provider = str(data.get("provider_id") or data.get("provider_name") or "").strip("/").split("/")[-1].lower()
        tool_name = str(data.get("tool_name") or "")
        known = _TOOLS.get((provider, tool_name))
        if known is None:
            label = data.get("tool_label") or tool_name or "?"
            raise _Unmappable(
                f"the tool '{provider}/{tool_name}' ({label}) has no equivalent among our built-in tools "
                f"({_OUR_TOOLS})"
            )
        ours, names = known
        values: dict[str, Any] = {}
        for source in (data.get("tool_configurations"), data.get("tool_parameters")):
            if isinstance(source, dict):
                values.update(source)
        arguments: dict[str, Any] = {}
        for name, raw in values.items():
            value = self._tool_value(raw, dn)
            if value in (None, ""):
                continue
            if name not in names:
                self.warn(f"{dn.label}: tool parameter '{name}' has no equivalent in '{ours}' and was dropped")
                continue
            arguments[names[name]] = value
        if (
            ours == "json_path"
            and isinstance(arguments.get("path"), str)
            and not arguments["path"].startswith(("$", "{"))
        ):
            arguments["path"] = "$." + arguments["path"]
        return "tool", {"tool": ours, "arguments": arguments}

    def _tool_value(self, raw: Any, dn: _DifyNode) -> Any:
        if isinstance(raw, dict) and "type" in raw and "value" in raw:
            kind, value = raw.get("type"), raw.get("value")
            if kind == "variable":
                path = self.path(value, where="template", owner=dn)
                return None if path is None else "{{ " + self.expr(path) + " }}"
            if kind == "mixed" and isinstance(value, str):
                return self.rewrite(value, dn)
            return self.rewrite(value, dn) if isinstance(value, str) else value
        if isinstance(raw, str):
            return self.rewrite(raw, dn)
        return raw

    def _n_variable_aggregator(self, dn: _DifyNode) -> tuple[str, dict[str, Any]]:
        data = dn.data
        advanced = data.get("advanced_settings") or {}
        if isinstance(advanced, dict) and advanced.get("group_enabled"):
            raise _Unmappable("grouped aggregation is not supported; use one aggregate node per group")
        variables = data.get("variables") or []
        if not isinstance(variables, list) or not all(isinstance(v, list) for v in variables):
            raise _Unmappable("it assigns conversation variables, which is not supported")
        inputs = [self.selector(v, dn, "a variable") for v in variables]
        if not inputs:
            raise _Unmappable("it aggregates no variables")
        return "aggregate", {"inputs": inputs}

    _n_variable_assigner = _n_variable_aggregator

    def _note(self, dn: _DifyNode) -> dict[str, Any]:
        raw = dn.raw
        note = {
            "id": f"note_{_slug(dn.id) or len(self.notes) + 1}",
            "text": _note_text(dn.data.get("text")),
            "position": _position(raw.get("position")),
            "color": str(dn.data.get("theme") or "yellow")[:32],
        }
        for key in ("width", "height"):
            size = _number(dn.data.get(key) or raw.get(key))
            if size is not None and size > 0:
                note[key] = size
        return note

    # --- edges --------------------------------------------------------------------------------
    def _edges(self, raw_edges: list[Any], node_ids: set[str]) -> list[dict[str, Any]]:
        edges: list[dict[str, Any]] = []
        seen: set[tuple[str, str, str]] = set()
        used_ids: set[str] = set()
        removed: dict[str, int] = {}
        for index, raw in enumerate(raw_edges):
            if not isinstance(raw, dict) or raw.get("source") in (None, "") or raw.get("target") in (None, ""):
                raise DifyInvalid(f"workflow.graph.edges[{index}] needs a source and a target")
            source, target = str(raw["source"]), str(raw["target"])
            missing = [end for end in (source, target) if end not in self.nodes]
            if missing:
                self.warn(f"an edge points at node(s) {missing} that are not in the file; it was dropped")
                continue
            gone = [end for end in (source, target) if end in self.unmapped_ids]
            if gone:
                for end in gone:
                    removed[end] = removed.get(end, 0) + 1
                continue
            ours_source, ours_target = self.ids.get(source), self.ids.get(target)
            if ours_source not in node_ids or ours_target not in node_ids:
                continue  # a note
            handle = self._source_handle(source, raw.get("sourceHandle"))
            if handle is None:
                continue
            key = (ours_source, handle, ours_target)
            if key in seen:
                continue
            seen.add(key)
            edge_id = f"e_{ours_source}_{ours_target}" + ("" if handle == "out" else f"_{handle}")
            candidate, n = edge_id, 2
            while candidate in used_ids:
                candidate, n = f"{edge_id}_{n}", n + 1
            used_ids.add(candidate)
            edges.append(
                {
                    "id": candidate,
                    "source": ours_source,
                    "source_handle": handle,
                    "target": ours_target,
                    "target_handle": "in",
                }
            )
        for dify_id, count in removed.items():
            dn = self.nodes[dify_id]
            self.warn(
                f"removed {count} edge(s) of the unmapped {dn.type} node '{dn.title or dn.id}'; reconnect the "
                "graph around it"
            )
        return edges

    def _source_handle(self, source: str, handle: Any) -> str | None:
        dn = self.nodes[source]
        handle = "source" if handle in (None, "") else str(handle)
        if handle == "fail-branch":
            return "fail"
        handles = self.handle_maps.get(source)
        if handles is not None:
            if handle in handles:
                return handles[handle]
            self.warn(f"an edge leaves {dn.label} from the unknown branch {handle!r}; it was dropped")
            return None
        if handle != "source":
            self.warn(f"an edge leaves {dn.label} from the unknown handle {handle!r}; it was connected to 'out'")
        return "out"


# --- small helpers ---------------------------------------------------------------------------


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^0-9A-Za-z]+", "_", ascii_text).strip("_").lower()
    return slug[:40].rstrip("_")


def _identifier(name: str) -> str:
    if _IDENT.match(name):
        return name
    slug = _slug(name) or "value"
    return f"v_{slug}" if slug[0].isdigit() else slug


def _position(raw: Any) -> dict[str, float]:
    raw = raw if isinstance(raw, dict) else {}
    return {"x": _number(raw.get("x")) or 0.0, "y": _number(raw.get("y")) or 0.0}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value and value not in (float("inf"), float("-inf")) else None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _list(container: dict[str, Any], key: str, owner: _DifyNode | None) -> list[Any]:
    """``container[key]`` as a list (missing/empty: ``[]``); anything else is a malformed file."""
    value = container.get(key)
    if value in (None, "", {}):
        return []
    if not isinstance(value, list):
        where = f"node {owner.id} ({owner.title or owner.type})" if owner else "the file"
        raise DifyInvalid(f"{where}: '{key}' must be a list, not {type(value).__name__}")
    return value


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _plain_number(number: float) -> int | float:
    return int(number) if number.is_integer() else number


def _int(value: Any, default: int) -> int:
    number = _number(value)
    return default if number is None else int(number)


def _key_values(value: Any) -> list[tuple[str, str]]:
    """Dify's ``"key:value\\nkey2:value2"`` header/param text (or a list of {key, value})."""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and str(item.get("key") or "").strip():
                pairs.append((str(item["key"]).strip(), str(item.get("value") or "").strip()))
        return pairs
    if not isinstance(value, str):
        return pairs
    for line in value.splitlines():
        if not line.strip():
            continue
        key, _, val = line.partition(":")
        if key.strip():
            pairs.append((key.strip(), val.strip()))
    return pairs


def _note_text(text: Any) -> str:
    """Plain text of a Dify note (stored as Lexical editor JSON)."""
    if not isinstance(text, str):
        return ""
    try:
        tree = json.loads(text)
    except ValueError:
        return text
    paragraphs: list[str] = []
    budget = [10_000]

    def walk(node: Any, parts: list[str]) -> None:
        budget[0] -= 1
        if budget[0] < 0 or not isinstance(node, dict):
            return
        if isinstance(node.get("text"), str):
            parts.append(node["text"])
        for child in node.get("children") or []:
            walk(child, parts)

    root = tree.get("root") if isinstance(tree, dict) else None
    for block in (root or {}).get("children") or []:
        parts: list[str] = []
        walk(block, parts)
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs).strip()
