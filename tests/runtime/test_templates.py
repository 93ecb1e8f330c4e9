"""Templates: references, undefined variables, the fast path, and the security corpus."""

from __future__ import annotations

import time

import pytest

from runtime.errors import TemplateError
from runtime.templates import TemplateLimits, compile_template, configure_default_limits, default_environment

VARS = {
    "inputs": {"topic": "graphs", "n": 3},
    "llm": {"text": "hi", "items": [1, 2]},
    "sys": {"run_id": "r1"},
}


def test_renders_node_and_input_references():
    assert compile_template("{{ llm.text }} about {{ inputs.topic }}").render(VARS) == "hi about graphs"


def test_lists_the_variables_it_reads():
    tpl = compile_template("{% for x in llm['items'] %}{{ x }}{% endfor %}{{ inputs.topic }}{{ sys.run_id }}")
    assert set(tpl.references) == {("llm", "items"), ("inputs", "topic"), ("sys", "run_id")}


def test_loop_variables_are_not_references():
    assert compile_template("{% for x in inputs.list %}{{ x.y }}{% endfor %}").references == (
        ("inputs", "list"),
    )


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("{{ inputs.missing }}", "inputs.missing"),
        ("{{ ghost.text }}", "ghost"),
        ("{{ llm.text|upper }}{{ llm.nope }}", "llm.nope"),
    ],
)
def test_undefined_variable_is_an_error_that_names_it(source, named):
    with pytest.raises(TemplateError) as info:
        compile_template(source).render(VARS)
    assert info.value.code == "undefined_variable"
    assert named in info.value.message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ inputs.missing | default('none') }}", "none"),
        ("{{ ghost | default('nobody') }}", "nobody"),
        ("{% for c in llm['items'] %}{{ c.title | default('untitled') }};{% endfor %}", "untitled;untitled;"),
        ("{{ inputs.topic | default('x') }}", "graphs"),
    ],
)
def test_default_stands_in_for_a_missing_variable_as_in_jinja(source, expected):
    assert compile_template(source).render(VARS) == expected


def test_syntax_error_is_reported_with_its_line():
    with pytest.raises(TemplateError) as info:
        compile_template("ok\n{{ broken")
    assert info.value.code == "template_syntax"
    assert "line 2" in info.value.message


@pytest.mark.parametrize(
    "source",
    [
        "Step {{ inputs.n }}: {{ inputs.topic }}.",
        "{{ llm.items }}",
        "{{ sys.run_id }}x\n",
        "{ not jinja }",
        "{{ llm }}",
    ],
)
def test_fast_path_renders_exactly_like_jinja(source):
    tpl = compile_template(source)
    assert tpl._fast is not None
    assert tpl.render(VARS) == tpl._render_jinja(VARS)


def test_dict_keys_win_over_dict_methods():
    assert compile_template("{{ llm.items|length }}").render(VARS) == "2"


def test_expressions_filters_and_loops_work():
    source = "{% for i in range(inputs.n) %}{{ i }}{% if not loop.last %},{% endif %}{% endfor %} {{ llm.text|upper }}"
    assert compile_template(source).render(VARS) == "0,1,2 HI"


SECURITY_CORPUS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ ('{0.__class__.__mro__}'|attr('format'))(llm) }}",
    "{{ '{0.__class__}'.format(llm) }}",
    "{{ llm|attr('__class__') }}",
    "{{ llm.text.__class__.__base__.__subclasses__() }}",
    "{{ request.application.__globals__ }}",
    "{{ config.items() }}",
    "{% set x = llm.pop('text') %}{{ x }}",
    "{{ llm['items'].append(3) }}",
    "{{ namespace.__init__.__globals__ }}",
]

HUGE_CORPUS = [
    "{% for i in range(10**9) %}{% endfor %}",
    "{% for i in range(9999) %}{% for j in range(9999) %}{% for k in range(9999) %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "{{ 'a' * 10**9 }}",
    "{{ [1] * 10**9 }}",
    "{{ 9 ** (9 ** 9) }}",
    "{% set n = 99 ** 60 %}{{ n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n }}",
    "{{ 'x'|center(10**9) }}",
    "{{ '%999999999s' % 1 }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{% set s = 'aaaaaaaaaa' %}{{ s|replace('a', s * 1000)|replace('a', s * 1000) }}",
    "{% macro m(n) %}{{ m(n) }}{{ m(n) }}{% endmacro %}{{ m(1) }}",
    "{% set s %}{% for i in range(9999) %}{% for j in range(999) %}{{ 'x' * 99 }}{% endfor %}{% endfor %}{% endset %}",
    "{% for i in range(9999) %}{{ 'y' * 99999 }}{% endfor %}",
    "{{ ('a' ~ 'b' * 99999) ~ ('c' * 99999) ~ ('d' * 99999) }}",
    "{{ 'x'|indent(10**9) }}",
    "{{ range(99999)|join(',')|replace(',', range(9999)|join(',')) }}",
]


@pytest.mark.parametrize("source", SECURITY_CORPUS)
def test_sandbox_escapes_are_refused(source):
    with pytest.raises(TemplateError) as info:
        compile_template(source).render(VARS)
    assert info.value.code in {"template_security", "undefined_variable", "template_error"}
    assert "uid=" not in info.value.message


@pytest.mark.parametrize("source", HUGE_CORPUS)
def test_runaway_templates_are_refused_quickly(source):
    started = time.perf_counter()
    with pytest.raises(TemplateError) as info:
        compile_template(source).render(VARS)
    assert info.value.code == "template_limit"
    assert time.perf_counter() - started < 2.0


@pytest.fixture
def restore_default_limits():
    previous = default_environment().limits
    try:
        yield
    finally:
        configure_default_limits(previous)


@pytest.mark.parametrize("source", ["{{ inputs.text }}", "{{ inputs.text|upper }}"])  # fast path, Jinja
def test_configured_default_limits_bound_templates_compiled_after(source, restore_default_limits):
    variables = {"inputs": {"text": "x" * 20}}
    before = compile_template(source)
    configure_default_limits(TemplateLimits(max_output_chars=10, max_work_chars=100))
    after = compile_template(source)
    with pytest.raises(TemplateError) as info:
        after.render(variables)
    assert info.value.code == "template_limit"
    assert before.render(variables).lower() == "x" * 20  # compiled with the defaults: keeps them
