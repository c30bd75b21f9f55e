"""The scoring engine on the public X Education leads (../shared/datasets, never copied into
the repository): a rule-based score written as a user would write it, from fields known
before contact only. Never used: Tags, Lead Quality, Lead Profile, Last Activity, Last
Notable Activity, the Asymmetrique indices and scores (all filled in after contact).

The file has no timestamps: every lead enters on one day and the outcome (``Converted``) is
set later, so the time split is trivial here; the figures are AUC and conversion by band.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ikkan.model.canonical import ACTIVITIES, LEAD_STAGES, LEADS
from ikkan.model.scoring import ScoringSpec
from ikkan.monitor.calendar import BusinessCalendar
from ikkan.services.scoring.quality import make_window, quality
from ikkan.warehouse.arrow_schema import arrow_schema
from ikkan.warehouse.testing import temporary_warehouse
from tests.conftest import DATASETS, in_ci

LEADS_CSV = DATASETS / "x-education-leads" / "Leads.csv"
ENTERED = datetime(2026, 1, 5, 10, 0)
CONVERTED = datetime(2026, 3, 2, 10, 0)
LOADED = datetime(2026, 11, 30, 9, 0)
POST_CONTACT = {
    "Tags",
    "Lead Quality",
    "Lead Profile",
    "Last Activity",
    "Last Notable Activity",
    "Asymmetrique Activity Index",
    "Asymmetrique Profile Index",
    "Asymmetrique Activity Score",
    "Asymmetrique Profile Score",
}

RULES: dict[str, Any] = {  # what a marketer would write after reading the form fields
    "fit": {
        "rules": {
            "working_professional": {
                "field": "attributes.occupation",
                "equals": "Working Professional",
                "points": 30,
                "group": "role",
            },
            "job_seeker": {
                "field": "attributes.occupation",
                "in": ["Unemployed", "Student"],
                "points": 5,
                "group": "role",
            },
            "add_form": {"field": "campaign", "equals": "Lead Add Form", "points": 25},
            "referred": {"field": "channel", "in": ["Reference", "Welingak Website"], "points": 15},
            "long_visit": {"field": "attributes.time_on_site", "gte": 600, "points": 20},
            "do_not_email": {"field": "attributes.do_not_email", "equals": "Yes", "points": -10},
        },
    },
    "engagement": {
        "decay": {"kind": "none"},
        "rules": {
            "visit": {"activity": "page_view", "points": 2, "group": "web"},
            "free_copy": {"activity": "download", "points": 5},
        },
        "caps": {"web": 10},
    },
    "grades": {"A": 40, "B": 20, "1": 10, "2": 4},
    "mql": {"cells": ["A1-B2"]},
    "bands": [20, 40, 60],
}


def _blank(value: str) -> str | None:
    return None if value.strip() in ("", "Select") else value.strip()


def _tables(rows: list[dict[str, str]]) -> tuple[pa.Table, pa.Table, pa.Table]:
    leads: dict[str, list[Any]] = {c: [] for c in LEADS.column_names}
    acts: dict[str, list[Any]] = {c: [] for c in ACTIVITIES.column_names}
    stages: dict[str, list[Any]] = {c: [] for c in LEAD_STAGES.column_names}

    def add(table: dict[str, list[Any]], **values: Any) -> None:
        for column in table:
            table[column].append(values.get(column))

    book = {"content_hash": "x", "import_id": 1, "loaded_at": LOADED}
    for row in rows:
        key = f"xedu:{row['Lead Number']}"
        visits = int(float(row["TotalVisits"] or 0))
        attributes = {
            "occupation": _blank(row["What is your current occupation"]),
            "time_on_site": int(row["Total Time Spent on Website"] or 0),
            "do_not_email": row["Do Not Email"],
        }
        add(
            leads,
            lead_key=key,
            source_system="xedu",
            source_id=row["Lead Number"],
            created_at=ENTERED,
            industry=_blank(row["Specialization"]),
            country=_blank(row["Country"]),
            channel=_blank(row["Lead Source"]),
            campaign=_blank(row["Lead Origin"]),
            attributes=json.dumps(attributes),
            **book,
        )
        for stage, at in (
            ("lead", ENTERED),
            *((("won", CONVERTED),) if row["Converted"] == "1" else ()),
        ):
            add(stages, lead_key=key, stage=stage, entered_at=at, source="Converted", **book)
        for n in range(min(visits, 30)):
            add(
                acts,
                activity_key=f"{key}:v{n}",
                source_system="xedu",
                lead_key=key,
                occurred_at=ENTERED,
                activity_type="page_view",
                **book,
            )
        if row["A free copy of Mastering The Interview"] == "Yes":
            add(
                acts,
                activity_key=f"{key}:copy",
                source_system="xedu",
                lead_key=key,
                occurred_at=ENTERED,
                activity_type="download",
                **book,
            )
    return tuple(  # type: ignore[return-value]
        pa.table(data, schema=arrow_schema(table))
        for data, table in ((leads, LEADS), (acts, ACTIVITIES), (stages, LEAD_STAGES))
    )


@pytest.mark.slow
def test_x_education_rule_score(tmp_path: Path) -> None:
    if not LEADS_CSV.is_file():
        if in_ci():
            pytest.fail(f"{LEADS_CSV} is missing (the shared datasets folder)")
        pytest.skip(f"{LEADS_CSV} is missing")
    with LEADS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9240
    leads, acts, stages = _tables(rows)
    spec = ScoringSpec.model_validate(RULES)
    read = {r.field.removeprefix("attributes.") for r in spec.fit.rules.values()}
    assert not read & POST_CONTACT
    with temporary_warehouse("duckdb", tmp_path) as warehouse:
        with warehouse.transaction() as session:
            session.insert_arrow(LEADS, leads)
            session.insert_arrow(ACTIVITIES, acts)
            session.insert_arrow(LEAD_STAGES, stages)
        window = make_window(
            date(2026, 6, 30), ["lead", "opportunity", "won"], "inferred", mature_days=0
        )
        result = quality(warehouse, spec, BusinessCalendar(), window)
    f = result.figures
    print(json.dumps(result.to_dict()["figures"], indent=1, default=str))  # the figures
    assert f.leads == 9240 and f.won == 3561  # Converted = 1 (38.5%)
    assert f.auc_won is not None and f.auc_won > 0.75  # well above chance (0.5)
    rates = [g.win_rate for g in f.bands if g.leads]
    assert rates == sorted(rates)  # conversion rises band by band
    assert f.mql.opportunity_rate is not None and f.mql.other_opportunity_rate is not None
    assert f.mql.opportunity_rate > 2 * f.mql.other_opportunity_rate
