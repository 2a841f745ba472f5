"""A CSV or Excel file of numbers for the do-not-call list: the file picker the new
audience uses, and the region of numbers written without +."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.dialogs.numbers import REGION_PLACEHOLDER, region_problem
from tui.widgets.file_picker import FilePicker, shown
from tui.widgets.typed_input import TypedInput


@dataclass(frozen=True)
class ListImport:
    """The file to import, the region of its numbers without + (or None), the encoding
    consented to (or None), and whether to leave out its invalid rows."""

    path: Path
    region: str | None
    encoding: str | None = None
    skip_invalid: bool = False


class ImportListModal(ModalScreen[ListImport | None]):
    """Pick a file; returns what to import, or None when cancelled. A refusal that
    leaving out invalid rows would not mend opens it again with the file and why."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Import a do-not-call list"
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without importing")]

    def __init__(
        self, start_dir: Path, chosen: ListImport | None = None, refused: str | None = None
    ) -> None:
        super().__init__(classes="dialog")
        self.start_dir = start_dir
        self.chosen = chosen
        self.refused = refused

    def compose(self) -> ComposeResult:
        region = self.chosen.region if self.chosen is not None else None
        with Vertical(classes="dialog-box", id="import-list-box"):
            yield Static(
                Content("Import numbers to the do-not-call list from a CSV or Excel file"),
                classes="dialog-title",
            )
            yield FilePicker(self.start_dir, id="import-list-picker")
            yield TypedInput(
                region or "", placeholder=REGION_PLACEHOLDER, id="import-region", compact=True
            )
            yield Static(Content(self.refused or ""), id="import-problem", classes="problem")
            yield Static(
                Content("the phone column is found as for a new audience · esc cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        if self.chosen is not None:
            box = self.query_one("#file-path", Input)
            box.value = shown(self.chosen.path)
            box.cursor_position = len(box.value)

    @on(FilePicker.FileChosen)
    def file_chosen(self, event: FilePicker.FileChosen) -> None:
        event.stop()
        region, problem = region_problem(self.query_one("#import-region", Input).value)
        if problem:
            self.query_one("#import-problem", Static).update(Content(problem))
            return
        self.dismiss(ListImport(event.path, region))

    @on(Input.Submitted, "#import-region")
    def region_submitted(self, event: Input.Submitted) -> None:
        """Enter in the region box imports the file typed in the path box."""
        event.stop()
        box = self.query_one("#file-path", Input)
        box.post_message(Input.Submitted(box, box.value))

    def action_cancel(self) -> None:
        """Close without importing."""
        self.dismiss(None)
