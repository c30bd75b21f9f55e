"""Formulas between nodes: a safe parser, evaluation, solving for one unknown.

Grammar (parsed with Lark; never ``eval``)::

    revenue = won * avg_deal_size
    leads   = (budget - fixed_cost) / cpl
    blended = max(a, b) + 25% * c

- operators ``+ - * /`` and their Japanese forms ``× ÷``, parentheses, unary minus;
- numbers ``1000``, ``1_000_000``, ``2.5``, ``25%`` (= 0.25); no ``1,000`` (the comma
  separates function arguments);
- node names (letters, digits, ``_``; may start with a non-ASCII letter);
- functions ``min``, ``max``, ``sum``, ``abs``.

Deviation from STYLE.md (model imports only stdlib + pydantic): Lark is a pure-Python
parser with no I/O, made for this job; writing a parser by hand would be worse.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark import Tree as LarkTree

from ikkan.errors import UserError

FUNCTIONS: dict[str, Callable[..., float]] = {
    "min": lambda *a: min(a),
    "max": lambda *a: max(a),
    "sum": lambda *a: math.fsum(a),
    "abs": lambda a: abs(a),
}
FUNCTION_ARITY = {"min": (1, 99), "max": (1, 99), "sum": (1, 99), "abs": (1, 1)}

_GRAMMAR = r"""
?start: expr
?expr: expr "+" term   -> add
     | expr "-" term   -> sub
     | term
?term: term ("*" | "×") factor -> mul
     | term ("/" | "÷") factor -> div
     | factor
?factor: "-" factor -> neg
       | "+" factor
       | atom
?atom: PERCENT -> percent
     | NUMBER -> number
     | NAME "(" [expr ("," expr)*] ")" -> call
     | NAME -> ref
     | "(" expr ")"
PERCENT: NUMBER "%"
NUMBER: /\d[\d_]*(\.\d+)?/ | /\.\d+/
NAME: /[^\W\d][\w]*/
%import common.WS
%ignore WS
"""


class FormulaError(UserError):
    """A formula that cannot be parsed, evaluated or solved."""

    def __init__(self, message: str, *, column: int | None = None, hint: str | None = None) -> None:
        self.column = column
        super().__init__(message, hint=hint)


# --- the syntax tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    name: str
    column: int  # 1-based column in the formula text


@dataclass(frozen=True)
class BinOp:
    op: str  # one of + - * /
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    column: int


Expr = Num | Ref | BinOp | Neg | Call


class _ToAst(Transformer[Token, Expr]):
    def number(self, items: list[Token]) -> Expr:
        return Num(float(str(items[0]).replace("_", "")))

    def percent(self, items: list[Token]) -> Expr:
        return Num(float(str(items[0])[:-1].replace("_", "")) / 100)

    def ref(self, items: list[Token]) -> Expr:
        token = items[0]
        return Ref(str(token), token.column or 0)

    def call(self, items: list[Token | Expr | None]) -> Expr:
        name = items[0]
        assert isinstance(name, Token)
        args = tuple(a for a in items[1:] if a is not None and not isinstance(a, Token))
        return Call(str(name), args, name.column or 0)

    def add(self, items: list[Expr]) -> Expr:
        return BinOp("+", items[0], items[1])

    def sub(self, items: list[Expr]) -> Expr:
        return BinOp("-", items[0], items[1])

    def mul(self, items: list[Expr]) -> Expr:
        return BinOp("*", items[0], items[1])

    def div(self, items: list[Expr]) -> Expr:
        return BinOp("/", items[0], items[1])

    def neg(self, items: list[Expr]) -> Expr:
        return Neg(items[0])


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", propagate_positions=True)


@dataclass(frozen=True)
class Formula:
    """A parsed formula; ``text`` is what the user wrote."""

    text: str
    expr: Expr

    @property
    def names(self) -> tuple[str, ...]:
        """Referenced node names, in order of first appearance."""
        seen: dict[str, None] = {}
        for ref in refs(self.expr):
            seen.setdefault(ref.name, None)
        return tuple(seen)

    def evaluate(self, values: Mapping[str, float]) -> float:
        return evaluate(self.expr, values)

    def solve_for(self, unknown: str, result: float, values: Mapping[str, float]) -> float:
        return solve_for(self.expr, unknown, result, values)

    @property
    def sum_terms(self) -> tuple[str, ...] | None:
        """The names when the formula is a plain sum ``a + b + c``; otherwise None."""
        terms: list[str] = []

        def walk(e: Expr) -> bool:
            if isinstance(e, Ref):
                terms.append(e.name)
                return True
            if isinstance(e, BinOp) and e.op == "+":
                return walk(e.left) and walk(e.right)
            if isinstance(e, Call) and e.func == "sum":
                return all(walk(a) for a in e.args)
            return False

        return tuple(terms) if walk(self.expr) and len(terms) > 1 else None


def parse_formula(text: str) -> Formula:
    """Parse ``text``; a syntax error names the column and what was expected."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("the formula is empty", hint="write e.g. 'opportunities * win_rate'")
    try:
        tree = _parser().parse(text)
    except UnexpectedCharacters as exc:
        raise FormulaError(
            f"unexpected character {text[exc.pos_in_stream or 0]!r} in formula '{text}'",
            column=exc.column,
            hint="use node names, numbers, + - * / ( ) and min/max/sum/abs",
        ) from None
    except UnexpectedEOF:
        raise FormulaError(
            f"formula '{text}' ends too early",
            column=len(text) + 1,
            hint="an operator or '(' is missing its right-hand side",
        ) from None
    except UnexpectedInput as exc:
        column = getattr(exc, "column", None)
        column = column if isinstance(column, int) and column > 0 else None
        token = getattr(exc, "token", None)
        if token is not None and getattr(token, "type", "") == "$END":
            raise FormulaError(
                f"formula '{text}' ends too early",
                column=len(text) + 1,
                hint="an operator or '(' is missing its right-hand side",
            ) from None
        what = f"unexpected {str(token)!r}" if token is not None else "unexpected input"
        raise FormulaError(
            f"{what} in formula '{text}'",
            column=column,
            hint="check operators and parentheses",
        ) from None
    expr = tree if not isinstance(tree, LarkTree) else _ToAst().transform(tree)
    if isinstance(expr, Token):  # a lone NAME / NUMBER without rule alias cannot happen
        raise FormulaError(f"cannot read formula '{text}'")
    _check_calls(expr, text)
    return Formula(text, expr)


def _check_calls(expr: Expr, text: str) -> None:
    for node in walk(expr):
        if isinstance(node, Call):
            if node.func not in FUNCTIONS:
                raise FormulaError(
                    f"unknown function '{node.func}' in formula '{text}'",
                    column=node.column,
                    hint="functions are: " + ", ".join(sorted(FUNCTIONS)),
                )
            low, high = FUNCTION_ARITY[node.func]
            if not low <= len(node.args) <= high:
                raise FormulaError(
                    f"{node.func}() takes {low}"
                    + ("" if low == high else " or more")
                    + f" argument(s), got {len(node.args)}",
                    column=node.column,
                    hint="e.g. max(a, b), sum(a, b, c), abs(a - b)",
                )


def walk(expr: Expr) -> list[Expr]:
    out: list[Expr] = [expr]
    if isinstance(expr, BinOp):
        out += walk(expr.left) + walk(expr.right)
    elif isinstance(expr, Neg):
        out += walk(expr.operand)
    elif isinstance(expr, Call):
        for arg in expr.args:
            out += walk(arg)
    return out


def refs(expr: Expr) -> list[Ref]:
    return [e for e in walk(expr) if isinstance(e, Ref)]


# --- evaluation ------------------------------------------------------------------------


def evaluate(expr: Expr, values: Mapping[str, float]) -> float:
    """Evaluate with node values; a missing name or a division by zero is a FormulaError."""
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Ref):
        try:
            return float(values[expr.name])
        except KeyError:
            raise FormulaError(f"no value for '{expr.name}'", column=expr.column) from None
    if isinstance(expr, Neg):
        return -evaluate(expr.operand, values)
    if isinstance(expr, Call):
        return float(FUNCTIONS[expr.func](*(evaluate(a, values) for a in expr.args)))
    left = evaluate(expr.left, values)
    right = evaluate(expr.right, values)
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    if right == 0:
        raise FormulaError("division by zero", hint="a rate or a count in the divisor is 0")
    return left / right


def _contains(expr: Expr, name: str) -> bool:
    return any(isinstance(e, Ref) and e.name == name for e in walk(expr))


def solve_for(expr: Expr, unknown: str, result: float, values: Mapping[str, float]) -> float:
    """The value of ``unknown`` that makes ``expr`` equal ``result``, other names known.

    Exact inversion when the unknown appears once outside min/max/abs; otherwise, if the
    formula is linear in the unknown, the linear solution; else a FormulaError.
    """
    occurrences = sum(1 for r in refs(expr) if r.name == unknown)
    if occurrences == 0:
        raise FormulaError(f"'{unknown}' does not appear in the formula")
    if occurrences == 1:
        try:
            return _invert(expr, unknown, result, values)
        except _NotInvertible:
            pass
    return _solve_linear(expr, unknown, result, values)


class _NotInvertible(Exception):
    pass


def _invert(expr: Expr, unknown: str, target: float, values: Mapping[str, float]) -> float:
    if isinstance(expr, Ref):
        return target
    if isinstance(expr, Neg):
        return _invert(expr.operand, unknown, -target, values)
    if isinstance(expr, Call):
        if expr.func == "sum":
            inside = next(a for a in expr.args if _contains(a, unknown))
            rest = math.fsum(evaluate(a, values) for a in expr.args if a is not inside)
            return _invert(inside, unknown, target - rest, values)
        raise _NotInvertible
    if not isinstance(expr, BinOp):
        raise _NotInvertible
    if _contains(expr.left, unknown):
        other = evaluate(expr.right, values)
        if expr.op == "+":
            return _invert(expr.left, unknown, target - other, values)
        if expr.op == "-":
            return _invert(expr.left, unknown, target + other, values)
        if expr.op == "*":
            if other == 0:
                raise FormulaError(
                    f"cannot solve for '{unknown}': it is multiplied by 0",
                    hint="a rate on the path is 0",
                )
            return _invert(expr.left, unknown, target / other, values)
        return _invert(expr.left, unknown, target * other, values)
    other = evaluate(expr.left, values)
    if expr.op == "+":
        return _invert(expr.right, unknown, target - other, values)
    if expr.op == "-":
        return _invert(expr.right, unknown, other - target, values)
    if expr.op == "*":
        if other == 0:
            raise FormulaError(
                f"cannot solve for '{unknown}': it is multiplied by 0",
                hint="a rate on the path is 0",
            )
        return _invert(expr.right, unknown, target / other, values)
    if target == 0:
        raise FormulaError(f"cannot solve for '{unknown}': the result 0 needs an infinite divisor")
    return _invert(expr.right, unknown, other / target, values)


def _solve_linear(expr: Expr, unknown: str, target: float, values: Mapping[str, float]) -> float:
    def f(x: float) -> float:
        return evaluate(expr, {**values, unknown: x})

    f0, f1, f2 = f(0.0), f(1.0), f(2.0)
    slope = f1 - f0
    if slope == 0 or not math.isclose(f2 - f1, slope, rel_tol=1e-9, abs_tol=1e-12):
        raise FormulaError(
            f"cannot solve for '{unknown}': the formula is not linear in it",
            hint="give this node a target or an assumption instead",
        )
    return (target - f0) / slope


def elasticity(expr: Expr, name: str, values: Mapping[str, float], step: float = 1e-6) -> float:
    """d ln(result) / d ln(name) at ``values`` (central difference)."""
    base = values[name]
    if base == 0:
        return 0.0
    up = evaluate(expr, {**values, name: base * (1 + step)})
    down = evaluate(expr, {**values, name: base * (1 - step)})
    mid = evaluate(expr, values)
    if mid == 0:
        return 0.0
    return (up - down) / (2 * step * mid)
