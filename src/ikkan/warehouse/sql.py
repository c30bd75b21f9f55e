"""Small, engine-neutral SQL text helpers: identifier quoting and placeholder styles.

Values never go into SQL text: they are passed as parameters. Identifiers (table and
column names, including ones built from a project's stage ids) are always quoted here.
"""

from __future__ import annotations

from collections.abc import Iterable


def quote_ident(name: str) -> str:
    """``name`` as a double-quoted SQL identifier (works on DuckDB and PostgreSQL)."""
    if not name or "\x00" in name:
        raise ValueError(f"invalid SQL identifier: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def column_list(names: Iterable[str], prefix: str = "") -> str:
    """``"a", "b"`` or, with a prefix, ``s."a", s."b"``."""
    dot = f"{prefix}." if prefix else ""
    return ", ".join(dot + quote_ident(n) for n in names)


def qmark_to_format(sql: str) -> str:
    """Turn ``?`` placeholders into psycopg's ``%s`` and escape literal ``%``.

    Question marks and percent signs inside quoted strings, quoted identifiers and
    comments are left as text (percent signs are doubled, as psycopg requires).
    """
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            end = _closing_quote(sql, i)
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _closing_quote(sql: str, start: int) -> int:
    """Index just past the quote that closes the one at ``start`` (doubled quotes escape)."""
    quote = sql[start]
    i = start + 1
    while i < len(sql):
        if sql[i] == quote:
            if i + 1 < len(sql) and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)
