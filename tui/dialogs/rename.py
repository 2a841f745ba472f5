"""A new name for an audience, checked by core's naming rule before closing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from core.audience import check_name
from core.errors import RuleViolation
from tui.display import clean, plain
from tui.widgets.typed_input import TypedInput


class RenameModal(ModalScreen[str | None]):
    """Ask for a new audience name; returns it, or None when cancelled."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Rename"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str, taken: set[str]) -> None:
        super().__init__(classes="dialog")
        self.current = current
        self.taken = taken - {current}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(
                Content.assemble("Rename ", plain(self.current, "bold")), classes="dialog-title"
            )
            yield TypedInput(clean(self.current), id="rename-input", compact=True)
            yield Static("", id="rename-problem", classes="problem")
            yield Static(Content("enter rename · esc cancel"), classes="dialog-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.problem(event.value)
        if problem:
            self.query_one("#rename-problem", Static).update(Content(problem))
            return
        self.dismiss(check_name(event.value))

    def problem(self, value: str) -> str | None:
        """Why the name cannot be used (core's rule, then uniqueness), or None."""
        try:
            name = check_name(value)
        except RuleViolation as exc:
            return exc.message
        if name in self.taken:
            return f"an audience named {name!r} already exists; choose another name"
        return None

    def action_cancel(self) -> None:
        """Close without renaming."""
        self.dismiss(None)
