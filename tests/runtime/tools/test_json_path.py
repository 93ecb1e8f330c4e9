from typing import Any

import pytest

from runtime.tools import ToolError, default_tool_registry
from runtime.tools.json_path import json_path_query

STORE: dict[str, Any] = {
    "store": {
        "book": [
            {"title": "Sayings", "price": 8.95, "isbn": "0-553"},
            {"title": "Sword", "price": 12.99},
            {"title": "Moby Dick", "price": 8.99, "isbn": "0-395"},
        ],
        "bicycle": {"color": "red", "price": 19.95},
    },
    "odd key": 1,
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", [STORE]),
        ("$.store.book[0].title", ["Sayings"]),
        ("$['store']['bicycle']['color']", ["red"]),
        ('$["odd key"]', [1]),
        ("$.store.book[-1].title", ["Moby Dick"]),
        ("$.store.book[*].price", [8.95, 12.99, 8.99]),
        ("$..price", [8.95, 12.99, 8.99, 19.95]),
        ("$.store.book[0:2].title", ["Sayings", "Sword"]),
        ("$.store.book[::-1].title", ["Moby Dick", "Sword", "Sayings"]),
        ("$.store.book[0,2].title", ["Sayings", "Moby Dick"]),
        ("$.store.book[?(@.price < 10)].title", ["Sayings", "Moby Dick"]),
        ("$.store.book[?(@.isbn)].title", ["Sayings", "Moby Dick"]),
        ("$.store.book[?(!@.isbn)].title", ["Sword"]),
        ("$.store.book[?(@.price > 10 || @.title == 'Sayings')].title", ["Sayings", "Sword"]),
        ("$.store.book[?(@.price >= 8.99 && @.price < 13)].title", ["Sword", "Moby Dick"]),
        ("$..[?(@.color == 'red')].price", [19.95]),
        ("store.bicycle.color", ["red"]),
        ("$.store.missing", []),
        ("$.store.book[7]", []),
    ],
)
def test_paths_select_in_document_order(path: str, expected: list[Any]) -> None:
    assert json_path_query(STORE, path) == expected


@pytest.mark.parametrize("path", ["$.", "$[", "$.a[1:2:3:4]", "$[?(@.a ==)]", "$.a b", "$[0:1:0]", "$['open"])
def test_malformed_paths_are_refused(path: str) -> None:
    with pytest.raises(ToolError) as caught:
        json_path_query(STORE, path)
    assert caught.value.code == "bad_path"


async def test_tool_accepts_json_text_and_counts_matches() -> None:
    result = await default_tool_registry().call(
        "json_path", {"data": '{"items": [{"id": 1}, {"id": 2}]}', "path": "$.items[*].id"}
    )
    assert result == {"matches": [1, 2], "count": 2}
