"""Amount outliers, found robustly: median ± k·MAD (IQR when the MAD is zero)."""

from __future__ import annotations

from statistics import median, quantiles

from ikkan.warehouse.base import Session
from ikkan.warehouse.quality_model import Finding, QualitySettings, make_finding

MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation

AMOUNTS = (
    ("deals", "deal_key", "amount"),
    ("spend", "spend_key", "cost"),
)


def robust_bounds(values: list[float], k: float) -> tuple[float, float] | None:
    """(low, high) outside which a value is an outlier, or None when undecidable."""
    if len(values) < 5:
        return None
    mid = median(values)
    mad = median(abs(v - mid) for v in values) * MAD_TO_SIGMA
    if mad > 0:
        return mid - k * mad, mid + k * mad
    q1, _, q3 = quantiles(values, n=4, method="inclusive")
    iqr = q3 - q1
    if iqr <= 0:
        return None  # most values equal: no spread to judge against
    return q1 - k * iqr, q3 + k * iqr


def amount_outliers(session: Session, settings: QualitySettings) -> list[Finding]:
    """One finding per amount column with values far outside its usual range."""
    out: list[Finding] = []
    for table, key, column in AMOUNTS:
        rows = session.query(
            f'SELECT "{key}" AS key, "{column}" AS amount FROM "{table}" '  # noqa: S608 - fixed names
            f'WHERE "{column}" IS NOT NULL ORDER BY "{key}"'
        ).to_pylist()
        bounds = robust_bounds([float(r["amount"]) for r in rows], settings.outlier_k)
        if bounds is None:
            continue
        low, high = bounds
        flagged = [r for r in rows if not low <= float(r["amount"]) <= high]
        if not flagged:
            continue
        flagged.sort(key=lambda r: -abs(float(r["amount"])))
        out.append(
            make_finding(
                "amount_outliers",
                "warning",
                len(flagged),
                f"{table}.{column}: {len(flagged):,} amount(s) lie far outside the usual range "
                f"{low:,.0f} … {high:,.0f} (median ± {settings.outlier_k:g} robust standard "
                "deviations)",
                "check for a missing or extra digit, a wrong currency or a test record; one "
                "wrong deal can move average deal size and revenue KPIs",
                settings,
                examples=flagged,
                subject={"table": table, "column": column, "low": low, "high": high},
            )
        )
    return out
