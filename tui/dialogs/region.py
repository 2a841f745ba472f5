"""The region numbers written without a country code are read in (the app's
--default-region), checked by core before closing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from core.phones import region_code
from tui.widgets.typed_input import TypedInput


class RegionModal(ModalScreen[str | None]):
    """Ask for a two-letter region; returns it (upper case), or None when cancelled."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Region"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, proposed: str, regions: list[str]) -> None:
        super().__init__(classes="dialog")
        self.proposed = proposed
        self.regions = regions

    def compose(self) -> ComposeResult:
        seen = ", ".join(self.regions) if self.regions else "none yet"
        with Vertical(classes="dialog-box"):
            yield Static(Content("Numbers without a country code"), classes="dialog-title")
            yield Static(
                Content(
                    "Read them as national numbers of which region? A two-letter ISO code "
                    f"(regions of this file's valid numbers: {seen}). "
                    "Each repair is shown before anything is written."
                )
            )
            yield TypedInput(self.proposed, id="region-input", compact=True)
            yield Static("", id="region-problem", classes="problem")
            yield Static(Content("enter read them so · esc cancel"), classes="dialog-keys")

    def on_input_changed(self) -> None:
        """Typing again: the last refusal no longer applies."""
        self.query_one("#region-problem", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.dismiss(region_code(event.value))
        except ValueError:
            self.query_one("#region-problem", Static).update(
                Content(f"{event.value.strip()!r} is not a region code: try US, GB or IN")
            )

    def action_cancel(self) -> None:
        """Close without changing the region."""
        self.dismiss(None)
