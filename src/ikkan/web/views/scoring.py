"""The /scoring page: the rules in force as an editable draft, the what-if of a draft
against them (the function ``ikkan scoring whatif`` runs), the MQL advice for inside sales'
capacity (``ikkan scoring advise``) and the published versions (``ikkan scoring log``).

Read from the project's warehouse (``store.source``): back-tests need the lead history,
which the snapshot copy does not carry.
"""

from __future__ import annotations

from typing import Any

from ikkan.errors import UserError
from ikkan.services.scoring.draft import Draft, fields_of, parse_draft
from ikkan.state.policy import Action, Actor, decide
from ikkan.web.context import Ctx
from ikkan.web.views.common import header, status_of


def _int(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        return None


def side_view(side: dict[str, Any], fmt: Any) -> dict[str, Any]:
    def pct(v: float | None) -> str:
        return "–" if v is None else f"{v:.1%}"

    def auc(v: float | None) -> str:
        return "–" if v is None else f"{v:.3f}"

    return {
        "mql": f"{side['mql']:,}",
        "mql_rate": pct(side["mql_opportunity_rate"]),
        "wins_caught": pct(side["wins_caught"]),
        "auc_opportunity": auc(side["auc_opportunity"]),
        "auc_won": auc(side["auc_won"]),
        "bands": [
            {**b, "rate": pct(b["opportunity_rate"]), "win": pct(b["win_rate"])}
            for b in side["bands"]
        ],
    }


def scoring_view(
    c: Ctx, query: dict[str, str], actor: Actor | None, draft: Draft | None = None
) -> dict[str, Any]:
    """The page's values; ``query`` may carry a draft (``draft=1`` and the fields) and a
    ``capacity``; ``draft`` is a publish form that came back with problems."""
    view: dict[str, Any] = {
        "header": header(c.snap, status_of(c.snap, c.filters), c.filters, c.fmt),
        "error": None,
    }
    try:
        scoring = c.store.source.scoring()
    except UserError as exc:
        view["error"] = exc.message
        view["hint"] = exc.hint
        return view
    current = scoring.spec
    if draft is None and query.get("draft"):
        draft = parse_draft(query, current)
    view["fields"] = draft.fields if draft else fields_of(current)
    view["errors"] = draft.errors if draft else {}
    view["department"] = current.department
    decision = decide(actor, Action.EDIT_SCORING, current.department)
    view["may_publish"] = bool(decision)
    view["publish_reason"] = decision.reason
    window = scoring.window()
    view["window"] = {"start": c.fmt.date(window.start), "end": c.fmt.date(window.end)}
    view["what_if"] = None
    if draft is not None and draft.spec is not None:
        result = scoring.what_if(draft.spec, window).to_dict()
        view["what_if"] = {
            "current": side_view(result["current"], c.fmt),
            "new": side_view(result["new"], c.fmt),
            "moved_in": result["moved_in"],
            "moved_out": result["moved_out"],
            "raw": result,
        }
    capacity = _int(query.get("capacity")) or current.capacity
    view["capacity"] = capacity or ""
    view["advice"] = None
    if capacity:
        advised = scoring.advise(window, capacity)
        view["advice"] = {
            "rows": [
                {
                    "key": key,
                    "rule": cand.text(),
                    "mql_per_month": f"{cand.mql_per_month:,.1f}",
                    "opportunities_per_month": f"{cand.opportunities_per_month:,.1f}",
                    "rate": "–"
                    if cand.opportunity_rate is None
                    else f"{cand.opportunity_rate:.1%}",
                    "wins": "–" if cand.wins_caught is None else f"{cand.wins_caught:.1%}",
                }
                for key in ("current", "by_score", "by_cells")
                if (cand := getattr(advised, key)) is not None
            ],
            "advice": advised.advice.text() if advised.advice else None,
        }
    view["log"] = [
        {
            "version": v.version,
            "rules_hash": v.rules_hash,
            "at": c.fmt.datetime(v.published_at),
            "by": v.published_by,
            "why": v.why,
        }
        for v in reversed(scoring.log())
    ]
    return view
