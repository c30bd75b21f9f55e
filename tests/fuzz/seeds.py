"""The files the fuzz test damages: every demo export (small demo) and the generic reader's
inputs (the Olist mapping on the first rows of the real dataset, as CSV and XLSX)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import yaml

from ikkan.demo import generate_exports
from ikkan.ingest.damage import Seed, make_seed
from ikkan.ingest.engine.tabular import open_rows
from ikkan.services.ingest import files_of

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO.parent / "shared" / "datasets"
MAPPING = REPO / "examples" / "olist" / "mapping.yaml"
GENERIC_ROWS = 60


def demo_seeds(folder: Path) -> list[Seed]:
    """One seed per demo export file (a small demo: 100 leads, four months)."""
    exports = folder / "demo"
    if not exports.exists():
        generate_exports(exports, leads=100, seed=11, fiscal_years=1, end=date(2025, 7, 31))
    return [make_seed(path, None) for path in files_of(exports)]


def generic_seeds(folder: Path) -> list[Seed]:
    """The Olist mappings on the first rows of their files, as CSV and as XLSX."""
    import openpyxl

    out: list[Seed] = []
    for name, entry in yaml.safe_load(MAPPING.read_text(encoding="utf-8")).items():
        source = DATASETS / "olist-funnel" / Path(entry["file"]).name
        rows = [cells for _, cells in open_rows(source).rows][: GENERIC_ROWS + 1]
        options = {"mapping": entry["mapping"]}
        as_csv = folder / f"{name}.csv"
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows(rows)
        as_csv.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        as_xlsx = folder / f"{name}.xlsx"
        book.save(as_xlsx)
        out += [make_seed(as_csv, "generic", options), make_seed(as_xlsx, "generic", options)]
    return out


def all_seeds(folder: Path) -> list[Seed]:
    folder.mkdir(parents=True, exist_ok=True)
    return demo_seeds(folder) + generic_seeds(folder)
