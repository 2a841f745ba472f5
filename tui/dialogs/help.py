"""The `?` help: every key of the current screen, generated from its bindings."""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import KeyHelp

TEXT_WIDTH = 60
"""Cells of text in a line of the help box (70 wide, less its border, padding, scrollbar)."""
CHROME = 10
"""Cells a narrow terminal's help box takes around its text (border, padding, scrollbar)."""


class HelpModal(ModalScreen[None]):
    """List the keys of the screen it was opened from, then the keys that move around."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Help"
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", key_display="esc")]

    def __init__(self, screen_title: str, rows: list[KeyHelp]) -> None:
        super().__init__(classes="dialog")
        self.screen_title = screen_title
        self.rows = rows

    def lines(self, text_width: int) -> Content:
        """Every row, its description wrapped to `text_width` cells under itself."""
        width = max((len(r.keys) for r in self.rows), default=4) + 2
        room = max(text_width - width, 12)

        def line(row: KeyHelp) -> Content:
            # Long descriptions wrap under themselves, not under the keys.
            wrapped = textwrap.wrap(row.description, room) or [""]
            text = ("\n" + "\u00a0" * width).join(wrapped)  # kept by any wrap
            return Content.assemble((row.keys.ljust(width), "bold $accent"), text)

        lines = [line(row) for row in self.rows if not row.moves]
        moves = [line(row) for row in self.rows if row.moves]
        if moves:
            lines += [Content(""), Content("Moving around").stylize("bold"), *moves]
        return Content("\n").join(lines)

    def text_width(self) -> int:
        """Cells of text a line has: the box's, or less in a narrow terminal."""
        return min(TEXT_WIDTH, self.app.size.width - CHROME)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="help-box"):
            yield Static(Content(f"Keys: {self.screen_title}"), classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static(self.lines(self.text_width()), id="help-lines")
            yield Static(Content("↑↓ scroll · esc close"), classes="dialog-keys")

    def on_resize(self) -> None:
        self.query_one("#help-lines", Static).update(self.lines(self.text_width()))

    def on_mount(self) -> None:
        self.query_one("#help-keys", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
