"""Templates are bounded before they allocate: a memory probe over growth patterns, the work
allowance, legitimate templates rendering exactly as Jinja renders them, and ``None`` as empty."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from runtime.errors import TemplateError
from runtime.templates import SafeEnvironment, TemplateLimits, compile_template

ROOT = Path(__file__).resolve().parents[2]

# One-line templates that would build gigabytes (or run for minutes) if a value were sized
# only after it is built. ``inputs.big`` is a 100,000-character input a caller may send.
GROWTH_CORPUS = [
    "{{ ['x'*200000] * 200000 }}",
    "{{ (['x'*200000]*200000)|join }}",
    "{{ ('x'*1000)|join('y'*200000) }}",
    "{{ ('\\n'*199999)|indent(200000) }}",
    "{{ ('\\t'*100000).expandtabs(100000) }}",
    "{{ '{0:{1}}'.format('x', '100000000') }}",
    "{{ '{a:{b}}'.format_map({'a': 'x', 'b': '100000000'}) }}",
    "{{ '{}'.format(['x'*200000]*200000) }}",
    "{{ '%*s' % (10**8, 'a') }}",
    "{{ ('%200000s' * 1000) % ((1,) * 1000) }}",
    "{{ '%s' % (['x'*200000]*200000,) }}",
    "{{ '%.200000f%.200000f%.200000f' % (1.0, 1.0, 1.0) }}",
    "{{ ('%*s' * 1000)|format(*([200000, 'a'] * 1000)) }}",
    "{{ range(10000)|list|tojson(indent=100000) }}",
    "{{ dict(a=[inputs.big]*200000)|tojson }}",
    "{{ ([inputs.big]*200000)|pprint }}",
    "{{ ('a ' * 100000)|wordwrap(1, wrapstring='x'*200000) }}",
    "{{ ('a.com ' * 30000)|urlize(target='t'*200000) }}",
    "{{ ([[1]*10000]*1000)|sum(start=[]) }}",
    "{{ 'a' ~ (['x'*200000]*200000) }}",
    "{{ ((['x'*200000]*200000)|string)|length }}",
    "{{ (['x'*200000]*200000) is lower }}",
    "{{ {'a': ['x'*200000]*200000} }}",
    "{{ range(10)|batch(200000, 'x'*200000)|list }}",
    "{{ (range(10)|slice(200000, 'y')|list)|length }}",
    "{{ (['x'*200000]*200000)|sort|length }}",
    "{{ (['x'*200000]*200000)|unique|list|length }}",
    "{{ ({'x'*200000: 1, 'y'*200000: 2})|dictsort }}",
    "{{ (['x'*200000]*200000)|xmlattr }}",
    "{{ ('a'*200000).translate({97: 'x'*200000}) }}",
    "{{ ('a'*150000).split('a')|join('b'*200000) }}",
    "{{ (((((2**64)**64)**64)**64)**64)|string|length }}",
    "{{ (1).to_bytes(10**9, 'big')|length }}",
    "{% for i in range(10000) %}{% set x = 'x' * 200000 %}{% endfor %}",
    "{% for i in range(100) %}{% for j in range(100) %}{% set x = 'a'|center(200000) %}"
    "{% endfor %}{% endfor %}",
    "{% for i in range(10000) %}{% set y = inputs.big[1:] %}{% endfor %}",
    "{% set s %}{% for i in range(10000) %}{{ 'x'*199999 }}{% endfor %}{% endset %}{{ s|length }}",
    "{% set a = 'x' * 100000 %}{% set b = a ~ a %}{% set c = b ~ b %}{% set d = c ~ c %}{{ d|length }}",
    "{% macro m(n) %}{% if n %}{{ m(n-1) }}{{ m(n-1) }}{% else %}{{ 'x'*100000 }}{% endif %}"
    "{% endmacro %}{{ m(20)|length }}",
    "{% macro r(s, n) %}{% if n %}{{ r(s ~ ('x' * 100000), n - 1) }}{% endif %}{% endmacro %}{{ r('', 400) }}",
    "{% macro w() %}{{ caller() }}{{ caller() }}{% endmacro %}{% call w() %}{% call w() %}{% call w() %}"
    "{{ 'z'*150000 }}{% endcall %}{% endcall %}{% endcall %}",
    "{% for i in range(10000) %}" + "literal text, output on every pass " * 20 + "{% endfor %}",
    "{{ [inputs.big] * 200000 }}",
    "{{ inputs.big|replace('x', inputs.big) }}",
    "{{ inputs.big|list|join(inputs.big) }}",
    "{{ (inputs.big ~ inputs.big ~ inputs.big)|center(10) }}",
    "{% macro r(n) %}{% set p = ('ab ' * 60000).split() %}{% if n %}{{ r(n - 1) }}{% endif %}"
    "{% endmacro %}{{ r(100) }}",
    "{{ inputs.many }}",  # the fast path: a container whose text would be 20 G characters
]

PROBE = r"""
import json, resource, sys
from runtime.errors import TemplateError
from runtime.templates import compile_template

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False

# a regression must fail this test, not the machine
resource.setrlimit(resource.RLIMIT_AS, (status("VmSize") + (2 << 30), resource.RLIM_INFINITY))
big = "x" * 100_000
variables = {"inputs": {"big": big, "many": [big] * 200_000}}
compile_template("{{ 'warm' ~ inputs.big|length }}").render(variables)
start = status("VmHWM")
for source in json.loads(sys.argv[1]):
    before = status("VmHWM") if reset_peak() else start
    try:
        compile_template(source).render(variables)
        outcome, cause = "ok", ""
    except TemplateError as exc:
        outcome, cause = exc.code, type(exc.__context__).__name__ if exc.__context__ else ""
    print(json.dumps([source, outcome, cause, status("VmHWM") - before]), flush=True)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak RSS from /proc")
def test_growth_patterns_are_refused_before_they_allocate():
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(GROWTH_CORPUS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(results) == len(GROWTH_CORPUS), proc.stderr[-2000:]
    wrong = [
        (source, outcome, cause, grew // 2**20)
        for source, outcome, cause, grew in results
        if outcome != "template_limit" or cause == "MemoryError" or grew >= 64 * 2**20
    ]
    assert wrong == [], "refused with template_limit, peak RSS +<64 MB: (source, code, cause, MB)"


def test_none_renders_as_empty_text_on_both_paths():
    variables = {"inputs": {"name": None, "title": "Dr"}}
    greeting = compile_template("Dear {{ inputs.name }}")
    assert greeting._fast is not None
    assert greeting.render(variables) == "Dear "
    assert compile_template("Dear {{ inputs.title }} {{ inputs.name|default('x') }}!").render(variables) == "Dear Dr !"
    assert compile_template("{% if true %}Dear {{ inputs.name }}{% endif %}").render(variables) == "Dear "
    assert compile_template("{{ 'Dear ' ~ inputs.name ~ '!' }}").render(variables) == "Dear !"
    assert compile_template("{{ inputs.name is none }}|{{ [inputs.name] }}").render(variables) == "True|[None]"


def test_one_work_allowance_covers_output_and_intermediate_values():
    # 200 intermediate strings of 5,000 characters, 5 characters of output
    source = "{% for i in range(200) %}{% set s = 'ab' * 2500 %}{% endfor %}done."
    assert compile_template(source).render({}) == "done."
    tight = SafeEnvironment(TemplateLimits(max_work_chars=500_000))
    with pytest.raises(TemplateError) as info:
        compile_template(source, tight).render({})
    assert info.value.code == "template_limit"
    assert "500000" in info.value.message


def test_output_limit_caps_every_text_value_even_one_never_output():
    small = SafeEnvironment(TemplateLimits(max_output_chars=1_000))
    variables = {"inputs": {"text": "b" * 600, "items": ["c"] * 400}}
    assert compile_template("{{ ('%*s' % (1000, ''))|length }}", small).render(variables) == "1000"
    for source in (
        "{{ ('%*s' % (1001, ''))|length }}",
        "{{ ('%s' % (inputs.items,))|length }}",
        "{{ ('{:>{w}}'.format('', w='1001'))|length }}",
        "{{ (inputs.text ~ inputs.text)|length }}",
        "{{ inputs.text }}{{ inputs.text }}",
        "{{ inputs.items }}",
    ):
        with pytest.raises(TemplateError) as info:
            compile_template(source, small).render(variables)
        assert info.value.code == "template_limit", source
        assert "1000" in info.value.message, source


LEGIT_VARS = {
    "text": "Graphs are everywhere. See https://example.com or mail ops@example.com.\n"
    "Second line\twith a tab & an <angle> & 'quotes'.",
    "docs": [
        {"title": f"Doc {i}", "score": i % 5, "kind": "ab"[i % 2], "body": f"body {i} " * 150} for i in range(150)
    ],
    "meta": {"b": 2, "a": "x", "c": [1, 2]},
    "n": 1_048_576,
}

# Everyday templates, several near the limits: they render exactly as plain Jinja renders them.
LEGIT_CORPUS = [
    "{{ docs|map(attribute='title')|join(', ') }}",
    "{% for d in docs|sort(attribute='score', reverse=true) %}{{ loop.index }}. {{ d.title }}\n{% endfor %}",
    "{{ docs|selectattr('score', 'gt', 2)|list|length }}",
    "{{ docs|groupby('kind')|map(attribute='grouper')|join('/') }}",
    "{{ docs|unique(attribute='kind')|map(attribute='kind')|join }} {{ docs|max(attribute='score') }}",
    "{{ docs|map(attribute='body')|map('upper')|list|length }}",
    "{{ docs|sort(attribute='title')|map(attribute='body')|join('|')|length }}",
    "{% for d in docs %}{{ d.title }}: {{ d.body|truncate(60) }}\n{% endfor %}",
    "{{ text|wordwrap(30) }}|{{ text|truncate(20) }}|{{ text|indent(2, true) }}|{{ text|center(200) }}",
    "{{ text|replace('e', 'E') }}|{{ text|urlize }}|{{ text|wordcount }}|{{ text|title }}|{{ text|e }}",
    "{{ text|urlencode }}|{{ meta|urlencode }}|{{ text|striptags }}|{{ text|trim }}|{{ text|upper }}",
    "{{ docs[:3]|tojson }}|{{ meta|tojson(indent=2) }}|{{ text|tojson }}|{{ docs[:2]|pprint }}",
    "{{ '%-10s|%5.2f|%03d|%x' % ('ab', 3.14159, 7, n) }}|{{ '%(a)s-%(b)r' % {'a': 1, 'b': 'q'} }}",
    "{{ '%s and %s'|format('x', docs[0].title) }}|{{ '%(a)s'|format(a=n) }}",
    "{{ '{:>12}|{:.3f}|{:,}|{:08b}'.format('x', 2.5, n, 5) }}|{{ '{a}-{b!r}'.format_map({'a': 1, 'b': 'q'}) }}",
    "{{ text.split()|length }}|{{ '-'.join(['a', 'b']) }}|{{ ', '.join(docs|map(attribute='kind')) }}",
    "{{ text.center(100, '*') }}|{{ '42'.zfill(8) }}|{{ 'a\tb'.expandtabs(4) }}|{{ text.replace('a', 'AA') }}",
    "{{ (range(10)|list) * 3 }}|{{ [1, 2] + [3] }}|{{ 'ab' * 3 }}|{{ 2 ** 100 }}|{{ 10 ** 20 * 10 ** 20 }}",
    "{{ text[:20] }}|{{ docs[1:]|length }}|{{ text[::-1] }}|{{ docs[-1].title }}",
    "{{ range(1000)|sum }}|{{ [[1, 2], [3]]|sum(start=[]) }}|{{ docs|sum(attribute='score') }}",
    "{{ range(10)|batch(3, 0)|list }}|{{ range(10)|slice(3)|list }}|{{ meta|dictsort }}|{{ meta|items|list }}",
    "{{ n|filesizeformat }}|{{ 'Hello'|lower is lower }}|{{ text is upper }}|{{ meta|xmlattr }}",
    "{% macro card(d) %}<{{ d.title }}:{{ caller() }}>{% endmacro %}"
    "{% for d in docs %}{% call card(d) %}{{ d.score }}{% endcall %}{% endfor %}",
    "{% set s %}{{ docs|length }} docs{% endset %}{{ s ~ '!' }}|{{ dict(a=1, b=[1, 2]) }}|{{ {'k': docs[0]} }}",
    "{{ docs[:60] }}",
    "<p>{% autoescape true %}<b>{{ text }}</b>{% for d in docs[:2] %}<i>{{ d.title }}</i>{% endfor %}"
    "{% endautoescape %}<u>{{ text }}</u>",
    "{{ 'x' * 199000 }}",
    "{% for d in docs %}{% for w in d.body.split() %}{{ w[0] }}{% endfor %}{% endfor %}",
]


def test_legitimate_templates_render_exactly_as_jinja_renders_them():
    reference = ImmutableSandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)
    differs = []
    for source in LEGIT_CORPUS:
        expected = reference.from_string(source).render(LEGIT_VARS)
        try:
            got = compile_template(source).render(LEGIT_VARS)
        except TemplateError as exc:
            got = f"refused: {exc}"
        if got != expected:
            differs.append((source, got[:200]))
    assert differs == []
