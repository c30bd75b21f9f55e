"""``ikkan targets export|import``: the effective targets as YAML or CSV, and back.

One row per node, scenario and period: ``node, scenario, period, value, source, reason``.
``period`` is ``plan`` for the node's target as written in ikkan.yml (per month when the node
says ``period: month``) or a month ``YYYY-MM`` for a month revision. ``source`` says where the
value comes from (``ikkan.yml`` or ``revision #n``); import ignores it.

Import reads every row first and refuses the whole file on any error (each with its row or
YAML line and column); it then stores a revision for each row whose value differs from the
effective target, with the row's ``reason`` or the one given on the command line.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ikkan.auth.audit import Origin
from ikkan.errors import Location, UserError
from ikkan.model.planning import SCENARIOS
from ikkan.model.revisions import SCOPE_PERIOD, EffectiveTargets, RevisionStatus, same
from ikkan.reports.excel_safety import csv_bytes
from ikkan.services.pdca import PdcaLog
from ikkan.services.pdca_access import NotAllowed, authorize
from ikkan.state.policy import Action, Actor

COLUMNS = ("node", "scenario", "period", "value", "source", "reason")
REQUIRED = ("node", "scenario", "period", "value")
PLAN_SCOPE = "plan"


@dataclass(frozen=True)
class TargetRow:
    node: str
    scenario: str
    period: str  # 'plan' or YYYY-MM
    value: float
    reason: str
    where: str  # "file.csv row 3" / "file.yml:7"


class TargetsImportError(UserError):
    """Rows that cannot be imported; ``problems`` lists every one of them."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{path.name}: {len(problems)} problem(s), nothing imported:\n  "
            + "\n  ".join(problems),
            hint="fix the rows named above and import again",
        )


def export_rows(effective: EffectiveTargets) -> list[dict[str, Any]]:
    """Every target in force: ikkan.yml's and the revisions' (the precedence rule applied)."""
    reasons = {_key(s): s.revision.reason for s in effective.statuses if s.applies}
    rows: list[dict[str, Any]] = []
    for node_id in effective.tree.order:
        node = effective.tree.nodes[node_id]
        for scenario in SCENARIOS:
            value = None
            if node.target is not None:
                value = node.target.commit if scenario == "commit" else node.target.stretch
            if value is not None:
                rows.append(_row(effective, node_id, scenario, SCOPE_PERIOD, value, reasons))
    for (scenario, node_id, month), value in sorted(effective.pins.items()):
        rows.append(_row(effective, node_id, scenario, month, value, reasons))
    return rows


def _key(status: RevisionStatus) -> tuple[str, str, str]:
    r = status.revision
    return (r.node_id, r.scenario, r.period)


def _row(
    effective: EffectiveTargets,
    node_id: str,
    scenario: str,
    period: str,
    value: float,
    reasons: dict[tuple[str, str, str], str],
) -> dict[str, Any]:
    return {
        "node": node_id,
        "scenario": scenario,
        "period": period or PLAN_SCOPE,
        "value": int(value) if float(value).is_integer() else value,
        "source": effective.source(node_id, scenario, period),
        "reason": reasons.get((node_id, scenario, period), ""),
    }


def export_text(rows: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "csv":
        return csv_bytes([list(COLUMNS), *([r[c] for c in COLUMNS] for r in rows)])
    header = (
        "# ikkan targets: the targets in force (ikkan.yml plus target revisions).\n"
        "# period: plan = the node's target as written in ikkan.yml; YYYY-MM = one month.\n"
        "# Edit 'value' (and 'reason'), then: ikkan targets import <this file>\n"
    )
    body = yaml.safe_dump({"targets": rows}, allow_unicode=True, sort_keys=False, width=100)
    return (header + body).encode("utf-8")


def read_rows(path: Path, default_reason: str | None) -> list[TargetRow]:
    """Every row of a YAML or CSV targets file, or ``TargetsImportError`` naming each
    problem by row (CSV) or line (YAML) and column."""
    if not path.exists():
        raise UserError(f"no such file: {path}", hint="export one with 'ikkan targets export'")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp932", errors="strict")  # Excel on Japanese Windows
    if path.suffix.lower() == ".csv":
        records = _csv_records(path, text)
    elif path.suffix.lower() in (".yml", ".yaml"):
        records = _yaml_records(path, text)
    else:
        raise UserError(f"{path.name}: unknown format", hint="use a .csv, .yml or .yaml file")
    problems: list[str] = []
    rows: list[TargetRow] = []
    for where, record in records:
        row = _parse(where, record, default_reason, problems)
        if row is not None:
            rows.append(row)
    seen: dict[tuple[str, str, str], str] = {}
    for row in rows:
        key = (row.node, row.scenario, row.period)
        if key in seen:
            problems.append(f"{row.where}: repeats {'/'.join(key)} (first at {seen[key]})")
        seen.setdefault(key, row.where)
    if problems:
        raise TargetsImportError(path, problems)
    return rows


def _csv_records(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise TargetsImportError(
            path, [f"header: missing column(s) {', '.join(missing)}; need {', '.join(COLUMNS)}"]
        )
    return [(f"{path.name} row {i}", dict(r)) for i, r in enumerate(reader, start=2)]


def _yaml_records(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = Location(path.name, mark.line + 1, mark.column + 1) if mark else None
        raise UserError(f"not valid YAML: {exc}", location=place) from exc
    if not isinstance(data, dict) or not isinstance(data.get("targets"), list):
        raise UserError(
            f"{path.name}: expected a list under 'targets:'",
            hint="see the file 'ikkan targets export --format yaml' writes",
        )
    items = next(v for k, v in root.value if k.value == "targets").value  # type: ignore[union-attr]
    out: list[tuple[str, dict[str, Any]]] = []
    for node, record in zip(items, data["targets"], strict=True):
        where = f"{path.name}:{node.start_mark.line + 1}"
        if not isinstance(record, dict):
            out.append((where, {"_bad": True}))
            continue
        out.append((where, record))
    return out


def _parse(
    where: str, record: dict[str, Any], default_reason: str | None, problems: list[str]
) -> TargetRow | None:
    if record.get("_bad"):
        problems.append(f"{where}: a row must be a mapping with {', '.join(REQUIRED)}")
        return None
    start = len(problems)
    node = str(record.get("node") or "").strip()
    scenario = str(record.get("scenario") or "").strip()
    period = str(record.get("period") or PLAN_SCOPE).strip()
    reason = str(record.get("reason") or default_reason or "").strip()
    if not node:
        problems.append(f"{where}, column node: empty")
    if scenario not in SCENARIOS:
        problems.append(f"{where}, column scenario: '{scenario}' (use commit or stretch)")
    value = _number(record.get("value"))
    if value is None:
        problems.append(
            f"{where}, column value: '{record.get('value')}' is not a number (e.g. 1200 or 12%)"
        )
    if len(problems) > start or value is None:
        return None
    return TargetRow(node, scenario, period, value, reason, where)


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("¥", "").replace("￥", "")
        scale = 1.0
        if text.endswith(("%", "％")):
            text, scale = text[:-1], 0.01
        try:
            value = float(text) * scale
        except ValueError:
            return None
    return value if math.isfinite(value) and value >= 0 else None


def import_rows(
    log: PdcaLog, actor: Actor | None, rows: list[TargetRow], path: Path
) -> tuple[int, int]:
    """Store a revision per changed row (after checking every row's node and period);
    returns (revised, unchanged)."""
    problems: list[str] = []
    current = {
        (r["node"], r["scenario"], r["period"]): r["value"] for r in export_rows(log.effective())
    }
    changed: list[tuple[TargetRow, str]] = []
    unchanged = 0
    for row in rows:
        if row.node not in log.tree.nodes:
            from ikkan.errors import did_you_mean

            hint = did_you_mean(row.node, log.tree.nodes) or "see 'ikkan plan' for ids"
            problems.append(f"{row.where}, column node: unknown node '{row.node}'. {hint}")
            continue
        try:
            scope = log.check_period("" if row.period == PLAN_SCOPE else row.period)
        except UserError as exc:
            problems.append(f"{row.where}, column period: {exc.message}")
            continue
        if same(current.get((row.node, row.scenario, scope or PLAN_SCOPE)), row.value):
            unchanged += 1
            continue
        if not row.reason:
            problems.append(
                f"{row.where}, column reason: empty for a changed target (or give --reason)"
            )
            continue
        try:
            authorize(actor, Action.REVISE_TARGET, log.tree, row.node)
        except NotAllowed as exc:
            problems.append(f"{row.where}: {exc.message}")
            continue
        changed.append((row, scope))
    if problems:
        raise TargetsImportError(path, problems)
    for row, scope in changed:
        log.revise_target(
            actor, row.node, row.scenario, row.value, row.reason, period=scope, origin=Origin.cli()
        )
    return len(changed), unchanged
