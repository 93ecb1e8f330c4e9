"""Model-backed Dify nodes: llm -> prompt, question-classifier -> classifier.

Both carry a model reference (provider, model and the completion parameters we support);
every provider used is listed so the user can configure it.
"""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable, list_field
from runtime.interchange.dify.ids import HANDLE_ID, slug
from runtime.interchange.dify.references import DIFY_REF, bind_jinja, jinja_expr, rewrite, variable_path
from runtime.interchange.dify.values import number

_MODEL_PARAMS = ("temperature", "top_p", "max_tokens", "stop", "seed", "response_format")


def model_ref(conv: Conversion, model: Any, dn: DifyNode) -> dict[str, Any]:
    """Our model reference for a Dify ``model`` block; records its provider."""
    if not isinstance(model, dict):
        raise Unmappable("it has no model configured")
    provider = str(model.get("provider") or "").strip().strip("/")
    name = str(model.get("name") or "").strip()
    if not provider or not name:
        raise Unmappable("its model provider or model name is missing")
    provider = provider.split("/")[-1]  # plugin ids: langgenius/openai/openai -> openai
    models = conv.providers.setdefault(provider, [])
    if name not in models:
        models.append(name)
    ref: dict[str, Any] = {"provider": provider, "model": name}
    params = model.get("completion_params") or {}
    if not isinstance(params, dict):
        params = {}
    temperature = number(params.get("temperature"))
    if temperature is not None:
        ref["temperature"] = max(0.0, min(2.0, temperature))
    top_p = number(params.get("top_p"))
    if top_p is not None and 0 < top_p <= 1:
        ref["top_p"] = top_p
    max_tokens = number(params.get("max_tokens"))
    if max_tokens is not None and max_tokens >= 1:
        ref["max_tokens"] = int(max_tokens)
    stop = params.get("stop")
    if isinstance(stop, list) and stop:
        ref["stop"] = [str(s) for s in stop]
    seed = number(params.get("seed"))
    if seed is not None:
        ref["seed"] = int(seed)
    if str(params.get("response_format") or "").startswith("json"):
        ref["json_mode"] = True
    dropped = sorted(k for k, v in params.items() if k not in _MODEL_PARAMS and v not in (None, ""))
    if dropped:
        conv.warn(f"{dn.label}: model parameters {', '.join(dropped)} are not supported and were dropped")
    return ref


def map_llm(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """llm -> prompt: the model and the prompt messages (context and memory folded in)."""
    data = dn.data
    model = model_ref(conv, data.get("model"), dn)
    if data.get("structured_output_enabled"):
        model["json_mode"] = True
        conv.warn(f"{dn.label}: structured output became JSON mode; the output schema is not enforced")
    context = None
    ctx = data.get("context") or {}
    if isinstance(ctx, dict) and ctx.get("enabled") and ctx.get("variable_selector"):
        path = variable_path(conv, ctx.get("variable_selector"), where="template", owner=dn)
        if path is not None and path[0] != "secrets":
            context = jinja_expr(path)
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
            conv.warn(f"{dn.label}: message role {role!r} became 'user'")
            role = "user"
        if item.get("edition_type") == "jinja2":
            text = bind_jinja(conv, item.get("jinja2_text"), jinja_vars, dn)
        else:
            text = rewrite(conv, item.get("text"), dn, context=context)
        if text.strip():
            messages.append({"role": role, "template": text})
    memory = data.get("memory")
    if isinstance(memory, dict):
        query = memory.get("query_prompt_template") or "{{#sys.query#}}"
        messages.append({"role": "user", "template": rewrite(conv, query, dn, context=context)})
        conv.warn(
            f"{dn.label}: conversation memory is not carried over; the user's message is sent as the last user message"
        )
    if not messages:
        conv.warn(f"{dn.label}: the prompt is empty")
        messages.append({"role": "user", "template": ""})
    vision = data.get("vision") or {}
    if isinstance(vision, dict) and vision.get("enabled"):
        conv.warn(f"{dn.label}: vision (image input) is not supported and was turned off")
    return "prompt", {"model": model, "messages": messages}


def map_question_classifier(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """question-classifier -> classifier; each class becomes a branch handle."""
    data = dn.data
    model = model_ref(conv, data.get("model"), dn)
    query = variable_path(conv, data.get("query_variable_selector"), where="template", owner=dn)
    if query is None:
        raise Unmappable("it classifies no variable (query_variable_selector is empty)")
    raw_classes = [c for c in list_field(data, "classes", dn) if isinstance(c, dict)]
    if not raw_classes:
        raise Unmappable("it has no classes")
    classes, handles, taken = [], {}, set()
    for i, item in enumerate(raw_classes, 1):
        name = str(item.get("name") or "").strip() or f"Class {i}"
        handle = slug(name)
        if not handle or not HANDLE_ID.match(handle) or handle in taken:
            handle = f"class_{i}"
        taken.add(handle)
        handles[str(item.get("id"))] = handle
        classes.append({"id": handle, "name": name})
    if len(classes) == 1:
        classes.append({"id": "other", "name": "other"} if "other" not in taken else {"id": "other_", "name": "other"})
        conv.warn(f"{dn.label}: a classifier needs two classes; an unconnected 'other' class was added")
    conv.handle_maps[dn.id] = handles
    config: dict[str, Any] = {
        "model": model,
        "query": "{{ " + jinja_expr(query) + " }}",
        "classes": classes,
        "fallback": classes[0]["id"],  # Dify falls back to the first class
    }
    instruction = str(data.get("instruction") or data.get("instructions") or "")
    if DIFY_REF.search(instruction):
        conv.warn(
            f"{dn.label}: the instruction's variable references are not filled in by our classifier; they were removed"
        )
        instruction = DIFY_REF.sub("", instruction)
    if instruction.strip():
        config["instruction"] = instruction.strip()
    if isinstance(data.get("memory"), dict):
        conv.warn(f"{dn.label}: conversation memory is not carried over")
    return "classifier", config
