"""Compiled templates: :class:`Template`, its fast path, and the default environment.

Templates made only of text and ``{{ a.b }}`` lookups are rendered by a generated function of
plain dict lookups; every other template is rendered by Jinja under a fresh budget.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from jinja2 import TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError

from runtime.errors import TemplateError
from runtime.templates.limits import _BUDGET, TemplateLimits, _Budget, _too_big
from runtime.templates.sandbox import SafeEnvironment
from runtime.templates.sizing import _Sizer

_SIMPLE_REF = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")
_JINJA_MARKERS = ("{{", "{%", "{#", "}}", "%}", "#}", "\r")


def _fast_parts(source: str) -> tuple[tuple[str, tuple[str, ...] | None], ...] | None:
    """Split ``text {{ a.b }} text`` into (literal, path) pairs, or None if it needs Jinja."""
    parts: list[tuple[str, tuple[str, ...] | None]] = []
    pos = 0
    for match in _SIMPLE_REF.finditer(source):
        literal = source[pos : match.start()]
        if any(m in literal for m in _JINJA_MARKERS):
            return None
        parts.append((literal, tuple(match.group(1).split("."))))
        pos = match.end()
    tail = source[pos:]
    if any(m in tail for m in _JINJA_MARKERS):
        return None
    if tail:
        parts.append((tail, None))
    return tuple(parts)


_MISSING = object()


def _fast_text(limits: TemplateLimits, value: Any) -> str:
    """A looked-up value that is not a string: ``None`` is empty; a container is sized first."""
    if value is None:
        return ""
    if not isinstance(value, (int, float)) and _Sizer(limits.max_output_chars).measure(value) > limits.max_output_chars:
        raise _too_big(limits, "rendered text")
    return str(value)


def _fast_renderer(
    parts: tuple[tuple[str, tuple[str, ...] | None], ...], limits: TemplateLimits
) -> Callable[[Mapping[str, Any]], str]:
    """Build a plain function for a text-and-lookups template::

        def render(v):
            a1 = v[K1][K2]
            if type(a1) is not str: a1 = _text(a1)
            if len(a1) > _room: _refuse()
            return f"{L0}{a1}{L2}"

    The generated source holds only generated names: the template's text and keys are
    bound as constants, never spliced into code.
    """

    def refuse() -> None:
        raise _too_big(limits, "rendered text")

    constants: dict[str, Any] = {
        "_text": functools.partial(_fast_text, limits),
        "_refuse": refuse,
        "_room": limits.max_output_chars - sum(len(literal) for literal, _ in parts),
    }
    lines = []
    pieces = []
    values = []
    for i, (literal, path) in enumerate(parts):
        if literal:
            constants[f"_l{i}"] = literal
            pieces.append(f"{{_l{i}}}")
        if path is not None:
            lookup = "v"
            for j, key in enumerate(path):
                constants[f"_k{i}_{j}"] = key
                lookup += f"[_k{i}_{j}]"
            lines += [f"a{i} = {lookup}", f"if type(a{i}) is not str: a{i} = _text(a{i})"]
            pieces.append(f"{{a{i}}}")
            values.append(f"len(a{i})")
    lines.append(f"if {' + '.join(values) or '0'} > _room: _refuse()")
    lines.append("return " + ('f"' + "".join(pieces) + '"' if pieces else '""'))
    namespace: dict[str, Any] = {}
    source = "def render(v):\n" + "".join(f"    {line}\n" for line in lines)
    exec(source, constants, namespace)  # noqa: S102 - generated names only
    render: Callable[[Mapping[str, Any]], str] = namespace["render"]  # exec-defined above
    return render


class Template:
    """A compiled template. ``references`` lists the (namespace, field) pairs it reads;
    ``field`` names the config field it came from, so that its errors say where they happened."""

    __slots__ = ("_env", "_fast", "_jinja", "field", "references", "source")

    def __init__(self, source: str, environment: SafeEnvironment, field: str | None = None):
        self.source = source
        self._env = environment
        self.field = field
        try:
            ast = environment.parse(source)
        except TemplateSyntaxError as exc:
            raise TemplateError(f"line {exc.lineno}: {exc.message}", code="template_syntax") from None
        self.references = _references(ast, environment)
        self._jinja = environment.from_string(ast)
        parts = _fast_parts(source)
        self._fast = _fast_renderer(parts, environment.limits) if parts is not None else None

    def render(self, variables: Mapping[str, Any]) -> str:
        """Render against the run's variables; raises :class:`TemplateError` with a stable code
        (and the config field, when the template has one)."""
        try:
            fast = self._fast
            if fast is not None:
                try:
                    return fast(variables)
                except (KeyError, TypeError, IndexError):
                    return self._render_jinja(variables)  # a non-dict value or a missing key
            return self._render_jinja(variables)
        except TemplateError as exc:
            if self.field is not None and exc.field is None:
                exc.field = self.field
                exc.message = f"{exc.message} (in {self.field})"
            raise

    def _render_jinja(self, variables: Mapping[str, Any]) -> str:
        token = _BUDGET.set(_Budget(self._env.limits))
        try:
            text = self._jinja.render(variables)
        except TemplateError:
            raise
        except UndefinedError as exc:
            raise TemplateError(self._undefined_message(variables, exc), code="undefined_variable") from None
        except SecurityError as exc:
            raise TemplateError(f"refused by the sandbox: {exc}", code="template_security") from None
        except RecursionError:
            raise TemplateError("template recursion too deep", code="template_limit") from None
        except (MemoryError, OverflowError) as exc:
            raise TemplateError(f"template too large: {exc}", code="template_limit") from None
        except Exception as exc:  # noqa: BLE001 - any other evaluation error: a user mistake, not a crash
            raise TemplateError(f"{type(exc).__name__}: {exc}", code="template_error") from None
        finally:
            _BUDGET.reset(token)
        if len(text) > self._env.limits.max_output_chars:
            raise _too_big(self._env.limits, "rendered text")
        return text

    def _undefined_message(self, variables: Mapping[str, Any], exc: UndefinedError) -> str:
        for namespace, field in self.references:
            scope = variables.get(namespace, _MISSING)
            if scope is _MISSING:
                return f"undefined variable '{namespace}'"
            if field is not None and isinstance(scope, Mapping) and field not in scope:
                return f"undefined variable '{namespace}.{field}'"
        return f"undefined variable: {exc.message}"


def _references(ast: nodes.Template, environment: SafeEnvironment) -> tuple[tuple[str, str | None], ...]:
    free = meta.find_undeclared_variables(ast) - set(environment.globals)
    refs: list[tuple[str, str | None]] = []
    seen_ns: set[str] = set()
    found = cast("Iterator[nodes.Getattr | nodes.Getitem]", ast.find_all((nodes.Getattr, nodes.Getitem)))
    for node in found:
        target = node.node
        if not isinstance(target, nodes.Name) or target.name not in free:
            continue
        if isinstance(node, nodes.Getattr):
            field = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            field = node.arg.value
        else:
            continue
        if (target.name, field) not in refs:
            refs.append((target.name, field))
        seen_ns.add(target.name)
    refs.extend((name, None) for name in sorted(free - seen_ns))
    return tuple(refs)


_DEFAULT_ENV: SafeEnvironment | None = None


def default_environment() -> SafeEnvironment:
    global _DEFAULT_ENV
    if _DEFAULT_ENV is None:
        _DEFAULT_ENV = SafeEnvironment()
    return _DEFAULT_ENV


def configure_default_limits(limits: TemplateLimits) -> None:
    """Bound templates compiled from now on by ``limits`` (the platform calls this once at
    start-up, from its settings); templates compiled before keep the limits they had."""
    global _DEFAULT_ENV
    _DEFAULT_ENV = SafeEnvironment(limits)


def compile_template(
    source: str, environment: SafeEnvironment | None = None, *, field: str | None = None
) -> Template:
    """Parse and compile once; raises ``TemplateError(code="template_syntax")`` on bad syntax.
    ``field``: the config field the template comes from (named in its render errors)."""
    return Template(source, environment or default_environment(), field)


def render(source: str, variables: Mapping[str, Any]) -> str:
    """One-off render (compiles every call: use :func:`compile_template` in hot code)."""
    return compile_template(source).render(variables)


# --- pieces (a template streamed part by part) ------------------------------------------------

_SHARED_NAMES = (nodes.Assign, nodes.AssignBlock, nodes.Macro, nodes.CallBlock, nodes.Import, nodes.FromImport,
                 nodes.Include, nodes.Extends, nodes.Block)


@dataclass(frozen=True, slots=True)
class TemplatePiece:
    """One top-level piece of a template: literal ``text`` (``template`` None), or a ``{{ … }}`` or a
    ``{% … %}`` block as a template of its own. ``lookup``: the piece is exactly ``{{ a.b }}``."""

    text: str = ""
    template: Template | None = None
    lookup: tuple[str, ...] | None = None


def template_pieces(template: Template) -> tuple[TemplatePiece, ...]:
    """``template`` cut at its top level, in order: its literal text, each ``{{ … }}`` and each
    ``{% … %}`` block. The pieces' renders, joined, are the template's render. A template that
    defines names (``{% set %}``, macros, imports, blocks) is one piece: itself."""
    env = template._env
    ast = env.parse(template.source)  # a fresh tree: compiling one rewrites it in place
    if next(ast.find_all(_SHARED_NAMES), None) is not None:
        return (TemplatePiece(template=template),)
    pieces: list[TemplatePiece] = []
    for top in ast.body:
        for node in top.nodes if isinstance(top, nodes.Output) else [top]:
            if isinstance(node, nodes.TemplateData):
                pieces.append(TemplatePiece(text=node.data))
                continue
            path = _lookup_path(node)
            if path is not None:  # the fast path's kind of template
                source = "{{ " + ".".join(path) + " }}"
                pieces.append(TemplatePiece(template=Template(source, env, template.field), lookup=path))
                continue
            shown = nodes.Output([node], lineno=node.lineno) if isinstance(node, nodes.Expr) else node
            tree = nodes.Template([shown], lineno=node.lineno)
            tree.set_environment(env)
            piece = Template.__new__(Template)
            piece.source, piece._env, piece.field, piece._fast = template.source, env, template.field, None
            piece.references = _references(tree, env)
            piece._jinja = env.from_string(tree)
            pieces.append(TemplatePiece(template=piece))
    return tuple(pieces)


def _lookup_path(node: nodes.Node) -> tuple[str, ...] | None:
    """``a.b.c`` of a plain attribute lookup on a name, else None."""
    names: list[str] = []
    while isinstance(node, nodes.Getattr):
        names.append(node.attr)
        node = node.node
    if not isinstance(node, nodes.Name) or not names:
        return None
    return (node.name, *reversed(names))
