"""SMART lint and design advice (``ikkan lint``).

Rules, each a small function over the resolved tree returning issues (like MetricFlow's
validation rules). Warnings advise; errors (none here yet) would fail the command.
Sources: SMART (seeds 000, 004), KPI counts 3–5 company-wide and 2–3 per department
(seed 004), leading KPIs under every KSF, no vanity or uncontrollable department KPIs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ikkan.model.issues import Issue, Severity, warning
from ikkan.model.spec import Direction, Kind
from ikkan.model.tree import KpiTree
from ikkan.model.tree_types import Locator

COMPANY_KPI_RANGE = (3, 5)
DEPARTMENT_KPI_MAX = 3
KSF_MAX = 5
VANITY_WORDS = (
    "market_share",
    "marketshare",
    "シェア",
    "page_view",
    "pageview",
    "ページビュー",
    "pv",
    "impression",
    "表示回数",
    "インプレッション",
    "follower",
    "フォロワー",
    "like",
    "いいね",
)
COST_WORDS = ("cpa", "cpl", "cac", "cpc", "cpm", "cost", "costs")

Rule = Callable[[KpiTree, Locator | None], list[Issue]]


def _issue(
    code: str, message: str, loc: Locator | None, node_id: str, hint: str, *path: str
) -> Issue:
    location = loc.node(node_id, *path, key=not path) if loc else None
    return warning(code, message, location, hint, node_id)


def smart_specific(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    return [
        _issue(
            "smart-specific",
            f"'{n.id}' has no definition (Specific)",
            loc,
            n.id,
            "add definition: one sentence saying exactly what is counted, e.g. "
            "'leads that inside sales accepted within the month'",
        )
        for n in tree.nodes.values()
        if not n.definition
    ]


def smart_measurable(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    return [
        _issue(
            "smart-measurable",
            f"'{n.id}' has no formula, metric or assumption (Measurable)",
            loc,
            n.id,
            "bind it to data with metric:, compute it with formula:, or give an assumption:",
        )
        for n in tree.nodes.values()
        if n.formula is None
        and n.metric is None
        and n.assumption is None
        and n.baseline is None
        and not (n.target is not None and n.kind is Kind.KGI)
    ]


def smart_relevant(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    connected: set[str] = set(tree.kgis)
    for kgi in tree.kgis:
        connected |= tree.reaches(kgi)
    return [
        _issue(
            "smart-relevant",
            f"'{n.id}' is not connected to a KGI (Relevant)",
            loc,
            n.id,
            "use it in a formula of a node under the KGI, or set parent: <node>",
        )
        for n in tree.nodes.values()
        if n.id not in connected
    ]


def smart_time_bound(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    has_plan_period = tree.spec.plan.period is not None or any(
        tree.nodes[k].period for k in tree.kgis
    )
    if has_plan_period:
        return []
    return [
        _issue(
            "smart-time-bound",
            f"'{n.id}' has a target but no period (Time-bound)",
            loc,
            n.id,
            "set plan: {period: FY2026}, or period: on the node",
        )
        for n in tree.nodes.values()
        if n.target is not None and n.period is None
    ]


def kpi_counts(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    issues: list[Issue] = []
    ksfs = [n for n in tree.nodes.values() if n.kind is Kind.KSF]
    if len(ksfs) > KSF_MAX:
        issues.append(
            warning(
                "too-many-ksf",
                f"{len(ksfs)} KSFs; focus on 3–5",
                loc.top("nodes", key=True) if loc else None,
                "too many success factors blur the focus (seed 004): merge or demote some",
            )
        )
    kpis = [n for n in tree.nodes.values() if n.kind is Kind.KPI and n.target is not None]
    company = [n for n in kpis if n.department in (None, "exec")]
    if len(company) > COMPANY_KPI_RANGE[1]:
        issues.append(
            warning(
                "too-many-company-kpis",
                f"{len(company)} company-wide KPIs with targets; 3–5 are easier to act on",
                loc.top("nodes", key=True) if loc else None,
                "give each KPI an owner department, or keep fewer targets",
            )
        )
    per_department = Counter(n.department for n in kpis if n.department not in (None, "exec"))
    for department, count in sorted(per_department.items(), key=lambda kv: str(kv[0])):
        if count > DEPARTMENT_KPI_MAX:
            names = ", ".join(n.id for n in kpis if n.department == department)
            issues.append(
                warning(
                    "too-many-department-kpis",
                    f"department '{department}' owns {count} KPIs with targets ({names}); 2–3 "
                    "keep a team focused",
                    loc.top("nodes", key=True) if loc else None,
                    "keep the 2–3 the department can move most; the rest become plain nodes "
                    "without targets",
                )
            )
    return issues


def ksf_leading(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    issues: list[Issue] = []
    for ksf in (n for n in tree.nodes.values() if n.kind is Kind.KSF):
        below = tree.reaches(ksf.id)
        if not any(tree.nodes[b].leading for b in below):
            issues.append(
                _issue(
                    "ksf-no-leading",
                    f"KSF '{ksf.id}' has no leading KPI under it",
                    loc,
                    ksf.id,
                    "mark an early-signal KPI (e.g. MQL, 商談化率) with leading: true so misses "
                    "show before the result does",
                )
            )
    return issues


def controllable_and_vanity(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    issues: list[Issue] = []
    for n in tree.nodes.values():
        if n.department is None or n.department == "exec":
            continue
        if not n.controllable and n.target is not None:
            issues.append(
                _issue(
                    "not-controllable",
                    f"'{n.id}' is a target for {n.department} but marked not controllable",
                    loc,
                    n.id,
                    "give departments KPIs they can move; track this one without a target",
                    "controllable",
                )
            )
        text = " ".join([n.id, n.label.ja or "", n.label.en or ""]).lower()
        words = set(text.replace("-", "_").replace(" ", "_").split("_")) | {text}
        if any(w in text for w in VANITY_WORDS if len(w) > 2) or "pv" in words:
            issues.append(
                _issue(
                    "vanity-kpi",
                    f"'{n.id}' looks like a vanity metric as a department KPI",
                    loc,
                    n.id,
                    "market share and raw page views do not tell a team what to do; prefer "
                    "conversions, MQLs or 商談化率",
                )
            )
    return issues


def cost_direction(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    def looks_like_cost(node_id: str, label_ja: str) -> bool:
        tokens = set(node_id.lower().split("_"))
        return bool(tokens & set(COST_WORDS)) or any(w in label_ja for w in ("コスト", "費用"))

    return [
        _issue(
            "cost-direction",
            f"'{n.id}' looks like a cost but higher is marked better",
            loc,
            n.id,
            "set direction: lower (achievement = target ÷ actual)",
            "direction",
        )
        for n in tree.nodes.values()
        if n.direction is Direction.HIGHER and looks_like_cost(n.id, n.label.ja or "")
    ]


def owners(tree: KpiTree, loc: Locator | None) -> list[Issue]:
    return [
        _issue(
            "no-owner",
            f"KPI '{n.id}' has a target but no owner",
            loc,
            n.id,
            "set owner: {department: marketing} so someone answers for it",
        )
        for n in tree.nodes.values()
        if n.kind is Kind.KPI and n.target is not None and n.department is None
    ]


RULES: tuple[Rule, ...] = (
    smart_specific,
    smart_measurable,
    smart_relevant,
    smart_time_bound,
    kpi_counts,
    ksf_leading,
    controllable_and_vanity,
    cost_direction,
    owners,
)


def lint_tree(tree: KpiTree, locator: Locator | None = None) -> list[Issue]:
    issues: list[Issue] = []
    for rule in RULES:
        issues += rule(tree, locator)
    return sorted(issues, key=lambda i: (i.severity is not Severity.ERROR, i.code, i.node or ""))
