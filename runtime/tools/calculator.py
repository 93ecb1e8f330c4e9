"""The ``calculator`` tool: arithmetic on a parsed expression tree, never ``eval``.

The expression is parsed with :mod:`ast` and walked with a whitelist: number literals,
``+ - * / // % **``, unary ``+``/``-``, parentheses, and a few functions and constants from
:mod:`math`. Names, attributes, subscripts, strings, calls of anything else and keyword
arguments are refused. Size limits keep a hostile expression from eating CPU or memory.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any, cast

from runtime.tools.base import Tool, ToolError
from runtime.tools.codes import ToolErrorCode

Number = int | float

MAX_EXPRESSION_CHARS = 500
MAX_EXPONENT = 1000
MAX_INT_BITS = 4096

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}

FUNCTIONS: dict[str, Callable[..., Number]] = {
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "sqrt": math.sqrt,
    "exp": math.exp,
    "log": math.log,
    "log2": math.log2,
    "log10": math.log10,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "atan2": math.atan2,
    "hypot": math.hypot,
    "floor": math.floor,
    "ceil": math.ceil,
}

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


def evaluate(expression: str) -> Number:
    """The value of an arithmetic ``expression``.

    Raises ``bad_expression`` for anything outside the whitelist or the limits and
    ``math_error`` for division by zero, domain errors and overflow.
    """
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise ToolError(
            ToolErrorCode.BAD_EXPRESSION, f"expression is longer than {MAX_EXPRESSION_CHARS} characters"
        )
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ToolError(ToolErrorCode.BAD_EXPRESSION, "expression is not valid arithmetic") from None
    try:
        value = _Evaluator().visit(tree.body)
    except (ZeroDivisionError, OverflowError, ValueError, ArithmeticError) as exc:
        raise ToolError(ToolErrorCode.MATH_ERROR, f"math error: {exc}") from None
    except RecursionError:
        raise ToolError(ToolErrorCode.BAD_EXPRESSION, "expression is nested too deeply") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError(ToolErrorCode.MATH_ERROR, "math error: result is not a finite number")
    return value


class _Evaluator:
    def visit(self, node: ast.AST) -> Number:
        match node:
            case ast.Constant(value=bool()):
                raise _refuse("booleans")
            case ast.Constant(value=int() | float() as value):
                return value
            case ast.Constant():
                raise _refuse("only numbers are allowed as literals")
            case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
                return self._binary(op, self.visit(left), self.visit(right))
            case ast.UnaryOp(op=op, operand=operand) if type(op) in _UNARY:
                return _checked(_UNARY[type(op)](self.visit(operand)))
            case ast.Name(id=name) if name in CONSTANTS:
                return CONSTANTS[name]
            case ast.Call(func=ast.Name(id=name), args=args, keywords=[]) if name in FUNCTIONS:
                if any(isinstance(arg, ast.Starred) for arg in args):
                    raise _refuse("argument unpacking")
                values = [self.visit(arg) for arg in args]
                try:
                    return _checked(FUNCTIONS[name](*values))
                except TypeError:
                    raise _refuse(f"wrong number of arguments for {name}()") from None
            case ast.Name(id=name):
                raise _refuse(f"unknown name {name!r}")
            case ast.Call(func=ast.Name(id=name), keywords=[_, *_]) if name in FUNCTIONS:
                raise _refuse("keyword arguments")
            case ast.Call():
                raise _refuse("only the listed math functions can be called")
            case ast.Attribute():
                raise _refuse("attribute access")
            case _:
                raise _refuse(f"{type(node).__name__} is not arithmetic")

    def _binary(self, op: ast.operator, left: Number, right: Number) -> Number:
        if isinstance(op, ast.Pow):
            if abs(right) > MAX_EXPONENT:
                raise _refuse(f"exponents are limited to ±{MAX_EXPONENT}")
            exact = isinstance(left, int) and isinstance(right, int) and right > 0
            if exact and cast(int, left).bit_length() * right > MAX_INT_BITS:
                raise _refuse("the result would be too large")
        return _checked(_BINARY[type(op)](left, right))


def _checked(value: Any) -> Number:
    if isinstance(value, complex):
        raise ToolError(ToolErrorCode.MATH_ERROR, "math error: the result is not a real number")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise _refuse("the result would be too large")
    return cast(Number, value)


def _refuse(reason: str) -> ToolError:
    return ToolError(ToolErrorCode.BAD_EXPRESSION, f"expression refused: {reason}")


def calculate(expression: str) -> dict[str, Any]:
    """Tool function: ``{"expression": ..., "result": ...}``."""
    return {"expression": expression, "result": evaluate(expression)}


def calculator_tool() -> Tool:
    """The ``calculator`` tool."""
    return Tool(
        name="calculator",
        description=(
            "Evaluate an arithmetic expression exactly. Supports + - * / // % ** and parentheses, "
            f"constants {', '.join(CONSTANTS)} and functions {', '.join(FUNCTIONS)}."
        ),
        parameters={
            "type": "object",
            "properties": {
                "expression": {
                    "type": "string",
                    "description": "for example (2 + 3) * sqrt(16) / 4",
                    "maxLength": MAX_EXPRESSION_CHARS,
                }
            },
            "required": ["expression"],
            "additionalProperties": False,
        },
        func=calculate,
    )
