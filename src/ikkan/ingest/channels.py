"""Default mapping from the channel values tools export to ikkan's channel ids.

A project maps its own values in ``ikkan.yml`` (``ReaderContext.channels``: raw value →
channel id); those win. Keys are compared after ``channel_key`` (NFKC, case-folded,
``_``/``-``/``/`` read as spaces), so ``PAID_SEARCH``, ``Paid Search`` and ``paid-search`` are
one value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

CHANNELS = (
    "organic_search",
    "paid_search",
    "display",
    "paid_social",
    "organic_social",
    "paid_video",
    "email",
    "referral",
    "direct",
    "affiliate",
    "events",
    "webinar",
    "partner",
    "offline",
    "ai_referral",
    "other",
)
"""ikkan's default channel ids."""


def channel_key(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).casefold()
    for separator in ("_", "-", "/", "\u3000"):
        text = text.replace(separator, " ")
    return " ".join(text.split())


_DEFAULTS: dict[str, tuple[str, ...]] = {
    "organic_search": (
        "organic search",
        "organic",
        "seo",
        "オーガニック検索",
        "自然検索",
        "organic shopping",
    ),
    "paid_search": (
        "paid search",
        "cpc",
        "ppc",
        "sem",
        "search",
        "リスティング",
        "有料検索",
        "検索連動型広告",
        "paid shopping",
    ),
    "display": ("display", "ディスプレイ", "ディスプレイ広告", "banner", "advertisement", "広告"),
    "paid_social": ("paid social", "有料ソーシャル", "social ads", "sns広告"),
    "organic_social": (
        "organic social",
        "social",
        "social media",
        "ソーシャルメディア",
        "ソーシャル",
        "sns",
    ),
    "paid_video": ("paid video", "video", "動画広告", "organic video"),
    "email": (
        "email",
        "e mail",
        "email marketing",
        "eメールマーケティング",
        "メール",
        "メルマガ",
        "newsletter",
        "メールマガジン",
    ),
    "referral": (
        "referral",
        "referrals",
        "参照",
        "参照元サイト",
        "external referral",
        "word of mouth",
        "employee referral",
        "紹介",
    ),
    "direct": (
        "direct",
        "direct traffic",
        "ダイレクトトラフィック",
        "ダイレクト",
        "ノーリファラー",
    ),
    "affiliate": ("affiliates", "affiliate", "アフィリエイト"),
    "events": (
        "trade show",
        "events",
        "event",
        "展示会",
        "イベント",
        "seminar internal",
        "seminar partner",
        "seminar",
        "セミナー",
    ),
    "webinar": ("webinar", "ウェビナー"),
    "partner": ("partner", "partner referral", "パートナー", "パートナー紹介"),
    "offline": ("offline", "offline sources", "オフラインソース", "phone inquiry", "電話"),
    "ai_referral": ("ai referrals", "ai referral"),
    "other": (
        "other",
        "other campaigns",
        "その他のキャンペーン",
        "その他",
        "cross network",
        "purchased list",
        "public relations",
        "other publicities",
        "paid other",
    ),
}

DEFAULT_CHANNEL_MAP: dict[str, str] = {
    channel_key(raw): channel for channel, raws in _DEFAULTS.items() for raw in raws
}
UNKNOWN_VALUES = frozenset({"unknown", "unassigned", "(not set)", "(none)", "not set", "不明"})


def map_channel(raw: str | None, project: Mapping[str, str]) -> str | None:
    """The channel id for a raw source value, or None (unknown / unassigned / unmapped).
    Project mappings are tried first, by exact value and by ``channel_key``."""
    if raw is None:
        return None
    if raw in project:
        return project[raw]
    key = channel_key(raw)
    for candidate, channel in project.items():
        if channel_key(candidate) == key:
            return channel
    if key in UNKNOWN_VALUES:
        return None
    return DEFAULT_CHANNEL_MAP.get(key)


class ChannelMapper:
    """Maps raw values with a cache and remembers the ones nothing maps."""

    def __init__(self, project: Mapping[str, str]) -> None:
        self._project = {channel_key(k): v for k, v in project.items()}
        self._raw_project = dict(project)
        self._cache: dict[str, str | None] = {}
        self.unmapped: set[str] = set()

    def __call__(self, raw: str | None) -> str | None:
        if raw is None:
            return None
        if raw in self._cache:
            return self._cache[raw]
        key = channel_key(raw)
        if raw in self._raw_project:
            found: str | None = self._raw_project[raw]
        elif key in self._project:
            found = self._project[key]
        elif key in UNKNOWN_VALUES:
            found = None
        else:
            found = DEFAULT_CHANNEL_MAP.get(key)
            if found is None:
                self.unmapped.add(raw)
        self._cache[raw] = found
        return found

    def warning(self) -> str | None:
        if not self.unmapped:
            return None
        values = ", ".join(sorted(self.unmapped)[:20])
        return (
            f"{len(self.unmapped)} channel value(s) have no channel mapping and were left "
            f"without a channel: {values}; map them under 'channels:' in ikkan.yml"
        )
