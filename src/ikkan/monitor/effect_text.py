"""An effect in one plain sentence (ja / en), for the CLI, the node page and the reviews."""

from __future__ import annotations

from collections.abc import Callable

from ikkan.model.formatting import format_value
from ikkan.model.spec import Direction
from ikkan.model.tree import Node
from ikkan.monitor.effect import MIN_WINDOWS, EffectResult, Verdict


def describe_effect(result: EffectResult, node: Node | None, lang: str = "en") -> str:
    """``above the expected range: 312 vs expected 240 (200–280); +30% vs before``."""
    unit = node.unit if node else None
    ja = lang == "ja"
    text = result.sentence(lang)
    if result.verdict in (Verdict.ABOVE, Verdict.WITHIN, Verdict.BELOW):
        after = format_value(result.after, unit, lang)
        expected = format_value(result.expected, unit, lang)
        low = format_value(result.low, unit, lang)
        high = format_value(result.high, unit, lang)
        text += (
            f"：実績 {after}（期待値 {expected}、範囲 {low}〜{high}）"
            if ja
            else f": {after} vs expected {expected} (range {low}–{high})"
        )
        if node is not None:
            favourable = result.favourable(node.direction is not Direction.LOWER)
            if favourable is not None:
                text += (
                    ("、好ましい方向" if favourable else "、好ましくない方向")
                    if ja
                    else ("; favourable" if favourable else "; unfavourable")
                )
    elif result.verdict is Verdict.NOT_ENOUGH_HISTORY and result.reason:
        if ja and result.reason.startswith("no value for "):
            text += f"（値のない月: {result.reason.removeprefix('no value for ')}）"
        elif ja:
            months = len(result.months_after)
            text += (
                f"（前年同期と比べられる{months}か月の期間が過去に{MIN_WINDOWS}つ必要、"
                f"{result.windows}つのみ）"
            )
        else:
            text += f" ({result.reason})"
    if result.change is not None:
        change = f"{result.change:+.0%}"
        text += f"。施策前比 {change}" if ja else f"; {change} vs before"
    return text


def expected_text(
    low: float | None, high: float | None, percent: Callable[[float], str]
) -> str | None:
    """An action's expected effect: ``+10.0%`` or ``+10.0% … +20.0%`` (``percent`` formats
    a signed fraction); ``None`` when none was given."""
    if low is None:
        return None
    text = percent(low)
    if high is not None and high != low:
        text += " … " + percent(high)
    return text
