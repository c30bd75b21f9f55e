"""Normalised forms of company names and e-mail addresses, for matching duplicates.

Pure functions: the same input always gives the same key. They are used to *find*
duplicates (the quality report) and never to rewrite what a user exported.

Company names: NFKC first (full-width letters and digits become half-width, ``㈱`` becomes
``(株)``, ``（株）`` becomes ``(株)``, the ideographic space becomes a space), then legal forms
are removed at either end (株式会社, (株), 有限会社, (有), 合同会社, Inc., Co., Ltd., ...),
then case, spaces and joining punctuation are dropped.

E-mail: NFKC, trimmed, lower-cased. For Gmail (gmail.com, googlemail.com) the policy says
whether dots in the local part are ignored (Gmail delivers ``t.yamada@`` and ``tyamada@``
to the same inbox) and whether a ``+tag`` is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Legal forms, written as they look after NFKC and lower-casing. Longest first so that
# "co., ltd." is removed before "ltd.".
_JA_LEGAL_FORMS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "社会福祉法人",
    "医療法人",
    "学校法人",
    "(株)",
    "(有)",
    "(同)",
    "(資)",
    "(名)",
    "(社)",
    "(財)",
)
_EN_LEGAL_FORMS = (
    "co., ltd.",
    "co.,ltd.",
    "co. ltd.",
    "co., ltd",
    "co.,ltd",
    "co ltd",
    "company limited",
    "corporation",
    "incorporated",
    "limited",
    "corp.",
    "corp",
    "inc.",
    "inc",
    "ltd.",
    "ltd",
    "llc",
    "l.l.c.",
    "k.k.",
    "kk",
    "gmbh",
    "co.",
)
_SEPARATORS = re.compile(r"[\s,.・･·\-‐‑–—_/&'\"]+")


def normalize_company_name(name: str | None) -> str | None:
    """A matching key for a company name, or None when the name is blank.

    >>> normalize_company_name("㈱ＡＢＣ商事") == normalize_company_name("ABC商事 株式会社")
    True
    """
    if name is None:
        return None
    text = unicodedata.normalize("NFKC", name).strip().casefold()
    if not text:
        return None
    text = _strip_legal_forms(text)
    key = _SEPARATORS.sub("", text)
    return key or None


def _strip_legal_forms(text: str) -> str:
    changed = True
    while changed:
        changed = False
        text = text.strip(" ,.")
        for form in _JA_LEGAL_FORMS:
            # Japanese forms are written without spaces: 株式会社ABC, ABC株式会社.
            if text.startswith(form) and len(text) > len(form):
                text, changed = text[len(form) :], True
            elif text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)], True
        for form in sorted(_EN_LEGAL_FORMS, key=len, reverse=True):
            # English forms are whole words at the end: "ABC Co., Ltd.", "ABC, Inc."
            if text.endswith(form) and len(text) > len(form):
                before = text[: -len(form)]
                if before.endswith((" ", ",", ".")):
                    text, changed = before, True
                    break
    return text.strip()


GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


@dataclass(frozen=True)
class EmailPolicy:
    """How far e-mail addresses are folded together before matching."""

    gmail_ignore_dots: bool = True
    gmail_strip_plus_tag: bool = True
    strip_plus_tag_everywhere: bool = False  # many company servers treat +tag as a new box


def normalize_email(email: str | None, policy: EmailPolicy | None = None) -> str | None:
    """A matching key for an e-mail address, or None when it is blank or has no '@'.

    >>> normalize_email(" Taro.Yamada+news@GoogleMail.com ")
    'taroyamada@gmail.com'
    """
    if email is None:
        return None
    policy = policy or EmailPolicy()
    text = unicodedata.normalize("NFKC", email).strip().casefold()
    text = text.removeprefix("mailto:")
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or " " in text:
        return None
    domain = domain.rstrip(".")
    if domain in GMAIL_DOMAINS:
        domain = "gmail.com"
        if policy.gmail_strip_plus_tag:
            local = local.split("+", 1)[0]
        if policy.gmail_ignore_dots:
            local = local.replace(".", "")
    elif policy.strip_plus_tag_everywhere:
        local = local.split("+", 1)[0]
    if not local:
        return None
    return f"{local}@{domain}"
