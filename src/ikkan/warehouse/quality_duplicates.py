"""Duplicate people (same normalised e-mail) and companies (same normalised name)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from ikkan.model.normalize import normalize_company_name, normalize_email
from ikkan.warehouse.base import Session
from ikkan.warehouse.quality_model import Finding, QualitySettings, make_finding


def duplicate_people(session: Session, settings: QualitySettings) -> list[Finding]:
    rows = session.query(
        'SELECT "lead_key", "email" FROM "leads" WHERE "email" IS NOT NULL ORDER BY "lead_key"'
    )
    groups: dict[str, list[str]] = defaultdict(list)
    spellings: dict[str, set[str]] = defaultdict(set)
    for key, email in zip(
        rows.column("lead_key").to_pylist(), rows.column("email").to_pylist(), strict=True
    ):
        normal = normalize_email(email, settings.email_policy)
        if normal is not None:
            groups[normal].append(key)
            spellings[normal].add(email)
    dupes = sorted(
        ((k, v) for k, v in groups.items() if len(v) > 1), key=lambda kv: (-len(kv[1]), kv[0])
    )
    if not dupes:
        return []
    extra = sum(len(v) - 1 for _, v in dupes)
    examples = [
        {
            "email": key,
            "count": len(keys),
            "spellings": sorted(spellings[key])[:5],
            "lead_keys": keys[:5],
        }
        for key, keys in dupes[: settings.max_examples]
    ]
    found = make_finding(
        "duplicate_people",
        "warning",
        len(dupes),
        f"{len(dupes):,} person(s) appear as more than one lead ({extra:,} extra lead(s)); lead "
        "counts and conversion rates are inflated",
        "merge the duplicates in the source tool, or import each person from one source",
        settings,
        examples=examples,
    )
    return [replace(found, examples_total=len(dupes))]


def duplicate_companies(session: Session, settings: QualitySettings) -> list[Finding]:
    accounts = session.query(
        'SELECT "account_key" AS key, "name" FROM "accounts" WHERE "name" IS NOT NULL'
    ).to_pylist()
    leads = session.query(
        'SELECT "company" AS name, count(*) AS n FROM "leads" WHERE "company" IS NOT NULL '
        'GROUP BY "company"'
    ).to_pylist()
    account_groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in accounts:
        normal = normalize_company_name(row["name"])
        if normal is not None:
            account_groups[normal].append(row)
    spelling_groups: dict[str, dict[str, int]] = defaultdict(dict)
    for row in leads:
        normal = normalize_company_name(row["name"])
        if normal is not None:
            spelling_groups[normal][row["name"]] = int(row["n"])
    examples: list[dict[str, Any]] = []
    for normal, rows in sorted(account_groups.items()):
        if len(rows) > 1:
            examples.append(
                {
                    "kind": "accounts",
                    "company": normal,
                    "count": len(rows),
                    "names": sorted({r["name"] for r in rows})[:5],
                    "account_keys": sorted(r["key"] for r in rows)[:5],
                }
            )
    for normal, names in sorted(spelling_groups.items()):
        if len(names) > 1:
            examples.append(
                {
                    "kind": "lead_company_spellings",
                    "company": normal,
                    "count": len(names),
                    "names": sorted(names)[:5],
                    "leads": sum(names.values()),
                }
            )
    examples.sort(key=lambda e: (-int(e["count"]), e["company"]))
    messages = {
        "accounts": (
            "{n:,} company name(s) are recorded as more than one account",
            "merge duplicate accounts in the CRM; account-level KPIs (ABM, LTV) split a "
            "company in two otherwise",
        ),
        "lead_company_spellings": (
            "{n:,} company name(s) are spelled more than one way on leads "
            "(e.g. 株式会社ABC / ABC(株) / ㈱ABC)",
            "unify the spellings in the source tool; per-company counts split otherwise",
        ),
    }
    out: list[Finding] = []
    for kind, (message, hint) in messages.items():
        of_kind = [e for e in examples if e["kind"] == kind]
        if of_kind:
            out.append(
                make_finding(
                    "duplicate_companies",
                    "warning",
                    len(of_kind),
                    message.format(n=len(of_kind)),
                    hint,
                    settings,
                    examples=of_kind,
                    subject={"kind": kind},
                )
            )
    return out
