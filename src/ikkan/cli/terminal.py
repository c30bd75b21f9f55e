"""The one way text reaches the terminal: user strings are shown, never obeyed.

Labels, company names, file names and cell values come from users and their files. Two
things in them could act on the terminal instead of being shown:

* Rich markup (``売上 [/bold]``, ``[red]``, ``:smile:``): the consoles here never parse a
  string as markup or emoji codes; style is given with ``Text`` and ``Style`` only.
* Terminal control: escape sequences (clear screen ``ESC[2J``, OSC 8 hyperlinks, window
  titles), bell, backspace, C1 controls and bidirectional overrides. ``clean()`` removes
  them from every string Rich renders (``SafeConsole.render_str``), and a render hook strips
  any control character still inside the rendered segments (a ``Text`` built elsewhere), so
  a new command is safe without doing anything.

Newlines are kept where the layout needs them (multi-line SQL, hints); ``one_line()`` turns
them into a visible mark for table cells.
"""

from __future__ import annotations

import re

from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    RenderableType,
    RenderHook,
    RenderResult,
)
from rich.segment import Segment
from rich.text import Text

# ESC-introduced sequences: CSI (ESC [ … final), OSC / DCS / APC / PM / SOS (… BEL or ESC \),
# and two-character escapes (ESC 7, ESC c …). Their 8-bit forms start with C1 controls.
# An unterminated string sequence ends at the line's end.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# every C0 control but newline and tab, DEL, C1 controls, and the bidirectional overrides
# that reorder what is shown (U+202A-U+202E, U+2066-U+2069)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
LINE_MARK = "↵"


def clean(text: object) -> str:
    """``text`` as inert characters: escape sequences and control characters removed."""
    value = text if isinstance(text, str) else str(text)
    if value.isprintable():  # the common case: nothing to do
        return value
    value = _LINE_BREAK.sub("\n", value)
    return _CONTROL.sub("", _SEQUENCE.sub("", value)).replace("\t", " ")


def one_line(text: object) -> str:
    """``clean(text)`` on one line: a line break inside a value shows as ``↵``."""
    value = text if isinstance(text, str) else str(text)
    return clean(_LINE_BREAK.sub(LINE_MARK, value))


# in JSON text these can only stand inside strings, where \uXXXX means the same character
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_for_terminal(text: str) -> str:
    """JSON text with every character a terminal could obey written as ``\\uXXXX``.

    ``json.dumps`` escapes C0 controls (ESC among them) but, with ``ensure_ascii=False``,
    passes C1 controls (8-bit CSI) and bidirectional overrides through. The data is the
    same once parsed.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def echo_json(text: str) -> None:
    """Print machine-readable JSON (``--json``) to stdout."""
    import typer

    typer.echo(json_for_terminal(text))


class _Cleaned:
    """A renderable whose rendered text segments hold no control characters."""

    def __init__(self, inner: RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.inner, options):
            if segment.control or segment.text.isprintable() or segment.text == "\n":
                yield segment
            else:
                yield Segment(clean(segment.text), segment.style)


class _CleanHook(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Cleaned(r) for r in renderables]


class SafeConsole(Console):
    """A Rich console that shows every string literally and passes no terminal control."""

    def __init__(self, *, stderr: bool = False) -> None:
        super().__init__(stderr=stderr, highlight=False, markup=False, emoji=False)
        self.push_render_hook(_CleanHook())

    def render_str(
        self,
        text: str,
        *,
        markup: bool | None = None,
        emoji: bool | None = None,
        **kwargs: object,
    ) -> Text:
        """Strings are data: never markup or emoji codes, never terminal control."""
        return super().render_str(clean(text), markup=False, emoji=False, **kwargs)  # type: ignore[arg-type]


console = SafeConsole()
err_console = SafeConsole(stderr=True)
