"""Choose a CSV file or an Excel workbook: a path box that completes paths (`~` works)
over a folder browser."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rich.text import Text, TextType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Input, Static

from core.excel import EXCEL_SUFFIXES
from tui.display import clean
from tui.widgets.typed_input import TypedInput

CSV_SUFFIXES = {".csv", ".tsv", ".txt", *EXCEL_SUFFIXES}
"""Files the browser lists (every folder is listed): text tables and Excel workbooks."""


def restarted(value: str) -> str:
    """The typed path from where it starts again: a path typed or pasted after the
    folder the box shows starts where it starts (as in Emacs), so
    `/data/exports//tmp/leads.csv` is `/tmp/leads.csv` and `/data/exports/~/leads.csv`
    is `~/leads.csv`."""
    text = value.strip()
    root = text.rfind(os.sep + os.sep)
    home = text.rfind(os.sep + "~" + os.sep)
    if text.endswith(os.sep + "~"):
        home = len(text) - 2
    if home > root:
        return text[home + 1 :]
    return text[root + 1 :] if root >= 0 else text


def expand(value: str, base: Path) -> Path:
    """A typed path as a Path (`restarted`): `~` expanded, relative ones taken from
    `base`."""
    path = Path(restarted(value)).expanduser()
    return path if path.is_absolute() else base / path


def shown(path: Path) -> str:
    """How a path is written in the box (as given, control characters removed; folders
    end in a separator). A name holding controls is then not found as typed: the browser
    still opens it."""
    text = clean(str(path))
    if text not in ("", ".", os.sep) and path.is_dir() and not text.endswith(os.sep):
        text += os.sep
    return text


class PathSuggester(Suggester):
    """Completes the last part of a typed path from what is on disk."""

    def __init__(self, base: Path) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.base = base

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        head, _, prefix = value.rpartition(os.sep)
        folder = expand(head + os.sep if head or value.startswith(os.sep) else ".", self.base)
        if value.startswith("~") and os.sep not in value:
            return None
        try:
            names = sorted(
                entry.name + (os.sep if entry.is_dir() else "")
                for entry in os.scandir(folder)
                if entry.name.startswith(prefix)
                and not entry.name.startswith(".")
                and (entry.is_dir() or Path(entry.name).suffix.lower() in CSV_SUFFIXES)
            )
        except OSError:
            return None
        if not names:
            return None
        completion = names[0]
        start = value[: len(value) - len(prefix)]
        suggestion = start + completion
        return suggestion if suggestion != value else None


class CsvDirectoryTree(DirectoryTree):
    """Folders, CSV-like files and workbooks only; names shown without control characters."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".")
            and (self._safe_is_dir(p) or p.suffix.lower() in CSV_SUFFIXES)
        ]

    def process_label(self, label: TextType) -> Text:
        plain = label.plain if isinstance(label, Text) else label
        return Text(clean(plain))


class FilePicker(Vertical):
    """A path box with completion over a folder browser; posts `FileChosen`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+up", "parent_folder", "Parent folder", show=False),
    ]

    DEFAULT_CSS = """
    FilePicker {
        height: auto;
        & > #file-problem { color: $text-error; height: auto; padding: 0 1; }
        & > #file-tree { height: 14; border: round $panel; }
        & > #file-tree:focus { border: round $primary; }
        & > #file-keys { color: $text-muted; height: 1; padding: 0 1; }
    }
    """

    class FileChosen(Message):
        """The user chose an existing file."""

        def __init__(self, picker: FilePicker, path: Path) -> None:
            super().__init__()
            self.picker = picker
            self.path = path

        @property
        def control(self) -> FilePicker:
            return self.picker

    def __init__(
        self,
        start_dir: Path | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.start_dir = start_dir if start_dir is not None else Path(".")
        self.base = Path(".")
        self._browsed: Path | None = None  # the last path chosen in the browser

    def compose(self) -> ComposeResult:
        yield TypedInput(
            shown(self.start_dir),
            id="file-path",
            placeholder="path to a CSV or .xlsx file (~ works; → completes)",
            suggester=PathSuggester(self.base),
            select_on_focus=False,
        )
        yield Static("", id="file-problem", markup=False)
        yield CsvDirectoryTree(self.start_dir.expanduser(), id="file-tree")
        yield Static(
            "enter choose · → complete · tab browse · ctrl+↑ parent folder",
            id="file-keys",
            markup=False,
        )

    def on_mount(self) -> None:
        self.query_one("#file-problem", Static).display = False
        self.query_one("#file-path", Input).focus()

    def show_problem(self, text: str) -> None:
        """Say why the path cannot be used (cleared by an empty string)."""
        problem = self.query_one("#file-problem", Static)
        problem.update(Text(clean(text)))
        problem.display = bool(text)

    @on(Input.Submitted, "#file-path")
    def path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.show_problem("type a path, or browse with tab")
            return
        path = expand(event.value, self.base)
        if not path.exists() and self._browsed is not None and event.value == shown(self._browsed):
            # The box shows a browsed name without its control characters: use the real one.
            path = self._browsed
        if path.is_dir():
            self.show_problem("")
            self.query_one(CsvDirectoryTree).path = path
            box = self.query_one("#file-path", Input)
            box.value = shown(Path(restarted(event.value)))
            box.cursor_position = len(box.value)
        elif not path.exists():
            self.show_problem(f"no such file: {shown(path)}; check the path")
        else:
            self.show_problem("")
            self.post_message(self.FileChosen(self, path))

    @on(Input.Changed, "#file-path")
    def path_typed(self, event: Input.Changed) -> None:
        """The browser follows the typed path: it lists the folder typed so far."""
        typed = event.value.strip()
        if not typed or not typed.endswith(os.sep):
            return
        folder = expand(typed, self.base)
        if self._browsed is not None and folder == self._browsed:
            return  # the browser put it there: it is expanding that folder already
        tree = self.query_one(CsvDirectoryTree)
        if folder.is_dir() and Path(tree.path).expanduser().resolve() != folder.resolve():
            tree.path = folder

    def reload_listing(self) -> None:
        """List the folder again (files may have been written since it was listed)."""
        self.query_one(CsvDirectoryTree).reload()

    @on(DirectoryTree.FileSelected)
    def file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self._browsed = event.path
        box = self.query_one("#file-path", Input)
        box.value = shown(event.path)
        box.cursor_position = len(box.value)
        self.show_problem("")
        self.post_message(self.FileChosen(self, event.path))

    @on(DirectoryTree.DirectorySelected)
    def folder_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        self._browsed = event.path
        box = self.query_one("#file-path", Input)
        box.value = shown(event.path)
        box.cursor_position = len(box.value)

    def action_parent_folder(self) -> None:
        """Browse the folder above the current one."""
        tree = self.query_one(CsvDirectoryTree)
        current = Path(tree.path).expanduser()
        parent = current.parent if str(current) not in (".", "") else Path("..")
        if current.resolve() == parent.resolve() and str(current) != ".":
            return
        tree.path = parent
        box = self.query_one("#file-path", Input)
        box.value = shown(parent)
        box.cursor_position = len(box.value)
