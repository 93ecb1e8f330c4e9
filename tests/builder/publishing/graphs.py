"""Apps for publishing tests, in the runtime's spec format."""

from tests.builder.flows.graphs import greeting_graph

__all__ = ["chat_graph", "greeting_graph", "prompt_graph"]


def prompt_graph(provider: str = "standin", stream: bool = True) -> dict:
    """start -> one prompt node (a remote model) -> answer: the benchmark's one-prompt app."""
    return {
        "inputs": [{"name": "query", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "ask", "type": "prompt", "config": {
                "model": {"provider": provider, "model": "gpt-test"}, "stream": stream,
                "messages": [{"role": "user", "template": "{{ inputs.query }}"}]}},
            {"id": "answer", "type": "answer", "config": {"template": "{{ ask.text }}"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "ask"},
            {"id": "e2", "source": "ask", "target": "answer"},
        ],
    }


def chat_graph(provider: str = "standin") -> dict:
    """A chat app: ``question`` is the query input, ``history`` the earlier messages."""
    return {
        "inputs": [{"name": "question", "type": "string"}, {"name": "history", "type": "array", "required": False}],
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "ask", "type": "prompt", "config": {
                "model": {"provider": provider, "model": "gpt-test"},
                "messages": [
                    {"role": "system", "template": "Earlier: {{ inputs.history }}"},
                    {"role": "user", "template": "{{ inputs.question }}"}]}},
            {"id": "answer", "type": "answer", "config": {"template": "{{ ask.text }}"}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "ask"},
            {"id": "e2", "source": "ask", "target": "answer"},
        ],
    }
