from __future__ import annotations

import csv
import io

import pytest

from ikkan.demo import DemoManifest, WrittenFile, generate_exports


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    """The default demo (6,000 leads, FY2025–FY2026 H1), generated once per test session."""
    return generate_exports(tmp_path_factory.mktemp("demo"))


def decode(manifest: DemoManifest, written: WrittenFile) -> str:
    """The file's text, decoded strictly in its declared encoding (BOM removed)."""
    return manifest.path(written).read_bytes().decode(written.encoding, errors="strict")


def lines(manifest: DemoManifest, written: WrittenFile) -> list[str]:
    return decode(manifest, written).splitlines()


def parse(manifest: DemoManifest, written: WrittenFile) -> list[list[str]]:
    """Every physical line parsed with the csv module (index 0 = line 1)."""
    text = decode(manifest, written)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=written.delimiter))


def table(manifest: DemoManifest, written: WrittenFile) -> tuple[list[str], list[list[str]]]:
    """Header and the rows after it (footers included) of the file's main table."""
    rows = parse(manifest, written)
    return rows[written.header_line - 1], rows[written.header_line :]
