"""The sandboxed environment: :class:`SafeEnvironment`, and the guards it puts in every template.

``_Guards`` rewrites a parsed template so that loops, literal text, slices and ``~`` call the
budget guards below; the environment wraps filters, calls, binary operators, ``str.format`` and
attribute lookups with the rules of :mod:`runtime.templates.rules`.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from jinja2 import StrictUndefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from runtime.errors import TemplateError
from runtime.templates.limits import DEFAULT_LIMITS, TemplateLimits, _Budget, _budget, _too_big
from runtime.templates.rules import (
    _BUILDING_FILTERS,
    _FILTER_RULES,
    _METERED_FILTERS,
    _TEXT_METHODS,
    _arg,
    _EscapeFormatter,
    _Formatter,
    _listed,
    _metered,
    _printf_size,
    _sum,
)
from runtime.templates.sizing import _built, _count


def _loop_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _budget()
    for item in iterable:
        budget.tick()
        yield item


def _emit(value: Any) -> str:
    """``finalize``: each piece of output (literal text, ``{{ x }}``) is counted before it is built."""
    budget = _budget()
    if isinstance(value, str):  # Markup stays Markup in {% autoescape %}
        budget.spend_text(len(value), "output")
        return value
    if value is None:
        return ""
    budget.spend_text(budget.measure(value), "output")
    return str(value)


def _concat_guard(*parts: Any) -> str:
    """``~``: like output, ``None`` is empty text; the parts are sized before they are joined."""
    budget = _budget()
    budget.spend_text(sum(0 if part is None else budget.measure(part) for part in parts), "concatenation")
    return "".join(part if type(part) is str else "" if part is None else str(part) for part in parts)


def _slice_guard(obj: Any, start: Any, stop: Any, step: Any) -> Any:
    """``x[a:b:c]``: the copy is counted before it is made."""
    key = slice(start, stop, step)
    if isinstance(obj, (str, bytes, list, tuple)):
        try:
            n = len(range(len(obj))[key])
        except (TypeError, ValueError):
            pass  # the slicing itself reports it
        else:
            _budget().spend_sized(obj, n, "slice")
    return obj[key]


class _Guards(NodeTransformer):
    """Rewrites a parsed template so loops, text, slices and ``~`` go through budget guards."""

    def __init__(self, environment: SafeEnvironment):
        self.environment = environment
        self.escaping = False  # inside {% autoescape %}

    def _call(self, name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
        call = nodes.Call(nodes.Name(name, "load"), args, [], None, None, lineno=lineno)
        call.set_environment(self.environment)
        return call

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = cast(nodes.For, self.generic_visit(node))
        node.iter = self._call("__loop_guard__", [cast(nodes.Expr, node.iter)], node.lineno)
        return node

    def visit_TemplateData(self, node: nodes.TemplateData) -> nodes.Expr:
        # As a constant, literal text goes through ``finalize`` at run time and is counted
        # each time a loop or macro outputs it; in {% autoescape %} it stays unescaped.
        const = nodes.Const(node.data, lineno=node.lineno)
        text = nodes.MarkSafeIfAutoescape(const, lineno=node.lineno) if self.escaping else const
        text.set_environment(self.environment)
        return text

    def visit_ScopedEvalContextModifier(self, node: nodes.ScopedEvalContextModifier) -> nodes.Node:
        escaping, self.escaping = self.escaping, True
        try:
            return self.generic_visit(node)
        finally:
            self.escaping = escaping

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Expr:
        node = cast(nodes.Getitem, self.generic_visit(node))
        if not isinstance(node.arg, nodes.Slice):
            return node
        bounds = [node.arg.start, node.arg.stop, node.arg.step]
        args = [bound or nodes.Const(None, lineno=node.lineno) for bound in bounds]
        return self._call("__slice__", [node.node, *args], node.lineno)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        node = cast(nodes.Concat, self.generic_visit(node))
        return self._call("__concat__", list(node.nodes), node.lineno)


class SafeEnvironment(ImmutableSandboxedEnvironment):
    """The only Jinja environment the runtime uses. See the package docstring (:mod:`runtime.templates`)
    for its rules."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, limits: TemplateLimits = DEFAULT_LIMITS):
        super().__init__(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
        self.limits = limits
        self.finalize = _emit
        self.globals = {
            "range": self._range,
            "dict": dict,
            "__loop_guard__": _loop_guard,
            "__concat__": _concat_guard,
            "__slice__": _slice_guard,
        }
        filters = {**self.filters, "sum": _sum}
        self.filters = {name: self._guard_filter(name, f) for name, f in filters.items()}
        for test in ("lower", "upper"):
            self.tests[test] = self._guard_test(self.tests[test])

    # --- budget hooks ------------------------------------------------------------------------
    def _range(self, *args: int) -> range:
        r = range(*args)
        if len(r) > self.limits.max_range:
            raise TemplateError(f"range() longer than {self.limits.max_range}", code="template_limit")
        return r

    def _guard_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        env = self
        rule = _FILTER_RULES.get(name)
        signature = inspect.signature(func) if rule is not None else None
        metered = name in _METERED_FILTERS
        building = name in _BUILDING_FILTERS

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            budget = _budget()
            budget.tick()
            if rule is not None and signature is not None:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                rule(env, budget, bound.arguments)
                args, kwargs = bound.args, bound.kwargs
            result = func(*args, **kwargs)
            if rule is not None and isinstance(result, str) and len(result) > env.limits.max_output_chars:
                raise _too_big(env.limits, name)  # an estimate fell short (escapes it does not count)
            if metered:
                return _metered(result)
            if building:
                env._built(budget, result, "value")
            return result

        return guarded

    @staticmethod
    def _guard_test(func: Any) -> Any:  # Jinja types its table of tests as plain functions
        @functools.wraps(func)
        def guarded(value: Any) -> Any:  # ``lower`` and ``upper`` test str(value)
            _budget().stringify(value, "value")
            return func(value)

        return guarded

    def _built(self, budget: _Budget, value: Any, what: str) -> None:
        """Count a value an operation has just built from values that already exist."""
        if isinstance(value, (str, bytes)):
            budget.spend_text(len(value), what)
        elif isinstance(value, (list, tuple)) and len(value) > self.limits.max_output_chars:
            raise _too_big(self.limits, what)
        else:
            budget.spend(_built(value))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805, PYI063
        budget = _budget()
        budget.tick()
        if __obj is _loop_guard or __obj is _concat_guard or __obj is _slice_guard:
            return __obj(*args)  # kwargs: only the ``_loop_vars`` Jinja passes inside loops
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, (str, bytes)):
            rule = _TEXT_METHODS.get(name)
            if name == "join" and args:
                args = (_listed(args[0]), *args[1:])
            if rule is not None:
                budget.spend_text(rule(budget, owner, args, kwargs), f"{name}()")
                return super().call(__context, __obj, *args, **kwargs)
            result = super().call(__context, __obj, *args, **kwargs)
            __self._built(budget, result, f"{name}()")
            return result
        if isinstance(owner, int) and name == "to_bytes":
            budget.spend_text(_count(_arg(args, kwargs, 0, "length", 1)), "to_bytes()")
        result = super().call(__context, __obj, *args, **kwargs)
        if __obj is dict or name in ("copy", "fromkeys"):
            __self._built(budget, result, "value")
        # macro and loop() results are not counted again: their text was counted as it was output
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        limits = self.limits
        budget = _budget()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, bytes, list, tuple)) and isinstance(n, int):
                    budget.spend_sized(seq, len(seq) * max(n, 0), "repetition")
            if (
                type(left) is int
                and type(right) is int
                and left.bit_length() + right.bit_length() > limits.max_int_bits
            ):
                raise TemplateError("number too large for a template", code="template_limit")
        elif operator == "**":
            if (
                type(left) is int
                and type(right) is int
                and abs(left) > 1
                and right > 0
                and (abs(left).bit_length() - 1) * right + 1 > limits.max_int_bits
            ):
                raise TemplateError("number too large for a template", code="template_limit")
        elif operator == "%":
            if isinstance(left, (str, bytes)):
                budget.spend_text(_printf_size(budget, left, right), "%-formatting")
        elif isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
            budget.spend_sized(left, len(left) + len(right), "concatenation")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Node outputs are dicts: ``node.items`` means the output field, not dict.items.
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja's sandboxed ``str.format``/``format_map``, with fields sized before they are built."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        formatter: SandboxedFormatter
        if isinstance(text, Markup):
            formatter = _EscapeFormatter(self, escape=text.escape)
        else:
            formatter = _Formatter(self)
        is_format_map = value.__name__ == "format_map"
        str_type = type(text)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                kwargs, args = args[0], ()
            return str_type(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def _generate(self, source: nodes.Template, name: Any, filename: Any, defer_init: bool = False) -> str:
        return super()._generate(_Guards(self).visit(source), name, filename, defer_init=defer_init)
