"""Graphs for app tests, in the runtime's spec format."""


def greeting_graph(greeting: str = "Hello") -> dict:
    """start -> template -> answer; answers '<greeting>, <name>!'."""
    return {
        "inputs": [{"name": "name", "type": "string"}],
        "nodes": [
            {"id": "start", "type": "start", "title": "Start", "position": {"x": 0, "y": 0}},
            {"id": "greet", "type": "template", "title": "Greet",
             "config": {"template": greeting + ", {{ inputs.name }}!"}, "position": {"x": 250, "y": 0}},
            {"id": "answer", "type": "answer", "title": "Answer",
             "config": {"template": "{{ greet.text }}"}, "position": {"x": 500, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "source": "start", "target": "greet"},
            {"id": "e2", "source": "greet", "target": "answer"},
        ],
    }
