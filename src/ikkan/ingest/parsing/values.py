"""Cell values: normalisation, nulls, numbers, yen amounts, percentages, booleans."""

from __future__ import annotations

import math
import re
import unicodedata

NULL_TOKENS = frozenset({"", "--", "-", "—", "―", "(not set)", "(none)"})
"""Cells that mean "no value" in exports (after stripping and NFKC)."""


class ParseError(ValueError):
    """A cell that cannot be read as the expected kind of value."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def normalise(text: str) -> str:
    """NFKC (full-width → ASCII, half-width kana → full-width) and trimmed, U+3000 included."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip()


def normalise_header(text: str) -> str:
    """A header label reduced for matching: NFKC, BOM and quotes removed, case-folded,
    whitespace collapsed (so `Impr.`, `ＩＭＰＲ．` and ` impr. ` compare equal)."""
    text = text.replace("\ufeff", "").replace("\u3000", " ")
    text = unicodedata.normalize("NFKC", text).strip().strip('"').strip()
    return " ".join(text.casefold().split())


def is_null(value: object) -> bool:
    """True for None and the null tokens of exports (``--``, ``(not set)`` …)."""
    if value is None:
        return True
    if isinstance(value, str):
        return normalise(value) in NULL_TOKENS
    return False


def clean_text(value: object) -> str | None:
    """A text cell as exported (trimmed), or None for null tokens. Not NFKC'd: names keep
    their spelling; matching code normalises on its own."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().replace("\u3000", " ").strip()
    return None if is_null(text) else text


_CURRENCY_PREFIX = re.compile(r"^(?P<code>[A-Z]{3})\s*(?=[-(\d.△▲−])")
_CURRENCY_SUFFIX = re.compile(r"(?<=[\d)])\s*(?P<code>[A-Z]{3})$")
_NUMBER = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_MULTIPLIERS = {"千": 1_000.0, "万": 10_000.0, "億": 100_000_000.0}
_SYMBOLS = {"¥": "JPY", "\\": "JPY", "円": "JPY", "$": "USD", "€": "EUR", "£": "GBP"}


def parse_amount(value: object) -> tuple[float, str | None]:
    """An amount and its currency code if the cell names one.

    Accepts ``¥1,000``, ``￥1,000``, ``\\1,000``, ``1,000円``, ``１，０００``, ``1.2万円``,
    ``JPY 10,000``, ``10,000 JPY``, negatives as ``-1,000``, ``△1,000``, ``▲1,000`` and
    ``(1,000)``. Raises ParseError otherwise.
    """
    if isinstance(value, bool):
        raise ParseError(f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        return _finite(float(value), value), None
    if value is None:
        raise ParseError("expected a number, got nothing")
    text = normalise(str(value)).replace(" ", "")
    raw = text
    currency: str | None = None
    negative = False
    if text[:1] in "△▲-−" and len(text) > 1:
        negative, text = True, text[1:]
    match = _CURRENCY_PREFIX.match(text) or _CURRENCY_SUFFIX.search(text)
    if match:
        currency = match.group("code")
        text = text[: match.start()] + text[match.end() :]
    if text[:1] in _SYMBOLS:
        currency, text = _SYMBOLS[text[0]], text[1:]
    if text[:1] in "△▲-−" and not negative and len(text) > 1:
        negative, text = True, text[1:]
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("円"):
        currency, text = "JPY", text[:-1]
    factor = 1.0
    if text[-1:] in _MULTIPLIERS:
        factor, text = _MULTIPLIERS[text[-1]], text[:-1]
    number = _to_float(text)
    if number is None:
        raise ParseError(f"not an amount: {raw!r}")
    number = _finite(number * factor, raw)
    return (-number if negative else number), currency


def _finite(number: float, raw: object) -> float:
    """``number`` unless it is infinite or NaN (``1e309``, 400 digits): such a cell is
    rejected, never stored as ∞."""
    if not math.isfinite(number):
        raise ParseError(f"not a finite number: {str(raw)[:40]!r} is too large")
    return number


def _to_float(text: str) -> float | None:
    if _GROUPED.match(text):
        text = text.replace(",", "")
    elif not _NUMBER.match(text):
        return None
    return float(text)


def parse_number(value: object) -> float:
    """A plain number (thousands separators, full-width digits and signs accepted)."""
    amount, currency = parse_amount(value)
    if currency is not None:
        raise ParseError(f"expected a plain number, got an amount in {currency}: {value!r}")
    return amount


INT64_MAX = 2**63 - 1
_WHOLE = re.compile(r"^[-+]?\d{16,}$")  # long enough for a float to round it


def parse_int(value: object) -> int:
    """A whole number; ``1,204`` and ``1204.0`` are fine, ``12.5`` is not, and neither is a
    number beyond the 64-bit range the warehouse stores."""
    exact = _WHOLE.match(normalise(str(value)).replace(",", "")) if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        number: float | int = value
    elif exact is not None:  # digits only: exact, not through a float
        number = int(exact.group(0))
    else:
        number = parse_number(value)
        if not number.is_integer():
            raise ParseError(f"expected a whole number, got {value!r}")
    whole = int(number)
    if not -INT64_MAX - 1 <= whole <= INT64_MAX:
        raise ParseError(
            f"whole number out of range (at most 9,223,372,036,854,775,807): {str(value)[:40]!r}"
        )
    return whole


def parse_percent(value: object) -> float:
    """A rate as a fraction: ``12.5%`` → 0.125; a bare number is taken as a fraction already
    (GA4 writes rates as ``0.6667``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _finite(float(value), value)
    if value is None:
        raise ParseError("expected a percentage, got nothing")
    text = normalise(str(value)).replace(" ", "")
    if text.endswith("%"):
        number = _signed_float(text[:-1])
        if number is None:
            raise ParseError(f"not a percentage: {value!r}")
        return _finite(number / 100.0, value)
    number = _signed_float(text)
    if number is None:
        raise ParseError(f"not a percentage: {value!r}")
    return _finite(number, value)


def _signed_float(text: str) -> float | None:
    sign = 1.0
    if text[:1] in "-−△▲":
        sign, text = -1.0, text[1:]
    number = _to_float(text)
    return None if number is None else sign * number


_TRUE = frozenset({"true", "yes", "y", "1", "t", "はい", "○", "◯", "✓", "✔", "済", "有"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "いいえ", "×", "✗", "未", "無"})


def parse_bool(value: object) -> bool:
    """True/False from ``TRUE``, ``Yes``, ``1``, ``はい``, ``○`` and their opposites."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ParseError(f"expected yes/no, got {value!r}")
    text = normalise(str(value)).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ParseError(f"expected yes/no (TRUE/FALSE, Yes/No, 1/0, はい/いいえ), got {value!r}")


def parse_email(value: object) -> str:
    """A lower-cased e-mail address; must contain one ``@`` with text on both sides."""
    text = normalise(str(value)).casefold()
    local, sep, domain = text.partition("@")
    if not sep or not local or "." not in domain or "@" in domain or " " in text:
        raise ParseError(f"not an e-mail address: {value!r}")
    return text
