"""Encoding sniffing: BOMs, strict UTF-8, cp932 (never shift_jis), clear failures."""

from __future__ import annotations

import codecs

import pytest

from ikkan.errors import SourceError
from ikkan.ingest.parsing.encoding import sniff_encoding

TEXT = "会社名,金額\n㈱サンプル①,１，０００円\n髙橋～商店,2000\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("cp932"), "cp932"),
        (b"a,b\n1,2\n", "utf-8"),
    ],
)
def test_sniffs_each_encoding_and_decodes_back(tmp_path, data, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    found = sniff_encoding(path)
    assert found == expected
    assert path.read_text(encoding=found).lstrip("\ufeff") == TEXT or data == b"a,b\n1,2\n"


def test_cp932_wave_dash_is_fullwidth_tilde_not_shift_jis_wave_dash(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("名前\n髙橋～\n".encode("cp932"))
    text = path.read_text(encoding=sniff_encoding(path))
    assert "\uff5e" in text  # cp932 reading; shift_jis would give U+301C
    assert "\u301c" not in text


def test_utf8_invalid_late_in_a_large_file_is_not_utf8(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"x,1\n" * 400_000 + "株式会社,2\n".encode("cp932"))
    assert sniff_encoding(path) == "cp932"


def test_file_that_is_no_known_encoding_names_file_and_offsets(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n1,\x82\xff\n")
    with pytest.raises(SourceError) as info:
        sniff_encoding(path)
    message = str(info.value)
    assert "bad.csv" in message
    assert "offset 6" in message  # first byte UTF-8 rejects
    assert "offset 6" in message.split("not UTF-8")[1]
    assert "hint" in message


def test_broken_utf16_after_bom_is_reported(tmp_path):
    path = tmp_path / "bad16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xdc")
    with pytest.raises(SourceError, match="byte-order mark"):
        sniff_encoding(path)
