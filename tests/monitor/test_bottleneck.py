import math

import pytest

from ikkan.monitor.bottleneck import (
    DecompositionError,
    TreeNode,
    decompose_gap,
    split_node,
)


def product(*names):
    return lambda v: math.prod(v[n] for n in names)


def ratio(num, den):
    return lambda v: v[num] / v[den]


def plus(*names):
    return lambda v: sum(v[n] for n in names)


# revenue = won × avg_deal_size; won = opportunities × win_rate;
# opportunities = leads × opp_rate (seed 002 / 003 / 004 chain).
FUNNEL = [
    TreeNode(
        "revenue",
        ["won", "avg_deal_size"],
        product("won", "avg_deal_size"),
        "product",
        label_ja="売上",
        label_en="Revenue",
    ),
    TreeNode("won", ["opportunities", "win_rate"], product("opportunities", "win_rate"), "product"),
    TreeNode("opportunities", ["leads", "opp_rate"], product("leads", "opp_rate"), "product"),
    TreeNode("leads", label_ja="リード数"),
    TreeNode("opp_rate", label_ja="商談化率", label_en="Opportunity rate"),
    TreeNode("win_rate", label_ja="受注率"),
    TreeNode("avg_deal_size", controllable=False, label_ja="平均受注単価"),
]
TARGET = {"leads": 1000, "opp_rate": 0.30, "win_rate": 0.20, "avg_deal_size": 10_000_000}
ACTUAL = {"leads": 1100, "opp_rate": 0.20, "win_rate": 0.19, "avg_deal_size": 9_800_000}


def test_funnel_contributions_sum_to_the_kgi_gap_and_match_flat_lmdi():
    result = decompose_gap(FUNNEL, "revenue", ACTUAL, TARGET)
    # target 1000 × 0.30 × 0.20 × ¥10M = ¥600M; actual 1100 × 0.20 × 0.19 × ¥9.8M = ¥409.64M
    assert result.target == pytest.approx(600_000_000)
    assert result.actual == pytest.approx(409_640_000)
    assert result.gap == pytest.approx(-190_360_000)
    leaves = result.ranked()
    assert sum(c.contribution for c in leaves) == pytest.approx(result.gap, abs=1e-6)
    # Independent check: LMDI on the leaves, weight L = (R1 - R0) / ln(R1 / R0).
    weight = (409_640_000 - 600_000_000) / math.log(409_640_000 / 600_000_000)
    for name in TARGET:
        expected = weight * math.log(ACTUAL[name] / TARGET[name])
        assert result.nodes[name].contribution == pytest.approx(expected, rel=1e-12)
    # Hand-computed figures (¥): opp_rate -202.24M, win_rate -25.58M, avg -10.08M, leads +47.54M
    assert result.nodes["opp_rate"].contribution == pytest.approx(-202_238_045.06, abs=0.01)
    assert result.nodes["leads"].contribution == pytest.approx(47_538_848.73, abs=0.01)
    assert [c.node for c in leaves] == ["opp_rate", "win_rate", "avg_deal_size", "leads"]


def test_every_level_sums_to_its_parent():
    result = decompose_gap(FUNNEL, "revenue", ACTUAL, TARGET)
    n = result.nodes
    assert n["won"].contribution + n["avg_deal_size"].contribution == pytest.approx(
        result.gap, abs=1e-6
    )
    assert n["opportunities"].contribution + n["win_rate"].contribution == pytest.approx(
        n["won"].contribution, abs=1e-6
    )
    assert n["leads"].contribution + n["opp_rate"].contribution == pytest.approx(
        n["opportunities"].contribution, abs=1e-6
    )
    assert n["revenue"].depth == 0 and n["opp_rate"].depth == 3
    assert n["won"].actual == pytest.approx(41.8) and n["won"].target == pytest.approx(60)
    assert result.methods == {"revenue": "lmdi", "won": "lmdi", "opportunities": "lmdi"}
    assert n["opp_rate"].method == "lmdi"
    assert n["opp_rate"].share == pytest.approx(202_238_045.06 / 190_360_000, rel=1e-9)


def test_the_bottleneck_is_the_opportunity_rate():
    # Seed 004: 商談化率 target 30%, actual 20% -> first priority.
    result = decompose_gap(FUNNEL, "revenue", ACTUAL, TARGET)
    bottleneck = result.bottleneck
    assert bottleneck is not None and bottleneck.node == "opp_rate"
    assert bottleneck.describe("ja").startswith(
        "商談化率: 目標 0.3 → 実績 0.2、KGIへの影響 -202,238,045"
    )
    assert "of the gap" in bottleneck.describe("en")
    # avg_deal_size is not controllable: never a driver.
    assert "avg_deal_size" not in [c.node for c in result.drivers()]


def test_uncontrollable_leaves_make_their_parent_the_driver():
    tree = [
        TreeNode("revenue", ["new", "existing"], plus("new", "existing"), "sum"),
        TreeNode("new", ["market", "share"], product("market", "share"), "product"),
        TreeNode("market", controllable=False),
        TreeNode("share", controllable=False),
        TreeNode("existing"),
    ]
    result = decompose_gap(
        tree,
        "revenue",
        {"market": 100, "share": 0.5, "existing": 95},
        {"market": 100, "share": 0.8, "existing": 100},
    )
    assert result.gap == pytest.approx(-35)
    assert [c.node for c in result.drivers()] == ["new", "existing"]
    assert result.bottleneck.node == "new"
    assert result.nodes["new"].contribution == pytest.approx(-30)


def test_sum_node_is_additive():
    # seed 001: revenue = new customers + existing customers (¥500M + ¥500M target)
    tree = [
        TreeNode("revenue", ["new", "existing"], plus("new", "existing"), "sum"),
        TreeNode("new"),
        TreeNode("existing"),
    ]
    result = decompose_gap(
        tree, "revenue", {"new": 420e6, "existing": 530e6}, {"new": 500e6, "existing": 500e6}
    )
    assert result.gap == pytest.approx(-50e6)
    assert result.nodes["new"].contribution == pytest.approx(-80e6)
    assert result.nodes["existing"].contribution == pytest.approx(30e6)
    assert result.methods["revenue"] == "additive"
    assert result.bottleneck.node == "new"


def test_sum_over_products_scales_children_into_yen():
    tree = [
        TreeNode("revenue", ["new", "existing"], plus("new", "existing"), "sum"),
        TreeNode("new", ["won", "avg"], product("won", "avg"), "product"),
        TreeNode("existing", ["base", "retention"], product("base", "retention"), "product"),
        TreeNode("won"),
        TreeNode("avg"),
        TreeNode("base"),
        TreeNode("retention"),
    ]
    target = {"won": 50, "avg": 10e6, "base": 500e6, "retention": 0.95}
    actual = {"won": 40, "avg": 11e6, "base": 500e6, "retention": 0.90}
    result = decompose_gap(tree, "revenue", actual, target)
    # new: 500M -> 440M (-60M); existing: 475M -> 450M (-25M); gap -85M
    assert result.gap == pytest.approx(-85e6)
    n = result.nodes
    assert n["new"].contribution == pytest.approx(-60e6)
    lm = (440e6 - 500e6) / math.log(440 / 500)
    assert n["won"].contribution == pytest.approx(lm * math.log(40 / 50))
    assert n["avg"].contribution == pytest.approx(lm * math.log(1.1))
    assert n["retention"].contribution == pytest.approx(-25e6)
    assert n["base"].contribution == pytest.approx(0, abs=1e-9)
    assert sum(c.contribution for c in result.ranked()) == pytest.approx(-85e6, abs=1e-6)
    assert result.bottleneck.node == "won"


def test_zero_falls_back_to_shapley_with_hand_computed_values():
    # revenue = won × avg; target 10 × ¥1M = ¥10M; actual 0 won × ¥1.2M = 0.
    tree = [
        TreeNode("revenue", ["won", "avg"], product("won", "avg"), "product"),
        TreeNode("won"),
        TreeNode("avg"),
    ]
    result = decompose_gap(tree, "revenue", {"won": 0, "avg": 1.2e6}, {"won": 10, "avg": 1e6})
    # won: ½[(0 - 10M) + (0 - 12M)] = -11M; avg: ½[(12M - 10M) + (0 - 0)] = +1M
    assert result.nodes["won"].contribution == pytest.approx(-11e6)
    assert result.nodes["avg"].contribution == pytest.approx(1e6)
    assert result.methods["revenue"] == "shapley"
    assert any("zero or negative" in note for note in result.notes)
    assert result.bottleneck.node == "won"


def test_ratio_node_lmdi_and_cpa_style_kgi():
    # cpa = cost / conversions; lower is better. Target ¥5,000 = 1,000,000 / 200.
    tree = [
        TreeNode("cpa", ["cost", "conversions"], ratio("cost", "conversions"), "ratio"),
        TreeNode("cost"),
        TreeNode("conversions"),
    ]
    result = decompose_gap(
        tree,
        "cpa",
        {"cost": 1_200_000, "conversions": 160},
        {"cost": 1e6, "conversions": 200},
        direction="lower",
    )
    assert result.gap == pytest.approx(2500)  # 7,500 - 5,000
    lm = 2500 / math.log(7500 / 5000)
    assert result.nodes["cost"].contribution == pytest.approx(lm * math.log(1.2))
    assert result.nodes["conversions"].contribution == pytest.approx(-lm * math.log(0.8))
    # For a lower-is-better KGI the worst driver is the most positive one.
    assert result.bottleneck.node == "conversions"


def test_other_kind_uses_shapley_and_sums_exactly():
    # profit = revenue - cost - fixed (kind "other"): Shapley of a linear formula is additive.
    tree = [
        TreeNode(
            "profit",
            ["revenue", "cost", "fixed"],
            lambda v: v["revenue"] - v["cost"] - v["fixed"],
            "other",
        ),
        TreeNode("revenue"),
        TreeNode("cost"),
        TreeNode("fixed", controllable=False),
    ]
    result = decompose_gap(
        tree,
        "profit",
        {"revenue": 90, "cost": 50, "fixed": 20},
        {"revenue": 100, "cost": 40, "fixed": 20},
    )
    assert result.nodes["revenue"].contribution == pytest.approx(-10)
    assert result.nodes["cost"].contribution == pytest.approx(-10)
    assert result.nodes["fixed"].contribution == pytest.approx(0)
    assert [c.node for c in result.ranked()] == ["cost", "revenue", "fixed"]


def test_shapley_with_interaction_hand_computed():
    # f = a × b + c; a 2→3, b 5→4, c 1→2.
    node = TreeNode("f", ["a", "b", "c"], lambda v: v["a"] * v["b"] + v["c"], "other")
    parts, method, _ = split_node(node, {"a": 2, "b": 5, "c": 1}, {"a": 3, "b": 4, "c": 2})
    # a: ½[(3·5 - 2·5) + (3·4 - 2·4)] = ½(5 + 4) = 4.5; b: ½[(2·4-2·5) + (3·4-3·5)] = -2.5
    assert method == "shapley"
    assert parts == pytest.approx({"a": 4.5, "b": -2.5, "c": 1.0})


def test_mislabelled_kind_falls_back_with_a_note():
    node = TreeNode("f", ["a", "b"], plus("a", "b"), "product")
    parts, method, note = split_node(node, {"a": 1, "b": 2}, {"a": 2, "b": 5})
    assert method == "shapley" and parts == pytest.approx({"a": 1, "b": 3})
    assert "not one" in note
    node = TreeNode("g", ["a", "b"], product("a", "b"), "sum")
    parts, method, note = split_node(node, {"a": 1, "b": 2}, {"a": 2, "b": 5})
    assert method == "shapley" and sum(parts.values()) == pytest.approx(8)
    assert "not additive" in note


def test_offsetting_children_under_an_unchanged_node():
    # opportunities unchanged (1000 × 0.3 = 1500 × 0.2 = 300) but leads and rate moved.
    result = decompose_gap(
        FUNNEL,
        "revenue",
        {**TARGET, "leads": 1500, "opp_rate": 0.2, "win_rate": 0.15},
        TARGET,
    )
    n = result.nodes
    assert n["opportunities"].contribution == pytest.approx(0, abs=1e-6)
    assert n["leads"].contribution > 0 > n["opp_rate"].contribution
    assert n["leads"].contribution + n["opp_rate"].contribution == pytest.approx(0, abs=1e-6)
    assert n["win_rate"].contribution == pytest.approx(result.gap, abs=1e-6)  # -¥150M
    # The offsetting pair is valued at the downstream rate d revenue / d opportunities
    # = win_rate × avg = 0.15 × ¥10M: ±300 × ln(1.5) × ¥1.5M = ±¥182.46M. The rate that
    # fell from 30% to 20% stays visible as the worst driver although volume covered it.
    assert n["leads"].contribution == pytest.approx(300 * math.log(1.5) * 1.5e6, rel=1e-6)
    assert result.bottleneck.node == "opp_rate"
    assert [c.node for c in result.ranked()][:2] == ["opp_rate", "win_rate"]


def test_no_gap_and_no_bottleneck_when_ahead():
    result = decompose_gap(FUNNEL, "revenue", TARGET, TARGET)
    assert result.gap == 0
    assert all(c.contribution == pytest.approx(0) for c in result.nodes.values())
    assert result.nodes["leads"].share is None
    ahead = decompose_gap(FUNNEL, "revenue", {**TARGET, "leads": 1200}, TARGET)
    assert ahead.bottleneck is None


def test_shared_child_in_a_dag_sums_exactly():
    tree = [
        TreeNode("total", ["a", "b"], plus("a", "b"), "sum"),
        TreeNode("a", ["x", "y"], product("x", "y"), "product"),
        TreeNode("b", ["x", "z"], product("x", "z"), "product"),
        TreeNode("x"),
        TreeNode("y"),
        TreeNode("z"),
    ]
    result = decompose_gap(tree, "total", {"x": 9, "y": 2, "z": 4}, {"x": 10, "y": 2, "z": 3})
    leaves = sum(c.contribution for c in result.ranked())
    assert result.gap == pytest.approx(18 + 36 - 20 - 30)
    assert leaves == pytest.approx(result.gap, abs=1e-9)


def test_mismatched_given_intermediate_values_are_reported():
    result = decompose_gap(FUNNEL, "revenue", {**ACTUAL, "won": 45}, TARGET)
    assert result.mismatches == {"won": (45.0, pytest.approx(41.8))}
    assert result.nodes["won"].actual == pytest.approx(41.8)


def test_errors_name_the_problem():
    with pytest.raises(DecompositionError, match="no actual value for 'opp_rate'"):
        decompose_gap(
            FUNNEL, "revenue", {k: v for k, v in ACTUAL.items() if k != "opp_rate"}, TARGET
        )
    with pytest.raises(DecompositionError, match="not in the tree") as err:
        decompose_gap(FUNNEL, "revenu", ACTUAL, TARGET)
    assert "revenue" in err.value.hint
    bad = [TreeNode("r", ["oportunities"], plus("oportunities"), "sum"), TreeNode("opportunities")]
    with pytest.raises(DecompositionError, match="uses 'oportunities'"):
        decompose_gap(bad, "r", {}, {})
    cyclic = [TreeNode("a", ["b"], plus("b"), "sum"), TreeNode("b", ["a"], plus("a"), "sum")]
    with pytest.raises(DecompositionError, match="cycle: a → b → a"):
        decompose_gap(cyclic, "a", {}, {})
    zero = [TreeNode("r", ["n", "d"], ratio("n", "d"), "ratio"), TreeNode("n"), TreeNode("d")]
    with pytest.raises(DecompositionError, match="target value of 'r'"):
        decompose_gap(zero, "r", {"n": 1, "d": 1}, {"n": 1, "d": 0})


def test_too_many_children_for_exact_shapley():
    names = [f"k{i}" for i in range(17)]
    node = TreeNode("f", names, lambda v: max(v.values()), "other")
    with pytest.raises(DecompositionError, match="at most 16"):
        split_node(node, dict.fromkeys(names, 1.0), dict.fromkeys(names, 2.0))


def test_eight_children_shapley_is_exact():
    names = [f"k{i}" for i in range(8)]
    node = TreeNode("f", names, lambda v: math.prod(v.values()) + max(v.values()), "other")
    before = {k: 1.0 + i / 10 for i, k in enumerate(names)}
    after = {k: 1.5 - i / 20 for i, k in enumerate(names)}
    parts, method, _ = split_node(node, before, after)
    assert method == "shapley"
    assert sum(parts.values()) == pytest.approx(node.evaluate(after) - node.evaluate(before))


def test_a_measured_parent_keeps_its_value_and_the_difference_is_its_own_line():
    # won measured at 45 (won deals), while opportunities × win_rate over the measured
    # inputs gives 1100 × 0.20 × 0.19 = 41.8: the 3.2 wins are not explained by the tree
    result = decompose_gap(FUNNEL, "revenue", {**ACTUAL, "won": 45}, TARGET, measured_parents=True)
    assert result.actual == pytest.approx(45 * 9_800_000)  # the measured KGI's inputs
    assert result.gap == pytest.approx(45 * 9_800_000 - 600_000_000)
    line = result.nodes["won:unexplained"]
    assert line.unexplained and line.is_leaf and not line.controllable
    assert (line.actual, line.target) == (pytest.approx(45), pytest.approx(41.8))
    assert line.label("ja") == "won: ツリーで説明できない差"
    assert line.label("en") == "won: not explained by the tree"
    leaves = result.ranked()
    assert "won:unexplained" in {c.node for c in leaves}
    assert sum(c.contribution for c in leaves) == pytest.approx(result.gap, abs=1e-6)
    n = result.nodes  # the won level: its inputs plus the unexplained line make its part
    assert n["opportunities"].contribution + n["win_rate"].contribution + line.contribution == (
        pytest.approx(n["won"].contribution, abs=1e-6)
    )
    assert result.bottleneck is not None and result.bottleneck.node != "won:unexplained"


def test_a_measured_root_is_the_gap_decomposed():
    tree = [TreeNode("won", ["leads", "rate"], product("leads", "rate"), "product"),
            TreeNode("leads"), TreeNode("rate")]  # fmt: skip
    result = decompose_gap(
        tree, "won", {"leads": 78, "rate": 30 / 78, "won": 33}, {"leads": 160, "rate": 0.25},
        measured_parents=True,
    )  # fmt: skip
    assert result.gap == pytest.approx(33 - 40)
    assert result.nodes["won:unexplained"].contribution == pytest.approx(3)
    assert sum(c.contribution for c in result.ranked()) == pytest.approx(-7, abs=1e-9)
    plain = decompose_gap(tree, "won", {"leads": 78, "rate": 30 / 78, "won": 33},
                          {"leads": 160, "rate": 0.25})  # fmt: skip
    assert plain.gap == pytest.approx(-10) and "won:unexplained" not in plain.nodes
