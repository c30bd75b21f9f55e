"""A lead's score page (read-only): score, grade, cell, MQL, the reasons rule by rule with
their total, and the stored history. The same values as ``ikkan leads show``, read from the
project's warehouse (scores are not part of the snapshot copy)."""

from __future__ import annotations

from typing import Any

from ikkan.errors import UserError
from ikkan.web.context import Ctx, NotFound
from ikkan.web.views.common import header, status_of


def lead_view(c: Ctx, ident: str) -> dict[str, Any]:
    scoring = c.store.source.scoring()
    try:
        found = scoring.lead(ident, recompute_history=False)
    except UserError as exc:
        raise NotFound(exc.message, hint=exc.hint) from None
    t, fmt = c.t, c.fmt
    return {
        "header": header(c.snap, status_of(c.snap, c.filters), c.filters, fmt),
        "lead_key": found.lead_key,
        "name": found.name,
        "company": found.company,
        "created": fmt.datetime(found.created_at),
        "as_of": fmt.date(found.as_of),
        "score": found.score,
        "fit": found.fit,
        "engagement": found.engagement,
        "grade": found.grade,
        "level": found.level,
        "cell": found.cell,
        "mql": found.mql,
        "mql_text": t["score_mql_yes"] if found.mql else t["score_mql_no"],
        "rules_hash": found.rules_hash,
        "reasons": [
            {
                "kind": r.kind,
                "kind_text": t["score_fit"] if r.kind == "fit" else t["score_engagement"],
                "group": r.group,
                "rule_id": r.rule_id,
                "label": r.label,
                "events": r.events,
                "points": r.points,
            }
            for r in found.reasons
        ],
        "history": [
            {
                "as_of": fmt.date(h.as_of),
                "fit": h.fit,
                "engagement": h.engagement,
                "score": h.score,
                "cell": h.cell,
                "mql": h.mql,
            }
            for h in found.history
        ],
    }
