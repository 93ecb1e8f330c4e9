"""Dify variable references -> ours.

Dify's ``{{#node_id.field#}}`` in text and value selectors ``[node_id, field]`` in configs
become ``{{ our_id.field }}`` / ``our_id.field``, with output fields renamed where ours
differ (:data:`~.node_types.FIELD_MAP`). Start variables and ``sys.*``, ``env.*`` and
``conversation.*`` variables become app inputs ``inputs.<name>`` (secret environment
variables used in HTTP headers become ``secrets.<name>``).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from runtime.errors import TemplateError
from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable, list_field
from runtime.interchange.dify.ids import IDENT, identifier, slug
from runtime.interchange.dify.node_types import FIELD_MAP, NODE_TYPES, UNSUPPORTED
from runtime.templates import compile_template

# {{#node_id.field.key#}} or {{#context#}}; Dify ids are digits/letters/_ (hand-written ones may use -).
DIFY_REF = re.compile(r"\{\{#([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)+|context)#\}\}")
_JINJA_MARKER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_WORD_PATH = re.compile(r"^\w+$")

#: Dify value type -> our input/output type.
VALUE_TYPES = {"string": "string", "secret": "string", "number": "number", "boolean": "boolean", "object": "object"}

_SYS_INPUTS: dict[str, tuple[str, bool, str]] = {
    "query": ("string", True, "The user's message (Dify sys.query)."),
    "files": ("array", False, "Files sent with the message (Dify sys.files); not supported yet."),
    "user_id": ("string", False, "End-user id (Dify sys.user_id)."),
    "conversation_id": ("string", False, "Conversation id (Dify sys.conversation_id)."),
    "dialogue_count": ("number", False, "Turn number (Dify sys.dialogue_count)."),
    "app_id": ("string", False, "Dify sys.app_id."),
    "workflow_id": ("string", False, "Dify sys.workflow_id."),
}


def variable_path(
    conv: Conversion, selector: Any, *, where: str = "selector", owner: DifyNode | None = None
) -> list[str] | None:
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
            conv.warn(f"{who}cannot read the variable reference {selector!r}; it was left empty")
        return None
    head, name, *rest = (str(s) for s in selector)
    if head == "sys":
        return _sys_path(conv, name, who) + rest
    if head == "env":
        return _env_path(conv, name, where, who) + rest
    if head == "conversation":
        return _conversation_path(conv, name, who) + rest
    dn = conv.nodes.get(head)
    if dn is None:
        conv.warn(f"{who}refers to a node {head!r} that is not in the file ({head}.{name})")
        return [slug(head) or "missing_node", name, *rest]
    if dn.type == "start":
        return ["inputs", conv.input_names.get(name, name), *rest]
    ours = conv.ids.get(head, head)
    if dn.type in UNSUPPORTED or dn.type not in NODE_TYPES or dn.parent:
        return [ours, name, *rest]  # the node is unmapped; the reference shows what it was
    new: str | None
    if dn.type == "knowledge-retrieval" and name == "result":
        new = "context" if where == "template" else "chunks"
    else:
        new = FIELD_MAP.get(dn.type, {}).get(name)
        if new is None:
            new = name
            conv.warn(
                f"{who}reads '{name}' of {dn.label} ({dn.type}), which has no equivalent output here; "
                f"kept as '{ours}.{name}'"
            )
    return [ours, new, *rest]


def _sys_path(conv: Conversion, name: str, who: str) -> list[str]:
    if name == "workflow_run_id":
        return ["sys", "run_id"]
    kind, required, description = _SYS_INPUTS.get(name, ("string", False, f"Dify sys.{name}."))
    if name not in _SYS_INPUTS:
        conv.warn(f"{who}sys.{name} has no equivalent; it became the optional input '{name}'")
    if name == "files":
        conv.warn("sys.files (uploaded files) is not supported; it became an optional 'files' input")
    local = identifier(name)
    conv.declare_input(local, type=kind, required=required, description=description, default=None)
    return ["inputs", local]


def _env_path(conv: Conversion, name: str, where: str, who: str) -> list[str]:
    spec = conv.env.get(name)
    if spec is None:
        conv.warn(f"{who}refers to environment variable {name!r}, which the file does not define")
        spec = {"value_type": "string", "value": None}
    local = identifier(name)
    if spec.get("value_type") == "secret":
        if where == "header":
            conv.warn(f"secret environment variable '{name}': add a secret named '{local}' in LLMOps Studio")
            return ["secrets", local]
        conv.warn(
            f"secret environment variable '{name}' is used outside HTTP headers; it became the required "
            f"input '{local}' (pass it at run time, or reference it as {{{{ secrets.{local} }}}} in a header)"
        )
        conv.declare_input(local, type="string", required=True, description=f"Dify secret {name}.")
        return ["inputs", local]
    value_type = VALUE_TYPES.get(str(spec.get("value_type")), "string")
    conv.warn(f"environment variable '{name}' became the optional input '{local}' with its value as default")
    conv.declare_input(
        local, type=value_type, required=False, default=spec.get("value"), description=spec.get("description", "")
    )
    return ["inputs", local]


def _conversation_path(conv: Conversion, name: str, who: str) -> list[str]:
    spec = conv.conversation.get(name, {})
    local = identifier(name)
    declared = str(spec.get("value_type"))
    value_type = VALUE_TYPES.get(declared, "array" if declared.startswith("array") else "string")
    conv.warn(f"conversation variable '{name}' became the optional input '{local}'; values do not persist between runs")
    conv.declare_input(
        local, type=value_type, required=False, default=spec.get("value"), description=spec.get("description", "")
    )
    return ["inputs", local]


def jinja_expr(path: list[str]) -> str:
    """A Jinja expression for a path: ``a.b`` or ``a.b["odd key"]``."""
    text = path[0]
    for part in path[1:]:
        text += f".{part}" if IDENT.match(part) else f"[{json.dumps(part)}]"
    return text


def config_selector(conv: Conversion, sel: Any, owner: DifyNode, what: str) -> str:
    """A config selector ``node.field``; raises :class:`Unmappable` when impossible."""
    path = variable_path(conv, sel, owner=owner)
    if path is None:
        raise Unmappable(f"{what} has no variable selected")
    if not all(_WORD_PATH.match(p) for p in path):
        raise Unmappable(f"{what} reads {'.'.join(path)!r}, which is not a plain variable path")
    return ".".join(path)


def rewrite(
    conv: Conversion,
    text: Any,
    owner: DifyNode,
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
    for match in DIFY_REF.finditer(text):
        out.append(_literal(text[pos : match.start()], encode))
        ref = match.group(1)
        if ref == "context":
            if context is None:
                conv.warn(f"{owner.label}: {{{{#context#}}}} is used but no context variable is set; it was removed")
            else:
                out.append("{{ " + context + (" | urlencode" if encode else "") + " }}")
        else:
            path = variable_path(conv, ref.split("."), where=where, owner=owner)
            if path is not None:
                if path[0] == "secrets":
                    out.append("{{ secrets." + path[1] + " }}")
                else:
                    out.append("{{ " + jinja_expr(path) + (" | urlencode" if encode else "") + " }}")
        pos = match.end()
    out.append(_literal(text[pos:], encode))
    return "".join(out)


def _literal(text: str, encode: bool) -> str:
    if encode:
        text = quote(text, safe="")
    return _JINJA_MARKER.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def bind_jinja(conv: Conversion, template: Any, variables: Any, owner: DifyNode) -> str:
    """A Dify Jinja2 template over local variable names -> ours: ``{% set name = ref %}``
    bindings in front of the unchanged template."""
    template = "" if template is None else str(template)
    bindings = []
    for var in list_field({"variables": variables}, "variables", owner):
        if not isinstance(var, dict):
            continue
        name = str(var.get("variable") or "")
        if not IDENT.match(name):
            conv.warn(f"{owner.label}: template variable {name!r} is not a valid name and was skipped")
            continue
        path = variable_path(conv, var.get("value_selector"), where="template", owner=owner)
        if path is None or path[0] == "secrets":
            conv.warn(f"{owner.label}: template variable '{name}' selects nothing and was skipped")
            continue
        bindings.append(f"{{% set {name} = {jinja_expr(path)} %}}")
    result: str = "".join(bindings) + template
    try:
        compile_template(result)
    except TemplateError as exc:
        conv.warn(f"{owner.label}: the template does not compile here ({exc.message}); check it in the editor")
    return result
