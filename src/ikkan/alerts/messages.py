"""The content of one alert notification, in Japanese or English. Pure.

Every message names the rule, the node, the instance (dimension value), the period, the
observed value, the line it was compared with, the gap, the owner and a link to the node.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

if TYPE_CHECKING:
    from ikkan.alerts.engine import Alert
    from ikkan.workspace import Workspace

_KIND = {
    "firing": ("発報", "Firing"),
    "repeat": ("継続中", "Still firing"),
    "resolved": ("解消", "Resolved"),
}
_FIELDS = {
    "node": ("ノード", "Node"),
    "instance": ("内訳", "Breakdown"),
    "period": ("期間", "Period"),
    "observed": ("実績", "Actual"),
    "line": ("基準", "Expected"),
    "gap": ("差", "Gap"),
    "owner": ("担当", "Owner"),
    "why": ("理由", "Why"),
}


@dataclass(frozen=True)
class Message:
    key: str  # idempotency key of the notification
    kind: str  # firing, repeat, resolved
    rule: str
    rule_name: str
    node: str | None
    node_name: str | None
    instance: str
    period: str | None
    observed: str
    line: str
    gap: str
    owner: str | None
    why: str
    link: str | None
    lang: str = "ja"
    items: tuple[Message, ...] = ()  # a group or digest: one message of several alerts
    title: str | None = None  # a group's or digest's subject
    department: str | None = None  # the node owner's department (grouping)

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "ja" else pair[1]

    @property
    def subject(self) -> str:
        if self.title:
            return self.title
        label = self._pick(_KIND.get(self.kind, (self.kind, self.kind)))
        target = self.node_name or self.rule_name
        suffix = f" ({self.instance})" if self.instance else ""
        return f"[{label}] {self.rule_name}: {target}{suffix}"

    def fields(self) -> list[tuple[str, str]]:
        values = {
            "node": self.node_name and f"{self.node_name} ({self.node})",
            "instance": self.instance,
            "period": self.period,
            "observed": self.observed,
            "line": self.line,
            "gap": self.gap,
            "owner": self.owner,
            "why": self.why,
        }
        return [(self._pick(_FIELDS[k]), v) for k, v in values.items() if v]

    def parts(self) -> tuple[Message, ...]:
        """The alerts this message carries: its items, or itself."""
        return self.items or (self,)

    def text(self) -> str:
        if self.items:
            return self.subject + "\n\n" + "\n".join(item.text() for item in self.items)
        lines = [self.subject, ""] + [f"{name}: {value}" for name, value in self.fields()]
        if self.link:
            lines += ["", self.link]
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        if self.items:
            inner = "".join(
                item.html().replace("<h2>", "<h3>").replace("</h2>", "</h3>") for item in self.items
            )
            return f"<h2>{html.escape(self.subject)}</h2>{inner}"
        rows = "".join(
            f"<tr><th align='left'>{html.escape(n)}</th><td>{html.escape(v)}</td></tr>"
            for n, v in self.fields()
        )
        link = (
            f"<p><a href='{html.escape(self.link, quote=True)}'>{html.escape(self.link)}</a></p>"
            if self.link
            else ""
        )
        return f"<h2>{html.escape(self.subject)}</h2><table>{rows}</table>{link}"

    def to_json(self) -> dict[str, Any]:
        out = {**asdict(self), "subject": self.subject}
        out["items"] = [item.to_json() for item in self.items]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        fields = {k: v for k, v in data.items() if k != "subject"}
        fields["items"] = tuple(cls.from_json(i) for i in fields.get("items") or ())
        return cls(**fields)


def node_link(base_url: str, node: str, period: str | None) -> str:
    """The node page (``/node/{id}``, pages.py) showing the alert's period: the page reads
    the period from its ``period`` filter query parameter (web/filters.py)."""
    path = f"{base_url.rstrip('/')}/node/{quote(node, safe='')}"
    return f"{path}?{urlencode({'period': period})}" if period else path


def message_for(
    ws: Workspace, alert: Alert, *, lang: str | None = None, base_url: str | None = None
) -> Message:
    from ikkan.model.formatting import format_value

    language = "en" if (lang or ws.lang) == "en" else "ja"
    rule = ws.spec.alerts[alert.rule_id]
    node = ws.tree.nodes[alert.node] if ws.tree and alert.node else None
    unit = node.unit if node else None
    found = alert.finding

    def show(value: float | None) -> str:
        if value is None:
            return ""
        return format_value(value, unit, language) if unit else f"{value:,.1f}"

    owner = " / ".join(p for p in (node.department, node.person) if p) if node else None
    if (rule.dimension == "owner" or str(rule.kind) == "sla") and alert.instance:
        owner = alert.instance  # a per-owner instance belongs to that owner
    link = node_link(base_url, alert.node, alert.period) if base_url and alert.node else None
    return Message(
        key=alert.key,
        kind=str(alert.notice.kind),
        rule=alert.rule_id,
        rule_name=rule.name(alert.rule_id, language),
        node=alert.node,
        node_name=node.name(language) if node else None,
        instance=alert.instance,
        period=alert.period,
        observed=show(found.observed),
        line=show(found.line),
        gap=show(found.gap),
        owner=owner or None,
        why=found.why,
        link=link,
        lang=language,
        department=node.department if node else None,
    )
