"""The terminal output guard: user strings are shown as text, never obeyed."""

from __future__ import annotations

import pytest
from rich.table import Table
from rich.text import Text

from ikkan.cli.terminal import SafeConsole, clean, one_line


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("売上 [/bold]", "売上 [/bold]"),
        ("a\x1b[2Jb", "ab"),  # clear screen
        ("\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07", "click"),  # OSC 8 hyperlink
        ("\x1b]0;title\x1b\\x", "x"),  # window title, ST-terminated
        ("a\x9b31mb", "ab"),  # 8-bit CSI
        ("bell\x07 back\x08space", "bell backspace"),
        ("abc\u202eevil", "abcevil"),  # right-to-left override
        ("two\nlines", "two\nlines"),
        ("cr\r\nlf", "cr\nlf"),
        ("tab\there", "tab here"),
        ("株式会社ABC", "株式会社ABC"),
    ],
)
def test_clean(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_one_line_marks_line_breaks() -> None:
    assert one_line("a\r\nb\rc\nd\x1b[2J") == "a↵b↵c↵d"


def test_console_prints_markup_and_escapes_as_text_everywhere() -> None:
    console = SafeConsole()
    table = Table(title="[bold]title\x1b[2J")
    table.add_column("[/]col")
    table.add_row("[/bold]\x1b]8;;http://x/\x07cell\x1b]8;;\x07")
    with console.capture() as capture:
        console.print("売上 [/bold] :smile: \x1b[2J")
        console.print(Text("built elsewhere \x1b[2J\x07"))
        console.print(table)
    out = capture.get()
    assert "売上 [/bold] :smile: " in out and "[bold]title" in out and "[/bold]cell" in out
    assert "[/]col" in out
    assert "\x1b" not in out and "\x07" not in out and "http://x/" not in out


def test_an_unterminated_sequence_ends_at_the_line() -> None:
    assert clean("a\x1b]8;;http://x/ no end\nnext line") == "a\nnext line"
