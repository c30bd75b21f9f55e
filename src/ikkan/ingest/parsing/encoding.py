"""Which text encoding a file is in.

Order (export-formats.md §0): a BOM (UTF-8, UTF-16LE, UTF-16BE) → strict UTF-8 → cp932.
Never plain ``shift_jis``: it maps ``81 60`` to U+301C instead of the ``～`` Excel wrote, and
cannot decode ``①``, ``㈱`` or ``髙``. A file that is none of these raises SourceError naming
the byte offset where each attempt failed.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ikkan.errors import Location, SourceError

_CHUNK = 1 << 20
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(head: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) if ``head`` starts with a byte-order mark."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    return None


def _first_failure(path: Path, encoding: str, skip: int = 0) -> int | None:
    """Byte offset of the first undecodable byte, or None if the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = skip
    with path.open("rb") as handle:
        handle.seek(skip)
        while True:
            chunk = handle.read(_CHUNK)
            final = not chunk
            try:
                decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                buffered = len(decoder.getstate()[0]) if not final else 0
                return max(skip, offset - buffered + exc.start)
            if final:
                return None
            offset += len(chunk)


def sniff_encoding(path: Path) -> str:
    """The Python codec name to read ``path`` with (utf-8-sig, utf-16-le, utf-16-be, utf-8
    or cp932). Reads the whole file once to be sure; raises SourceError if nothing fits."""
    with path.open("rb") as handle:
        head = handle.read(4)
    found = bom_encoding(head)
    if found:
        name, skip = found
        bad = _first_failure(path, name.replace("-sig", ""), skip)
        if bad is None:
            return name
        raise SourceError(
            f"the file starts with a {name} byte-order mark but byte {bad} is not valid {name}",
            location=Location(str(path)),
            hint="re-export the file, or save it again as 'CSV UTF-8' from Excel",
        )
    utf8_bad = _first_failure(path, "utf-8")
    if utf8_bad is None:
        return "utf-8"
    cp932_bad = _first_failure(path, "cp932")
    if cp932_bad is None:
        return "cp932"
    raise SourceError(
        f"cannot tell the text encoding: not UTF-8 (invalid byte at offset {utf8_bad}) "
        f"and not cp932/Shift_JIS (invalid byte at offset {cp932_bad})",
        location=Location(str(path)),
        hint="export the file as UTF-8 (Excel: 'CSV UTF-8'), UTF-16 or Shift_JIS (cp932)",
    )


def read_head(path: Path, encoding: str, limit: int = 64 * 1024) -> str:
    """The first ``limit`` bytes of the file decoded (a partial last character dropped)."""
    with path.open("rb") as handle:
        data = handle.read(limit)
    codec = "utf-16-le" if encoding == "utf-16-le" else encoding
    text = data.decode(codec, errors="ignore")
    return text.lstrip("\ufeff")
