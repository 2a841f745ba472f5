"""Where to write an audience as CSV, and whether to guard cells for spreadsheets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from tui.dialogs.common import plain
from tui.widgets.typed_input import TypedInput


@dataclass(frozen=True)
class ExportRequest:
    """The export the user asked for."""

    path: Path
    excel_safe: bool


def default_export_path(folder: Path, audience: str) -> Path:
    """`<folder>/<audience name>.csv`, the name made safe for a file name."""
    stem = re.sub(r"[^\w.-]+", "_", audience, flags=re.UNICODE).strip("._") or "audience"
    return folder / f"{stem}.csv"


class ExportModal(ModalScreen[ExportRequest | None]):
    """Ask for the file to export to; returns the request, or None when cancelled."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Export"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, audience: str, folder: Path) -> None:
        super().__init__(classes="dialog")
        self.audience = audience
        self.folder = folder
        self.replace_confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(
                Content.assemble("Export ", plain(self.audience, "bold"), " as CSV"),
                classes="dialog-title",
            )
            yield TypedInput(
                str(default_export_path(self.folder, self.audience)),
                id="export-path",
                placeholder="file to write (~ works)",
                compact=True,
            )
            yield Checkbox(
                "Excel-safe: prefix ' to cells a spreadsheet would run as formulas",
                id="export-excel-safe",
            )
            yield Static("", id="export-problem", classes="problem")
            yield Static(Content("enter export · tab options · esc cancel"), classes="dialog-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Close with the request when the path names a file in an existing folder."""
        raw = self.query_one("#export-path", Input).value.strip()
        problem = self.query_one("#export-problem", Static)
        if not raw:
            problem.update(Content("give the file to write"))
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            problem.update(Content("that is a folder; add a file name such as audience.csv"))
            return
        if not path.parent.is_dir():
            problem.update(Content("that folder does not exist; create it first"))
            return
        if path.exists() and self.replace_confirmed != path:
            self.replace_confirmed = path
            problem.update(Content("that file exists; press enter again to replace it"))
            return
        excel_safe = self.query_one("#export-excel-safe", Checkbox).value
        self.dismiss(ExportRequest(path, excel_safe))

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
