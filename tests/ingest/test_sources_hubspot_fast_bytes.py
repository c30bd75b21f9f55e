"""The vectorised path's one pass over the bytes: the encoding taken from the head is
checked against the whole file, and the quirks are found wherever the read chunks end."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikkan.errors import SourceError
from ikkan.ingest.base import ReaderContext, ReadResult
from ikkan.ingest.engine import arrow_csv as fast_csv
from ikkan.ingest.sources.hubspot import HubspotContactsReader
from ikkan.ingest.sources.hubspot_fast import read_contacts_fast

HEADER = '"Record ID","First Name","Email","Create Date","Lifecycle Stage","Notes"'


def ascii_rows(count: int, start: int = 1000) -> list[str]:
    return [
        f'"{start + i}","Taro","t{i}@example.com","2026-01-07 10:15","Lead","n{i}"'
        for i in range(count)
    ]


def both(path: Path) -> tuple[ReadResult | None, ReadResult]:
    reader = HubspotContactsReader()
    return (
        read_contacts_fast(path, ReaderContext(), reader.name),
        reader.read_rows(path, ReaderContext()),
    )


def assert_same(fast: ReadResult | None, slow: ReadResult) -> None:
    assert fast is not None, "the vectorised path declined a clean file"
    for name, table in slow.tables.items():
        assert fast.tables[name].to_pylist() == table.to_pylist(), name
    assert (fast.rejected, fast.warnings, fast.rows_read, fast.encoding) == (
        slow.rejected,
        slow.warnings,
        slow.rows_read,
        slow.encoding,
    )


def test_cp932_file_whose_head_is_plain_ascii(tmp_path):
    """The first 64 KB say nothing about the encoding; the Japanese rows come later."""
    lines = [HEADER, *ascii_rows(2000), '"9001","花子","h@example.jp","2026-01-08","Lead","㈱"']
    path = tmp_path / "late-japanese.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    assert path.stat().st_size > 64 * 1024
    fast, slow = both(path)
    assert slow.encoding == "cp932"
    assert_same(fast, slow)
    assert fast is not None and "花子" in fast.tables["leads"].column("first_name").to_pylist()


def test_file_neither_utf8_nor_cp932_after_its_head_is_left_to_the_row_by_row_path(tmp_path):
    lines = [HEADER, *ascii_rows(2000)]
    data = ("\n".join(lines) + "\n").encode() + b'"9001","\x81\x7f","x@y.jp","","Lead",""\n'
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    reader = HubspotContactsReader()
    assert read_contacts_fast(path, ReaderContext(), reader.name) is None
    with pytest.raises(SourceError, match="encoding"):
        reader.read(path, ReaderContext())


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_quote_after_blanks_is_found_across_chunk_ends(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(fast_csv, "_CHUNK", chunk)
    good = [HEADER, *ascii_rows(40)]
    clean = tmp_path / "clean.csv"
    clean.write_text("\n".join(good) + "\n")
    assert_same(*both(clean))
    for odd in ('"1","a","b@c.jp","2026-01-07","Lead",   "quoted after blanks"',
                '"2","a","b@c.jp","2026-01-07","Lead",\t "quoted after a tab and a blank"',
                '"3","a","b@c.jp","2026-01-07","Lead", "quoted, with a comma"'):  # fmt: skip
        path = tmp_path / "odd.csv"
        path.write_text("\n".join([*good, odd, *ascii_rows(5, 5000)]) + "\n")
        fast, slow = both(path)
        assert fast is None, odd
        assert slow.rows_read >= 45
    # a tab right before the quote: DuckDB keeps the cell verbatim, as csv does
    for kept in ('"4","a","b@c.jp","2026-01-07","Lead",\t"quoted after a tab"',
                 '"5","a","b@c.jp","2026-01-07","Lead", \t"blank, tab"',
                 '"6","a","b@c.jp","2026-01-07","Lead",\t"say ""hi"""'):  # fmt: skip
        path = tmp_path / "tab.csv"
        path.write_text("\n".join([*good, kept, *ascii_rows(5, 5000)]) + "\n")
        fast, slow = both(path)
        if fast is not None:  # (DuckDB may also refuse the line: then row by row)
            assert_same(fast, slow)
    path.write_text("\n".join([*good, '"7","a","b@c.jp","2026-01-07","Lead",\t"x"']) + "\n")
    fast, slow = both(path)
    assert_same(fast, slow)
    assert slow.tables["leads"].column("attributes").to_pylist()[-1] == '{"Notes": "\\"x\\""}'
    inside = '"3","a","b@c.jp","2026-01-07","Lead","say ""hi"" and \t""bye"""'  # kept
    path = tmp_path / "inside.csv"
    path.write_text("\n".join([*good, inside]) + "\n")
    fast, slow = both(path)
    assert_same(fast, slow)


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\r\n1,2\r\n\r\n\r\n",
        b"a,b\n1,2\r\n3,4\r",  # a lone CR at the very end
        b"a,b\n1,\x002\n",
        b'a,b\n1, "2"\n',
        b'a,b\n1,\t"2"\n',
        b'a,b\n1,x "2"\n3,4',
        b"a,b\n" + b"1," + b" " * 100 + b'"2"\n',
        '名前,b\n"株式会社",2\n\n'.encode(),
    ],
)
def test_line_stats_do_not_depend_on_where_chunks_end(tmp_path, monkeypatch, data):
    path = tmp_path / "bytes.csv"
    path.write_bytes(data)
    whole = fast_csv.line_stats(path, ",", utf8=True)
    assert whole is not None
    assert whole.lines == data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    assert whole.clean == (
        b"\x00" not in data and data.count(b"\r") == data.count(b"\r\n") and b' "' not in data
    ) or data.endswith(b'x "2"\n3,4')
    assert whole.clean or b'\t"' not in data
    for chunk in (1, 2, 3, 5):
        monkeypatch.setattr(fast_csv, "_CHUNK", chunk)
        assert fast_csv.line_stats(path, ",", utf8=True) == whole, chunk


@pytest.mark.parametrize(
    "sequence",
    [b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80", b"\xe3\x81", b"\xff", b"\x81\x7f"],
    ids=["surrogate", "overlong", "beyond-unicode", "truncated", "ff", "bad-cp932"],
)
def test_bytes_that_are_not_utf8_after_a_utf8_head(tmp_path, sequence):
    """DuckDB's scan must refuse every byte sequence Python's UTF-8 codec refuses; then
    the encoding is sniffed from the whole file, as the row-by-row path does."""
    head = [HEADER, *ascii_rows(2000)]
    data = ("\n".join(head) + "\n").encode() + b'"9001","' + sequence + b'","x@y.jp","","Lead",""\n'
    path = tmp_path / "late.csv"
    path.write_bytes(data)
    reader = HubspotContactsReader()
    try:
        slow = reader.read_rows(path, ReaderContext())
    except SourceError as exc:
        with pytest.raises(SourceError, match="encoding"):
            reader.read(path, ReaderContext())
        assert "encoding" in str(exc)
        return
    fast = read_contacts_fast(path, ReaderContext(), reader.name)
    assert slow.encoding == "cp932"
    assert_same(fast, slow)


def japanese_rows(count: int) -> list[str]:
    return [
        f'"{7000 + i}","花子{i % 7}","h{i}@example.jp","2026-01-{1 + i % 28:02d} 09:30",'
        f'"Lead","㈱髙～{i}"'
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("split", "python"),
    [(1, None), (1 << 40, None), (1, "/nonexistent/python")],
    ids=["two-halves", "one-pass", "no-child-process"],
)
def test_cp932_transcoded_in_two_halves_gives_the_same_result(tmp_path, monkeypatch, split, python):
    monkeypatch.setattr(fast_csv, "_SPLIT", split)
    if python is not None:
        monkeypatch.setattr(fast_csv.sys, "executable", python)
    path = tmp_path / "sjis.csv"
    path.write_bytes(("\r\n".join([HEADER, *japanese_rows(3000)]) + "\r\n").encode("cp932"))
    fast, slow = both(path)
    assert slow.encoding == "cp932"
    assert_same(fast, slow)
    assert fast is not None and fast.tables["leads"].num_rows == 3000


def test_cp932_bad_byte_in_the_second_half_is_left_to_the_row_by_row_path(tmp_path, monkeypatch):
    monkeypatch.setattr(fast_csv, "_SPLIT", 1)
    data = ("\r\n".join([HEADER, *japanese_rows(3000)]) + "\r\n").encode("cp932")
    path = tmp_path / "sjis-bad.csv"
    path.write_bytes(data + b'"9999","\x81\x7f","x@y.jp","","Lead",""\r\n')
    reader = HubspotContactsReader()
    assert read_contacts_fast(path, ReaderContext(), reader.name) is None
    with pytest.raises(SourceError, match="encoding"):
        reader.read(path, ReaderContext())
