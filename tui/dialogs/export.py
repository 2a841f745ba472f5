"""Where to write an audience (or the members chosen in it) as CSV, and whether to guard
cells for spreadsheets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from core.words import plural
from tui.display import clean, plain
from tui.widgets.file_picker import restarted
from tui.widgets.typed_input import TypedInput

if TYPE_CHECKING:
    from tui.screens.base import Places


@dataclass(frozen=True)
class ExportRequest:
    """The export the user asked for."""

    path: Path
    excel_safe: bool
    platform: str | None = None
    """The voice platform the file is for (a key of core.platforms.PLATFORMS), or None
    for a plain CSV of the stored values."""


@dataclass(frozen=True)
class ExportScope:
    """Which members an export writes, and how to say so."""

    keys: tuple[str, ...] | None
    """E.164 keys of the members to write; None writes every member."""
    label: str
    """What is written, as a phrase: `all 146 members`, `the 3 marked members`."""
    listed: int = 0
    """How many of them are on the do-not-call list (left out), as last read."""
    count: int = 0
    """How many members the label names."""
    not_callable: int = 0
    """How many of them (marked while only callable members were shown) are outside
    their calling hours now."""

    def text(self) -> str:
        """What the export writes, with what it leaves out."""
        if not self.listed:
            return f"Writes {self.label}."
        if self.listed >= self.count:
            who = "the member is" if self.count == 1 else f"all {self.count:,} members are"
            return f"Nothing to write: {who} on the do-not-call list."
        return f"Writes {self.label} but the {self.listed:,} on the do-not-call list (left out)."

    def warning(self) -> str:
        if not self.not_callable:
            return ""
        return (
            f"{plural(self.not_callable, 'of them is', 'of them are')} outside "
            f"{'its' if self.not_callable == 1 else 'their'} calling hours now."
        )


def default_export_path(folder: Path, audience: str) -> Path:
    """`<folder>/<audience name>.csv`, the name made safe for a file name."""
    stem = re.sub(r"[^\w.-]+", "_", audience, flags=re.UNICODE).strip("._") or "audience"
    return folder / f"{stem}.csv"


EXCEL_SAFE = {False: "Excel-safe cells: no", True: "Excel-safe cells: yes"}
"""The box's label says its state in words (not by colour alone)."""


class SpaceCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox that space toggles; enter goes on to the dialog (it exports)."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]


def platform_choices() -> list[tuple[str | None, str]]:
    """What the platform box offers: a plain CSV, then each platform of core.platforms
    with the header its phone column gets and its limits."""
    from core.platforms import PLATFORMS

    choices: list[tuple[str | None, str]] = [(None, "plain CSV (values as stored)")]
    for key, p in PLATFORMS.items():
        header = repr(p.phone_header) if p.phone_header else "its own name"
        limits = []
        if p.max_rows:
            limits.append(f"{p.max_rows:,} rows")
        if p.max_bytes:
            limits.append(f"{p.max_bytes // 1_000_000} MB")
        said = f"{p.name}: phone as {header}, E.164"
        if limits:
            said += f"; files of at most {' and '.join(limits)}"
        choices.append((key, said))
    return choices


class PlatformChoice(Static, can_focus=True):
    """Which file to write: space or the arrows choose; enter goes on to the dialog."""

    BINDINGS = [
        Binding("space,right", "choose(1)", "Next", show=False),
        Binding("left", "choose(-1)", "Previous", show=False),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.choices = platform_choices()
        self.index = 0

    @property
    def value(self) -> str | None:
        return self.choices[self.index][0]

    def on_mount(self) -> None:
        self.show()

    def action_choose(self, step: int) -> None:
        """The next (or previous) choice."""
        self.index = (self.index + step) % len(self.choices)
        self.show()

    def show(self) -> None:
        self.update(Content(f"For: {self.choices[self.index][1]} ◂▸"))


class ExportModal(ModalScreen[ExportRequest | None]):
    """Ask for the file to export to; returns the request, or None when cancelled."""

    CSS_PATH = "../styles/dialogs.tcss"
    HELP_TITLE = "Export"
    BINDINGS = [
        Binding("enter", "export", "Export", tooltip="Write the file"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        audience: str,
        scope: ExportScope,
        places: Places,
        columns: tuple[list[str], str] | None = None,
    ) -> None:
        super().__init__(classes="dialog")
        self.audience = audience
        self.columns = columns
        """The audience's columns and phone column: a platform that would refuse a name
        is said here, with the dialog still open."""
        self.scope = scope
        self.places = places
        self.replace_confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="export-box"):
            yield Static(
                Content.assemble("Export ", plain(self.audience, "bold"), " as CSV"),
                classes="dialog-title",
            )
            yield Static(Content(self.scope.text()), id="export-scope")
            if self.scope.warning():
                yield Static(
                    Content(self.scope.warning()), id="export-not-callable", classes="problem"
                )
            yield TypedInput(
                str(default_export_path(self.places.export_dir, self.audience)),
                id="export-path",
                placeholder="file to write (~ works)",
                compact=True,
            )
            yield Static("", id="export-warning", classes="problem")
            yield SpaceCheckbox(EXCEL_SAFE[False], id="export-excel-safe", compact=True)
            yield Static(
                Content(
                    "  ' before cells starting with = + - @ (not in the phone column);\n"
                    "  a plain CSV starts with a BOM too, so Excel reads accents right"
                ),
                id="export-excel-note",
            )
            yield PlatformChoice(id="export-platform")
            yield Static("", id="export-problem", classes="problem")
            yield Static(
                Content("enter export · tab options · space tick or choose · esc cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.warn(self.query_one("#export-path", Input).value)

    @on(Input.Changed, "#export-path")
    def path_changed(self, event: Input.Changed) -> None:
        self.warn(event.value)

    @on(Checkbox.Changed, "#export-excel-safe")
    def excel_safe_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = EXCEL_SAFE[event.value]

    def warn(self, value: str) -> None:
        """Say so when the file would be written where the demo throws files away."""
        warning = self.query_one("#export-warning", Static)
        thrown = bool(value.strip()) and self.places.thrown_away(Path(restarted(value)))
        warning.update(
            Content("this folder is deleted when the demo ends; write elsewhere to keep the file")
            if thrown
            else ""
        )
        warning.display = thrown

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        """Close with the request when the path names a file in an existing folder."""
        raw = restarted(self.query_one("#export-path", Input).value)
        problem = self.query_one("#export-problem", Static)
        if not raw:
            problem.update(Content("give the file to write"))
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            problem.update(
                Content(f"{clean(path)} is a folder; add a file name such as audience.csv")
            )
            return
        if not path.parent.is_dir():
            problem.update(
                Content(f"the folder {clean(path.parent)} does not exist; create it first")
            )
            return
        from core.errors import AudiencesError
        from core.export import check_target

        try:
            check_target(path, overwrite=True)  # a device, a pipe, /dev or /proc
        except AudiencesError as refused:
            problem.update(Content(clean(refused.message)))
            return
        if path.exists() and self.replace_confirmed != path:
            self.replace_confirmed = path
            problem.update(Content("that file exists; press enter again to replace it"))
            return
        excel_safe = self.query_one("#export-excel-safe", Checkbox).value
        platform = self.query_one(PlatformChoice).value
        if platform is not None and self.columns is not None:
            from core.platforms import column_refusals
            from core.platforms import platform as platform_of

            target = platform_of(platform)
            refusals = column_refusals(target, *self.columns)
            if refusals:
                problem.update(
                    Content(clean(f"{target.name} would refuse: " + "; ".join(refusals)))
                )
                return
        self.dismiss(ExportRequest(path, excel_safe, platform))

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
