"""Our node ids (and branch handle ids) for Dify's, which are often numeric timestamps.

A Dify id that is already a valid identifier is kept; otherwise the node's title (or its
type) gives a readable slug. Ids never collide and never shadow a template name.
"""

from __future__ import annotations

import re
import unicodedata

from runtime.interchange.dify.document import DifyNode
from runtime.interchange.dify.node_types import NODE_TYPES

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HANDLE_ID = re.compile(r"^[A-Za-z_][\w-]*$")

#: Names a node id must not take: our namespaces, template globals and literals, expression
#: operators and names Jinja binds in some scopes (``loop`` inside a for, ``caller`` in macros).
RESERVED_IDS = frozenset(
    "inputs sys secrets range dict self true false none True False None and or not in is if else "
    "loop caller varargs kwargs".split()
)


def slug(text: str) -> str:
    """Lower-case ASCII words joined by ``_`` (at most 40 characters)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    result = re.sub(r"[^0-9A-Za-z]+", "_", ascii_text).strip("_").lower()
    return result[:40].rstrip("_")


def identifier(name: str) -> str:
    """``name`` when it is a valid identifier, else a slug of it that is one."""
    if IDENT.match(name):
        return name
    text = slug(name) or "value"
    return f"v_{text}" if text[0].isdigit() else text


def assign_ids(nodes: dict[str, DifyNode]) -> dict[str, str]:
    """Dify node id -> our node id, for every node but notes."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for dn in nodes.values():
        if dn.type == "custom-note":
            continue
        default = NODE_TYPES.get(dn.type, (None, slug(dn.type) or "node"))[1]
        if IDENT.match(dn.id) and dn.id not in RESERVED_IDS:
            base = dn.id
        else:
            base = slug(dn.title) or default
            if base[0].isdigit():
                base = f"{default}_{base}"
        if base in RESERVED_IDS:
            base = f"{base}_node"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        ids[dn.id] = candidate
    return ids
