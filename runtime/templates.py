"""Sandboxed, bounded Jinja2 templates with explicit variable references.

Templates see the run's variables: ``{{ node_id.field }}``, ``{{ inputs.name }}``,
``{{ sys.run_id }}``. Rules:

* the environment is Jinja2's ``ImmutableSandboxedEnvironment``; unsafe attributes
  (``__class__``, ``__globals__``, ...) and mutation of data are refused;
* an undefined variable is an error that names it (``undefined_variable``);
* every loop iteration, call, filter and output piece spends from a per-render budget;
  loops, amplifying operators (``*``, ``**``, ``%``, ``~``, ``+``), width/count arguments
  and format widths are bounded, so ``range(10**9)``, nested loops or ``'a' * 10**9`` are
  refused quickly (``template_limit``) instead of eating the worker;
* templates made only of text and ``{{ a.b }}`` lookups take a fast path that does plain
  dict lookups (no Jinja at render time) — same result, a fraction of the cost.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, Undefined, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from runtime.errors import TemplateError


@dataclass(frozen=True, slots=True)
class TemplateLimits:
    """Caps for one render. ``max_ops`` counts loop iterations, calls, filters and outputs."""

    max_output_chars: int = 200_000
    max_ops: int = 200_000
    max_seconds: float = 1.0
    max_range: int = 10_000
    max_int_bits: int = 4_096


DEFAULT_LIMITS = TemplateLimits()


class _Budget:
    __slots__ = ("chars", "deadline", "limits", "ops")

    def __init__(self, limits: TemplateLimits):
        self.limits = limits
        self.ops = limits.max_ops
        # Captures ({% set %} blocks, macros) are built before the final output is known,
        # so all text produced anywhere counts against a (larger) work allowance.
        self.chars = limits.max_output_chars * 4
        self.deadline = time.perf_counter() + limits.max_seconds

    def tick(self) -> None:
        self.ops -= 1
        if self.ops <= 0:
            raise TemplateError(f"template exceeded {self.limits.max_ops} operations", code="template_limit")
        if not self.ops & 255 and time.perf_counter() > self.deadline:
            raise TemplateError(f"template ran longer than {self.limits.max_seconds}s", code="template_limit")

    def spend_chars(self, n: int) -> None:
        self.chars -= n
        if self.chars < 0:
            raise TemplateError("template produced too much text", code="template_limit")


_BUDGET: ContextVar[_Budget] = ContextVar("template_budget")


def _too_big(limits: TemplateLimits, what: str) -> TemplateError:
    return TemplateError(
        f"{what} exceeds the template size limit ({limits.max_output_chars})", code="template_limit"
    )


_FORMAT_NUMBER = re.compile(r"\d+")


class _Guards(NodeTransformer):
    """Rewrites a parsed template so loops, output and ``~`` go through budget guards."""

    def __init__(self, environment: SafeEnvironment):
        self.environment = environment

    def _call(self, name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
        call = nodes.Call(nodes.Name(name, "load"), args, [], None, None, lineno=lineno)
        call.set_environment(self.environment)
        return call

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = cast(nodes.For, self.generic_visit(node))
        node.iter = self._call("__loop_guard__", [cast(nodes.Expr, node.iter)], node.lineno)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Output:
        node = cast(nodes.Output, self.generic_visit(node))
        node.nodes = [self._call("__emit__", [child], child.lineno) for child in node.nodes]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        node = cast(nodes.Concat, self.generic_visit(node))
        return self._call("__concat__", list(node.nodes), node.lineno)


class SafeEnvironment(ImmutableSandboxedEnvironment):
    """The only Jinja environment the runtime uses. See the module docstring for its rules."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, limits: TemplateLimits = DEFAULT_LIMITS):
        super().__init__(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
        self.limits = limits
        self.globals = {
            "range": self._range,
            "dict": dict,
            "__loop_guard__": self._loop_guard,
            "__emit__": self._emit,
            "__concat__": self._concat_guard,
        }
        self.filters = {name: self._guard_filter(name, f) for name, f in self.filters.items()}

    # --- budget hooks ------------------------------------------------------------------------
    def _range(self, *args: int) -> range:
        r = range(*args)
        if len(r) > self.limits.max_range:
            raise TemplateError(f"range() longer than {self.limits.max_range}", code="template_limit")
        return r

    @staticmethod
    def _loop_guard(iterable: Iterable[Any]) -> Iterable[Any]:
        budget = _BUDGET.get()
        for item in iterable:
            budget.tick()
            yield item

    @staticmethod
    def _emit(value: Any) -> str:
        text = value if type(value) is str else str(value)
        _BUDGET.get().spend_chars(len(text))
        return text

    def _concat_guard(self, *parts: Any) -> str:
        texts = [p if type(p) is str else str(p) for p in parts]
        if sum(map(len, texts)) > self.limits.max_output_chars:
            raise _too_big(self.limits, "concatenation")
        return "".join(texts)

    def concat(self, parts: Iterable[str]) -> str:
        out = "".join(parts)
        if len(out) > self.limits.max_output_chars * 4:
            raise _too_big(self.limits, "text")
        return out

    def _check_args(self, args: Iterable[Any]) -> None:
        for arg in args:
            if type(arg) is int and abs(arg) > self.limits.max_output_chars:
                raise TemplateError(f"argument {arg} is too large for a template", code="template_limit")

    def _check_format(self, fmt: Any) -> None:
        if isinstance(fmt, str) and any(
            int(n) > self.limits.max_output_chars for n in _FORMAT_NUMBER.findall(fmt)
        ):
            raise TemplateError("format width too large for a template", code="template_limit")

    def _check_size(self, value: Any) -> Any:
        if isinstance(value, (str, list, tuple)) and len(value) > self.limits.max_output_chars:
            raise _too_big(self.limits, "value")
        return value

    def _check_replace(self, text: Any, old: Any, new: Any, count: Any = None) -> None:
        if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
            hits = len(text) + 1 if not old else text.count(old)
            if isinstance(count, int) and count >= 0:
                hits = min(hits, count)
            if len(text) + hits * max(0, len(new) - len(old)) > self.limits.max_output_chars:
                raise _too_big(self.limits, "replace() result")

    def _guard_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        env = self

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            _BUDGET.get().tick()
            env._check_args(args)
            env._check_args(kwargs.values())
            # what the template passed (not the context or environment Jinja hands some filters);
            # an undefined value is left to the filter: ``default`` is made for it
            plain = [a for a in args if not isinstance(a, (Environment, nodes.EvalContext, Context, Undefined))]
            if name == "format" and plain:
                env._check_format(plain[0])
            if name == "replace" and len(plain) >= 3:
                env._check_replace(*plain[:4])
            return env._check_size(func(*args, **kwargs))

        return guarded

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: PYI063
        _BUDGET.get().tick()
        if __obj is not self._loop_guard and __obj is not self._emit:
            self._check_args(args)
            self._check_args(kwargs.values())
            owner = getattr(__obj, "__self__", None)
            if isinstance(owner, str) and getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
                self._check_replace(owner, *args[:3])
        return self._check_size(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        limits = self.limits
        if operator == "**":
            big_exponent = isinstance(right, (int, float)) and abs(right) > 64
            if big_exponent and not (isinstance(left, (int, float)) and abs(left) <= 1):
                raise TemplateError("exponent too large for a template", code="template_limit")
        elif operator == "*":
            for seq, n in ((left, right), (right, left)):
                if (
                    isinstance(seq, (str, list, tuple))
                    and isinstance(n, int)
                    and len(seq) * n > limits.max_output_chars
                ):
                    raise _too_big(limits, "repetition")
            if (
                type(left) is int
                and type(right) is int
                and left.bit_length() + right.bit_length() > limits.max_int_bits
            ):
                raise TemplateError("number too large for a template", code="template_limit")
        elif operator == "%":
            self._check_format(left)
        elif (
            operator == "+"
            and isinstance(left, (str, list, tuple))
            and isinstance(right, (str, list, tuple))
            and len(left) + len(right) > limits.max_output_chars
        ):
            raise _too_big(limits, "concatenation")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            self._check_format(value.__self__)
        return wrapped

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Node outputs are dicts: ``node.items`` means the output field, not dict.items.
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def _generate(self, source: nodes.Template, name: Any, filename: Any, defer_init: bool = False) -> str:
        return super()._generate(_Guards(self).visit(source), name, filename, defer_init=defer_init)


# --- compiled templates --------------------------------------------------------------------

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


def _fast_renderer(
    parts: tuple[tuple[str, tuple[str, ...] | None], ...],
) -> Callable[[Mapping[str, Any]], str]:
    """Build ``lambda v: f"{L0}{v[K0][K1]!s}{L1}..."`` for a text-and-lookups template.

    The generated source holds only generated names: the template's text and keys are
    bound as constants, never spliced into code.
    """
    constants: dict[str, Any] = {}
    pieces = []
    for i, (literal, path) in enumerate(parts):
        if literal:
            constants[f"_l{i}"] = literal
            pieces.append(f"{{_l{i}}}")
        if path is not None:
            lookup = "v"
            for j, key in enumerate(path):
                constants[f"_k{i}_{j}"] = key
                lookup += f"[_k{i}_{j}]"
            pieces.append(f"{{{lookup}!s}}")
    body = 'f"' + "".join(pieces) + '"' if pieces else '""'
    namespace: dict[str, Any] = {}
    exec(f"def render(v):\n    return {body}\n", constants, namespace)  # noqa: S102 - generated names only
    render: Callable[[Mapping[str, Any]], str] = namespace["render"]  # exec-defined above
    return render


class Template:
    """A compiled template. ``references`` lists the (namespace, field) pairs it reads."""

    __slots__ = ("_env", "_fast", "_jinja", "references", "source")

    def __init__(self, source: str, environment: SafeEnvironment):
        self.source = source
        self._env = environment
        try:
            ast = environment.parse(source)
        except TemplateSyntaxError as exc:
            raise TemplateError(f"line {exc.lineno}: {exc.message}", code="template_syntax") from None
        self.references = _references(ast, environment)
        self._jinja = environment.from_string(ast)
        parts = _fast_parts(source)
        self._fast = _fast_renderer(parts) if parts is not None else None

    def render(self, variables: Mapping[str, Any]) -> str:
        """Render against the run's variables; raises :class:`TemplateError` with a stable code."""
        fast = self._fast
        if fast is not None:
            try:
                text = fast(variables)
            except (KeyError, TypeError, IndexError):
                return self._render_jinja(variables)  # a non-dict value or a missing key
            if len(text) > self._env.limits.max_output_chars:
                raise _too_big(self._env.limits, "rendered text")
            return text
        return self._render_jinja(variables)

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


def compile_template(source: str, environment: SafeEnvironment | None = None) -> Template:
    """Parse and compile once; raises ``TemplateError(code="template_syntax")`` on bad syntax."""
    return Template(source, environment or default_environment())


def render(source: str, variables: Mapping[str, Any]) -> str:
    """One-off render (compiles every call: use :func:`compile_template` in hot code)."""
    return compile_template(source).render(variables)
