"""Numbers typed by hand for the do-not-call list, and the region of those written
without + (the app's --default-region); core judges them when they are added."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from core.phones import region_code
from core.suppress import split_typed
from tui.display import clean
from tui.widgets.typed_input import TypedInput

REGION_PLACEHOLDER = "region of numbers without + (--default-region, optional): US, GB, ..."


@dataclass(frozen=True)
class NumbersRequest:
    """What was typed: the text as typed, the values in it, and the region (or None)."""

    text: str
    values: tuple[str, ...]
    region: str | None


def region_problem(value: str) -> tuple[str | None, str | None]:
    """(the region typed, or None when left empty; why it cannot be used, or None)."""
    if not value.strip():
        return None, None
    try:
        return region_code(value), None
    except ValueError:
        return None, f"{clean(value.strip())!r} is not a region code: try US, GB or IN"


class AddNumbersModal(ModalScreen[NumbersRequest | None]):
    """Ask for numbers to list; returns them, or None when cancelled. A refusal of the
    numbers (by core, once the screen adds them) opens it again with what was typed."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Add numbers"
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without adding")]

    def __init__(
        self, text: str = "", region: str | None = None, refused: str | None = None
    ) -> None:
        super().__init__(classes="dialog")
        self.typed_text = text
        self.typed_region = region
        self.refused = refused

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="add-numbers-box"):
            yield Static(Content("Add to the do-not-call list"), classes="dialog-title")
            yield Static(
                Content(
                    "One number or several, with + and the country code, separated by commas "
                    "(or by spaces between whole numbers). They are never exported or counted "
                    "callable."
                )
            )
            yield TypedInput(
                self.typed_text,
                placeholder="+12025550123, +44 20 7946 0958",
                id="numbers-input",
                compact=True,
            )
            yield TypedInput(
                self.typed_region or "",
                placeholder=REGION_PLACEHOLDER,
                id="numbers-region",
                compact=True,
            )
            yield Static(Content(self.refused or ""), id="numbers-problem", classes="problem")
            yield Static(Content("enter add · tab region · esc cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#numbers-input", Input).focus()

    def show_problem(self, text: str) -> None:
        self.query_one("#numbers-problem", Static).update(Content(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = self.query_one("#numbers-input", Input).value
        values = split_typed(text)
        region, problem = region_problem(self.query_one("#numbers-region", Input).value)
        if not values:
            problem = "type one number or more"
        if problem:
            self.show_problem(problem)
            return
        self.dismiss(NumbersRequest(text, tuple(values), region))

    def action_cancel(self) -> None:
        """Close without adding."""
        self.dismiss(None)
