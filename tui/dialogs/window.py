"""The local calling window (the hours screen's `w`), checked by core before closing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from core.hours import Window, parse_window
from tui.widgets.typed_input import TypedInput


class WindowModal(ModalScreen[Window | None]):
    """Ask for the local hours calls may be made in; returns the window, or None when
    cancelled. A window core refuses keeps the dialog open, saying why."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Calling window"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: Window) -> None:
        super().__init__(classes="dialog")
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(Content("Calling window"), classes="dialog-title")
            yield Static(
                Content(
                    "The local hours members may be called in, in each member's own time "
                    "zone: HH:MM-HH:MM (the start included, the end not), within one day. "
                    "The grid's call column and the audience list follow it."
                )
            )
            yield TypedInput(str(self.current), id="window-input", compact=True)
            yield Static("", id="window-problem", classes="problem")
            yield Static(Content("enter use it · esc cancel"), classes="dialog-keys")

    def on_input_changed(self) -> None:
        """Typing again: the last refusal no longer applies."""
        self.query_one("#window-problem", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.dismiss(parse_window(event.value))
        except ValueError as exc:
            self.query_one("#window-problem", Static).update(Content(str(exc)))

    def action_cancel(self) -> None:
        """Close without changing the window."""
        self.dismiss(None)
