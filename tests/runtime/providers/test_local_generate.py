"""Stop strings in streamed local output."""

from __future__ import annotations

from runtime.providers.base import ChatMessage
from runtime.providers.local_generate import JSON_MODE_INSTRUCTION, StopFilter, chat_dicts, cut_at_stop


def feed_all(pieces: list[str], stops: list[str]) -> str:
    stop_filter = StopFilter(stops)
    return "".join(stop_filter.feed(p) for p in pieces) + stop_filter.flush()


def test_text_without_stop_passes_unchanged() -> None:
    assert feed_all(["Hel", "lo wor", "ld"], ["###"]) == "Hello world"


def test_stream_ends_before_a_stop_string_split_over_pieces() -> None:
    assert feed_all(["Answer: 42", "\n#", "## next", " question"], ["###"]) == "Answer: 42\n"


def test_partial_stop_prefix_that_does_not_complete_is_released() -> None:
    assert feed_all(["a #", "# b"], ["###"]) == "a ## b"


def test_cut_at_stop_uses_the_earliest_stop() -> None:
    assert cut_at_stop("one. two! three", ["!", "."]) == "one"


def test_json_mode_adds_an_instruction() -> None:
    messages = chat_dicts([ChatMessage("system", "Be brief."), ChatMessage("user", "hi")], json_mode=True)

    assert messages[0]["role"] == "system" and JSON_MODE_INSTRUCTION in messages[0]["content"]
    assert messages[1] == {"role": "user", "content": "hi"}
