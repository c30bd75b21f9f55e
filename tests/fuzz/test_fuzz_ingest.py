"""Issue 14, done-when: damaged exports never crash an import and lose no row.

Hypothesis damages every demo export and the generic reader's inputs (CSV and XLSX) the
way real files get damaged (``ikkan.ingest.damage``) and imports each into DuckDB. For
every file: no unexpected error (a clear error naming the file is fine, e.g. a file cut
off before its header), rows read = loaded + rejected + skipped with a reason, and no
fewer rows read than from the undamaged file unless the damage cut the file.

A bounded, derandomized run here; ``benchmarks/fuzz_ingest.py`` runs it long."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikkan.ingest.damage import KINDS, TEXTS, Damage, Seed, check, damaged
from ikkan.project.scaffold import template_text
from ikkan.warehouse.testing import temporary_warehouse
from ikkan.workspace import Workspace
from tests.fuzz.seeds import all_seeds

EXAMPLES = 240
_counter = itertools.count()

fraction = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
damages = st.lists(
    st.builds(
        Damage,
        kind=st.sampled_from(KINDS),
        where=fraction,
        text=st.sampled_from(TEXTS) | st.text(max_size=6),
        column=fraction,
    ),
    min_size=1,
    max_size=4,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    seeds = all_seeds(folder / "seeds")
    root = folder / "project"
    root.mkdir()
    (root / "ikkan.yml").write_text(template_text("en"), encoding="utf-8")
    spec = Workspace.open(root).spec
    with temporary_warehouse("duckdb", folder) as warehouse:
        yield seeds, spec, warehouse, folder / "files"


def test_seeds_cover_every_demo_reader_and_the_generic_reader(world):
    seeds: list[Seed] = world[0]
    readers = {s.reader for s in seeds}
    assert {
        "hubspot_contacts",
        "hubspot_deals",
        "salesforce_opportunities",
        "ga4",
        "google_ads",
        "meta_ads",
        "yahoo_ads",
        "zoom",
        "manual_values",
        "generic",
    } <= readers
    assert any(s.name.endswith(".xlsx") for s in seeds)


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pick=st.integers(min_value=0), damage=damages, xlsx=st.booleans())
def test_damaged_files_never_crash_and_lose_no_row(world, pick, damage, xlsx):
    seeds, spec, warehouse, folder = world
    seed = seeds[pick % len(seeds)]
    as_xlsx = xlsx or seed.name.endswith(".xlsx")
    data, may_lose = damaged(seed, damage, xlsx=as_xlsx)
    folder.mkdir(exist_ok=True)
    path = folder / f"{next(_counter):05}_{Path(seed.name).stem}{'.xlsx' if as_xlsx else '.csv'}"
    path.write_bytes(data)
    verdict = check(spec, warehouse, seed, path, may_lose)
    assert not verdict.crashed, verdict.error
    assert verdict.unaccounted == 0, verdict
    assert verdict.lost_before_counting == 0, verdict


def test_the_check_notices_rows_that_vanish(world):
    """The check can fail: a seed claiming one more data row than the reader finds."""
    seeds, spec, warehouse, folder = world
    seed = next(s for s in seeds if s.reader == "hubspot_deals")
    inflated = dataclasses.replace(seed, rows_read=seed.rows_read + 1)
    data, may_lose = damaged(inflated, [Damage("blank_line", 0.5)])
    folder.mkdir(exist_ok=True)
    path = folder / "vanish.csv"
    path.write_bytes(data)
    verdict = check(spec, None, inflated, path, may_lose)
    assert verdict.lost_before_counting == 1 and not verdict.ok
    assert check(spec, warehouse, seed, path, may_lose).ok
