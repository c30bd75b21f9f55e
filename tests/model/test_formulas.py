from __future__ import annotations

import math

import pytest

from ikkan.model.formulas import FormulaError, elasticity, parse_formula


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("won * avg_deal_size", {"won": 20, "avg_deal_size": 10_000_000}, 200_000_000),
        ("won × avg_deal_size", {"won": 3, "avg_deal_size": 2}, 6),
        ("budget ÷ leads", {"budget": 1_000_000, "leads": 200}, 5000),
        ("(revenue - cost) / cost", {"revenue": 500, "cost": 100}, 4),
        ("25% * a + 1_000", {"a": 400}, 1100),
        ("-a + b", {"a": 1, "b": 3}, 2),
        ("max(a, b) - min(a, b)", {"a": 2, "b": 7}, 5),
        ("sum(a, b, c) / 3", {"a": 1, "b": 2, "c": 3}, 2),
        ("abs(a - b)", {"a": 2, "b": 7}, 5),
        ("売上 / 件数", {"売上": 900, "件数": 3}, 300),
        ("a - b - c", {"a": 10, "b": 3, "c": 2}, 5),  # left associative
        ("a / b / c", {"a": 12, "b": 3, "c": 2}, 2),
        ("a + b * c", {"a": 1, "b": 2, "c": 3}, 7),  # precedence
    ],
)
def test_evaluate(text: str, values: dict[str, float], expected: float) -> None:
    assert parse_formula(text).evaluate(values) == pytest.approx(expected)


def test_names_in_order_without_duplicates() -> None:
    assert parse_formula("a * b + a / c").names == ("a", "b", "c")


@pytest.mark.parametrize(
    ("text", "unknown", "result", "values", "expected"),
    [
        ("opportunities * win_rate", "opportunities", 10, {"win_rate": 0.2}, 50),
        ("opportunities * win_rate", "win_rate", 10, {"opportunities": 50}, 0.2),
        ("budget / leads", "leads", 5000, {"budget": 1_000_000}, 200),
        ("budget / leads", "budget", 5000, {"leads": 200}, 1_000_000),
        ("a - b", "b", 3, {"a": 10}, 7),
        ("a + b", "a", 3, {"b": 10}, -7),
        ("-(a) * 2", "a", 4, {}, -2),
        ("(revenue - cost) / cost", "revenue", 4, {"cost": 100}, 500),
        ("sum(a, b, c)", "b", 10, {"a": 1, "c": 2}, 7),
        ("a * x + x", "x", 10, {"a": 4}, 2),  # twice, but linear
    ],
)
def test_solve_for(
    text: str, unknown: str, result: float, values: dict[str, float], expected: float
) -> None:
    formula = parse_formula(text)
    solved = formula.solve_for(unknown, result, values)
    assert solved == pytest.approx(expected)
    assert formula.evaluate({**values, unknown: solved}) == pytest.approx(result)


def test_solve_refuses_non_linear_and_min() -> None:
    with pytest.raises(FormulaError, match="not linear"):
        parse_formula("x * x").solve_for("x", 4, {})
    with pytest.raises(FormulaError):
        parse_formula("max(x, 3)").solve_for("x", 4, {"y": 1})


def test_solve_through_a_zero_rate_is_an_error() -> None:
    with pytest.raises(FormulaError, match="multiplied by 0"):
        parse_formula("leads * rate").solve_for("leads", 10, {"rate": 0})


def test_division_by_zero_is_a_formula_error() -> None:
    with pytest.raises(FormulaError, match="division by zero"):
        parse_formula("a / b").evaluate({"a": 1, "b": 0})


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("a + * b", 5, "unexpected '*'"),
        ("a $ b", 3, "unexpected character '$'"),
        ("a +", 4, "ends too early"),
        ("(a + b", 7, "ends too early"),
        ("foo(a)", 1, "unknown function 'foo'"),
        ("abs(a, b)", 1, "abs() takes 1"),
    ],
)
def test_syntax_errors_point_at_the_column(text: str, column: int, words: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert info.value.column == column
    assert words in info.value.message
    assert info.value.hint


def test_never_evaluates_python() -> None:
    for hostile in ("__import__('os').system('true')", "a.__class__", "open('x')", "a; b"):
        with pytest.raises(FormulaError):
            parse_formula(hostile)


def test_commas_are_not_thousand_separators_in_formulas() -> None:
    # 'max(1,234)' must mean max(1, 234), never 1234
    assert parse_formula("max(1,234)").evaluate({}) == 234


def test_elasticity_of_a_product_is_one() -> None:
    expr = parse_formula("a * b").expr
    assert elasticity(expr, "a", {"a": 3, "b": 4}) == pytest.approx(1.0)
    ratio = parse_formula("a / b").expr
    assert elasticity(ratio, "b", {"a": 3, "b": 4}) == pytest.approx(-1.0, rel=1e-4)
    assert math.isclose(
        elasticity(parse_formula("a + b").expr, "a", {"a": 1, "b": 3}), 0.25, rel_tol=1e-6
    )
