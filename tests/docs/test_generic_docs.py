"""The worked mappings of docs/data.md ("The generic reader") are real: they validate, the
pipeline one reads our pipeline sample as the text says, the lead-list one is the example's."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import yaml
from tests.ingest.test_generic_mapping import ACCOUNTS, PIPELINE, TEAMS

from ikkan.ingest.base import ReaderContext
from ikkan.ingest.sources.generic import GenericMapping, GenericReader

REPO = Path(__file__).resolve().parents[2]


def _blocks() -> list[str]:
    text = (REPO / "docs" / "data.md").read_text(encoding="utf-8")
    section = text[text.index("## The generic reader") : text.index("## Where the data lives")]
    return [textwrap.dedent(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.S)]


def _mappings() -> list[dict]:
    out = []
    for block in _blocks():
        data = yaml.safe_load(block)
        if "sources" in data:
            out += [s["options"]["mapping"] for s in data["sources"].values()]
        else:
            out.append(data["mapping"])
    return out


def test_every_documented_mapping_validates() -> None:
    mappings = _mappings()
    assert len(mappings) == 4
    for mapping in mappings:
        GenericMapping.model_validate(mapping)


def test_the_pipeline_mapping_reads_the_sample_as_described(tmp_path: Path) -> None:
    (tmp_path / "sales_pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    (tmp_path / "sales_teams.csv").write_text(TEAMS, encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    mapping = next(m for m in _mappings() if m["source_system"] == "crm")
    context = ReaderContext(options={"mapping": mapping})
    result = GenericReader().read(tmp_path / "sales_pipeline.csv", context)
    deals = result.tables["deals"].to_pylist()
    assert sum(d["is_won"] for d in deals) == 3 and sum(d["is_closed"] for d in deals) == 5
    assert {d["stage"] for d in deals} == {"Won", "Lost", "Engaging", "Prospecting"}
    assert {d["manager"] for d in deals} == {
        "Dustin Brinkmann", "Melvin Marxen", "Summer Sewald", None,
    }  # fmt: skip
    assert any("Nobody Known" in w for w in result.warnings)


def test_the_lead_list_mapping_is_the_examples() -> None:
    documented = next(m for m in _mappings() if m["source_system"] == "xedu")
    example = yaml.safe_load((REPO / "examples" / "x-education" / "ikkan.yml").read_text())
    assert documented == example["sources"]["leads"]["options"]["mapping"]
