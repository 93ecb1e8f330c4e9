"""Dify knowledge-retrieval -> retrieval over one knowledge base.

Dify exports do not include the documents, so the user is told which knowledge base to
create; search settings (top k, score threshold, vector/keyword weights) carry over.
"""

from __future__ import annotations

from typing import Any

from runtime.interchange.dify.context import Conversion
from runtime.interchange.dify.document import DifyNode, Unmappable, list_field
from runtime.interchange.dify.references import jinja_expr, variable_path
from runtime.interchange.dify.values import number


def map_knowledge_retrieval(conv: Conversion, dn: DifyNode) -> tuple[str, dict[str, Any]]:
    """knowledge-retrieval -> retrieval (the first dataset becomes the knowledge base)."""
    data = dn.data
    query = variable_path(conv, data.get("query_variable_selector"), where="template", owner=dn)
    if query is None:
        raise Unmappable("it has no query variable")
    datasets = [str(d) for d in list_field(data, "dataset_ids", dn) if d not in (None, "")]
    if datasets:
        knowledge_base = datasets[0]
        conv.warn(
            f"{dn.label}: Dify dataset {datasets[0]} became knowledge base '{knowledge_base}'; create a "
            "knowledge base with that name (or pick yours in the node) and upload the documents again — "
            "Dify exports do not include them"
        )
        if len(datasets) > 1:
            conv.warn(
                f"{dn.label}: it searched {len(datasets)} datasets; our retrieval node searches one "
                f"knowledge base, so {', '.join(datasets[1:])} were left out"
            )
    else:
        knowledge_base = conv.ids[dn.id]
        conv.warn(f"{dn.label}: no dataset was selected; pick a knowledge base in the node")
    config: dict[str, Any] = {
        "query": "{{ " + jinja_expr(query) + " }}",
        "knowledge_base": knowledge_base,
    }
    mode = data.get("retrieval_mode") or "multiple"
    multiple = data.get("multiple_retrieval_config") or {}
    if mode == "single" or not isinstance(multiple, dict):
        conv.warn(
            f"{dn.label}: single (model-routed) retrieval became a direct search of the knowledge base with top 4"
        )
        multiple = {}
    top_k = number(multiple.get("top_k"))
    if top_k is not None:
        config["top_k"] = max(1, min(100, int(top_k)))
    threshold = number(multiple.get("score_threshold"))
    if threshold is not None and threshold > 0 and multiple.get("score_threshold_enabled", True) is not False:
        config["score_threshold"] = threshold
    vector = number(_dig(multiple, "weights", "vector_setting", "vector_weight"))
    keyword = number(_dig(multiple, "weights", "keyword_setting", "keyword_weight"))
    if vector is not None and keyword is not None:
        config["mode"] = "vector" if keyword == 0 else "lexical" if vector == 0 else "hybrid"
    if multiple.get("reranking_enable") and multiple.get("reranking_model"):
        conv.warn(f"{dn.label}: the reranking model is not converted")
    if data.get("metadata_filtering_mode") not in (None, "disabled"):
        conv.warn(f"{dn.label}: metadata filtering is not supported and was dropped")
    return "retrieval", config


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
