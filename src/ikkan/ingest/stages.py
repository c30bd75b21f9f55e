"""Source lifecycle / stage values → the project's funnel stage ids.

Project mappings (``ReaderContext.stage_map``, or a source's ``options.stage_map``, raw
label or internal value → stage id) win; then a value that is itself one of the project's
stage ids (so a funnel with ``engaged`` or ``closed`` needs no map); then the defaults
below. A stage the project does not have (``ReaderContext.stages``) maps to
nothing, and the raw values that mapped to nothing are reported once.
"""

from __future__ import annotations

from ikkan.ingest.base import ReaderContext
from ikkan.ingest.parsing.values import normalise_header

# HubSpot lifecycle stage labels (EN, JA) → internal values.
LIFECYCLE_LABELS: dict[str, str] = {
    normalise_header(label): value
    for value, labels in {
        "subscriber": ("Subscriber", "サブスクライバー", "購読者"),
        "lead": ("Lead", "リード"),
        "marketingqualifiedlead": (
            "Marketing Qualified Lead",
            "Marketing Qualified",
            "MQL",
            "マーケティングクオリファイドリード",
            "MQL(マーケティング上の有望な見込み客)",
        ),
        "salesqualifiedlead": (
            "Sales Qualified Lead",
            "Sales Qualified",
            "SQL",
            "セールスクオリファイドリード",
            "SQL(営業上の有望な見込み客)",
        ),
        "opportunity": ("Opportunity", "商談", "商談機会"),
        "customer": ("Customer", "顧客"),
        "evangelist": ("Evangelist", "エバンジェリスト"),
        "other": ("Other", "その他"),
    }.items()
    for label in (value, *labels)
}

DEFAULT_STAGE_MAP: dict[str, str] = {
    "subscriber": "lead",
    "lead": "lead",
    "marketingqualifiedlead": "mql",
    "mql": "mql",
    "salesqualifiedlead": "sql",
    "sql": "sql",
    "opportunity": "opportunity",
    "customer": "won",
    "evangelist": "won",
    "won": "won",
    "visit": "visit",
}


class StageMapper:
    """Raw stage label/value → project stage id (or None), cached."""

    def __init__(
        self,
        context: ReaderContext,
        labels: dict[str, str] | None = None,
        hint: str = "sources.<name>.options.stage_map in ikkan.yml",
    ) -> None:
        given = {**(context.options.get("stage_map") or {}), **context.stage_map}
        self._project = {normalise_header(str(k)): str(v) for k, v in given.items()}
        self._stages = set(context.stages)
        self._own = {normalise_header(s): s for s in context.stages}
        self._hint = hint
        self._labels = LIFECYCLE_LABELS if labels is None else labels
        self._cache: dict[str, str | None] = {}
        self.unmapped: set[str] = set()
        self.outside: set[str] = set()

    def __call__(self, raw: str | None) -> str | None:
        if raw is None:
            return None
        if raw in self._cache:
            return self._cache[raw]
        key = normalise_header(raw)
        internal = self._labels.get(key, key)
        found = (
            self._project.get(key)
            or self._project.get(internal)
            or self._own.get(key)
            or DEFAULT_STAGE_MAP.get(internal)
        )
        if found is None:
            if internal != "other":
                self.unmapped.add(raw)
        elif found not in self._stages:
            self.outside.add(f"{raw} → {found}")
            found = None
        self._cache[raw] = found
        return found

    def warnings(self) -> list[str]:
        out = []
        if self.unmapped:
            out.append(
                "stage value(s) with no funnel stage: "
                + ", ".join(sorted(self.unmapped)[:20])
                + f"; map them to stage ids under {self._hint}"
            )
        if self.outside:
            out.append(
                "stage value(s) map to stages the project does not define and were skipped: "
                + ", ".join(sorted(self.outside))
            )
        return out
