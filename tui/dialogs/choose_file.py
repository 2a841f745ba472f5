"""Choose a CSV file in a dialog: the path box with completion and the folder browser."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.file_picker import FilePicker


class ChooseFileModal(ModalScreen[Path | None]):
    """Ask for an existing file; returns its path, or None when cancelled."""

    CSS_PATH = "../styles/dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    HELP_TITLE = "Choose a file"

    def __init__(self, start_dir: Path | None = None, title: str = "Choose a CSV file") -> None:
        super().__init__(classes="dialog")
        self.start_dir = start_dir if start_dir is not None else Path(".")
        self.dialog_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="choose-file-box"):
            yield Static(Content(self.dialog_title), classes="dialog-title")
            yield FilePicker(self.start_dir, id="file-picker")

    @on(FilePicker.FileChosen)
    def file_chosen(self, event: FilePicker.FileChosen) -> None:
        event.stop()
        self.dismiss(event.path)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
