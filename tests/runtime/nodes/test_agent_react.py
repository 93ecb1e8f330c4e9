from runtime.nodes.agent_react import ReactAction, ReactFinal, parse_react
from runtime.tools.calculator import calculator_tool

TOOLS = {"calculator": calculator_tool()}


def test_action_with_fenced_json_input() -> None:
    text = 'Thought: compute\nAction: calculator\nAction Input: ```json\n{"expression": "1+1"}\n```'
    assert parse_react(text, TOOLS) == ReactAction("calculator", {"expression": "1+1"})


def test_the_first_of_action_and_final_answer_wins() -> None:
    final = parse_react("Final Answer: 3\nAction: calculator\nAction Input: {}", TOOLS)
    assert isinstance(final, ReactFinal) and final.answer.startswith("3\n")
    assert isinstance(
        parse_react("Action: calculator\nAction Input: {}\nFinal Answer: 3", TOOLS), ReactAction
    )


def test_text_without_the_format_is_a_final_answer() -> None:
    assert parse_react("  Just 42.  ", TOOLS) == ReactFinal("Just 42.")


def test_a_made_up_observation_is_ignored() -> None:
    parsed = parse_react('Action: calculator\nAction Input: {"expression": "2"}\nObservation: 99', TOOLS)
    assert parsed == ReactAction("calculator", {"expression": "2"})
