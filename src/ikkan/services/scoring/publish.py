"""Publishing a scoring rule: who, when, why and the expected effect, kept in the warehouse
(``scoring_rules``); the scores are then recomputed with it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ikkan.errors import UserError
from ikkan.model.scoring import ScoringSpec
from ikkan.services.scoring.engine import rules_hash, rules_json

if TYPE_CHECKING:
    from ikkan.warehouse.base import SqlWarehouse


@dataclass(frozen=True)
class PublishedRules:
    version: int
    rules_hash: str
    published_at: datetime
    published_by: str
    why: str
    effect: dict[str, Any] | None
    rules: dict[str, Any]


def published(warehouse: SqlWarehouse) -> list[PublishedRules]:
    rows = warehouse.query("SELECT * FROM scoring_rules ORDER BY version").to_pylist()
    return [
        PublishedRules(
            r["version"],
            r["rules_hash"],
            r["published_at"],
            r["published_by"],
            r["why"],
            json.loads(r["effect"]) if r["effect"] else None,
            json.loads(r["rules"]),
        )
        for r in rows
    ]


def last_published(warehouse: SqlWarehouse) -> ScoringSpec | None:
    versions = published(warehouse)
    return ScoringSpec.model_validate(versions[-1].rules) if versions else None


def record(
    warehouse: SqlWarehouse,
    spec: ScoringSpec,
    *,
    by: str,
    why: str,
    at: datetime,
    effect: dict[str, Any] | None,
) -> PublishedRules:
    """Append the rules as the next version; refuses an empty reason or an unchanged rule."""
    if not why.strip() or not by.strip():
        raise UserError(
            "publishing a scoring rule needs who and why",
            hint='e.g. ikkan scoring publish --by tanaka --why "webinar attendance weighs more"',
        )
    digest = rules_hash(spec)
    with warehouse.transaction() as session:
        last = session.query(
            "SELECT version, rules_hash FROM scoring_rules ORDER BY version DESC LIMIT 1"
        ).to_pylist()
        if last and last[0]["rules_hash"] == digest:
            raise UserError(
                f"these rules are already published (version {last[0]['version']})",
                hint="change scoring: in ikkan.yml first; `ikkan scoring log` lists versions",
            )
        version = (last[0]["version"] if last else 0) + 1
        session.execute(
            "INSERT INTO scoring_rules (version, rules_hash, rules, published_at, "
            "published_by, why, effect) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                version,
                digest,
                rules_json(spec),
                at,
                by.strip(),
                why.strip(),
                json.dumps(effect, ensure_ascii=False, default=str) if effect else None,
            ],
        )
    return published(warehouse)[-1]
