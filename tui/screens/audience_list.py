"""Home: one row per audience, with the keys to create, open, rename, delete and export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from core.audience import MEMBER_LIMIT, STYLE_NAMES, Audience
from core.errors import MembersFileDamaged
from core.export import export_to_file
from core.history import History
from core.store import Store
from tui.dialogs.common import clean, joined, plain, short_time, show_error
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.export import ExportModal, ExportRequest
from tui.dialogs.rename import RenameModal
from tui.widgets.frame_table import FrameTable
from tui.widgets.typed_input import TypedInput

UNDO = Binding.Group("Undo", compact=True)
COLUMNS = ["name", "members", "phone", "regions", "changed"]
LABELS = {
    "name": "Audience",
    "members": "Members",
    "phone": "Phone column",
    "regions": "Top regions",
    "changed": "Last change",
}


def audiences_frame(audiences: list[Audience]) -> pl.DataFrame:
    """The list's rows: name, members as `9,812 / 10,000`, phone column, regions, change."""
    return pl.DataFrame(
        {
            "name": [clean(a.name) for a in audiences],
            "members": [f"{a.member_count:,} / {MEMBER_LIMIT:,}" for a in audiences],
            "phone": [clean(a.phone_column) for a in audiences],
            "regions": [joined(a.top_regions(3)) for a in audiences],
            "changed": [short_time(a.changed_at) for a in audiences],
        },
        schema={c: pl.String for c in COLUMNS},
    )


class AudienceListScreen(Screen[None]):
    """Every audience in the store; the screen the app opens on."""

    CSS_PATH = "../styles/audience_list.tcss"
    HELP_TITLE = "Audience list"
    AUTO_FOCUS = "#audience-table"
    BINDINGS = [
        Binding("n", "new_audience", "New", tooltip="New audience from a CSV file"),
        Binding(
            "enter", "open_audience", "Open", priority=True, tooltip="Open the audience's members"
        ),
        Binding("r", "rename_audience", "Rename", tooltip="Rename the audience"),
        Binding("d", "delete_audience", "Delete", tooltip="Delete the audience (asks first)"),
        Binding("x", "export_audience", "Export", tooltip="Export the audience to a CSV file"),
        Binding("slash", "filter_audiences", "Filter", key_display="/", tooltip="Filter by name"),
        Binding("u", "undo_change", "Undo", group=UNDO, tooltip="Undo the last delete or rename"),
        Binding("ctrl+r", "redo_change", "Redo", group=UNDO, tooltip="Redo what was undone"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("q", "app.quit", "Quit", tooltip="Quit audiences"),
    ]

    filter_text: reactive[str] = reactive("", init=False)
    """Only audiences whose name contains this (case-insensitive) are listed."""

    class AudiencesLoaded(Message):
        """The store's audiences were read."""

        def __init__(self, audiences: list[Audience], select: str | None) -> None:
            super().__init__()
            self.audiences = audiences
            self.select = select

    class SetAsideOffered(Message):
        """Deleting found the audience's members file damaged: setting it aside is offered."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class StoreChanged(Message):
        """A change was written (or undone); `summary` says what happened."""

        def __init__(self, summary: str, select: str | None = None) -> None:
            super().__init__()
            self.summary = summary
            self.select = select

    def __init__(self, store: Store, *, start_dir: Path) -> None:
        super().__init__()
        self.store = store
        self.start_dir = start_dir
        self.audiences: list[Audience] = []
        self.shown: list[Audience] = []
        self.history = History(store)
        """Undo for deletes and renames made here."""
        self.member_histories: dict[str, History] = {}
        """Undo for member edits, one per audience, kept while the app runs."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield TypedInput(placeholder="filter audiences by name", id="audience-filter", compact=True)
        yield FrameTable(
            audiences_frame([]),
            columns=COLUMNS,
            labels=LABELS,
            placeholder="Loading…",
            show_marks=False,
            id="audience-table",
        )
        yield Static("", id="audience-details")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load_audiences()

    # --- loading ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_audiences(self, select: str | None = None) -> None:
        """Read the catalog (a shared lock; never blocks the UI)."""
        self.post_message(self.AudiencesLoaded(self.store.list_audiences(), select))

    @on(AudiencesLoaded)
    def audiences_loaded(self, event: AudiencesLoaded) -> None:
        self.audiences = event.audiences
        self.show_audiences(select=event.select)

    def show_audiences(self, select: str | None = None) -> None:
        """Fill the table with the audiences that pass the filter."""
        table = self.query_one(FrameTable)
        current = self.current()
        wanted = select or (current.name if current else None)
        needle = self.filter_text.casefold()
        self.shown = [a for a in self.audiences if needle in a.name.casefold()]
        if self.audiences:
            table.placeholder = "No audience name contains that text (esc clears the filter)"
        else:
            table.placeholder = "No audiences yet: press n to create one from a CSV file"
        table.set_frame(audiences_frame(self.shown), keep_cursor=True)
        names = [a.name for a in self.shown]
        if wanted in names:
            table.move_cursor(row=names.index(wanted))
        self.show_details()

    def watch_filter_text(self) -> None:
        self.show_audiences()

    def current(self) -> Audience | None:
        """The audience under the cursor."""
        if not self.shown:
            return None
        row = self.query_one(FrameTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    @on(FrameTable.CursorMoved, "#audience-table")
    def show_details(self) -> None:
        """One line about the audience under the cursor."""
        details = self.query_one("#audience-details", Static)
        audience = self.current()
        if audience is None:
            count = len(self.audiences)
            details.update(Content(f"{count:,} audience{'s' if count != 1 else ''}"))
            return
        details.update(
            Content.assemble(
                plain(audience.name, "bold"),
                f" · {audience.member_count:,} members, room for {audience.room:,} · phone ",
                plain(audience.phone_column, "bold"),
                f", written {STYLE_NAMES.get(audience.style, audience.style)} · required: ",
                joined(audience.required),
            )
        )

    # --- filter -------------------------------------------------------------------------
    def action_filter_audiences(self) -> None:
        """Show the filter box and type into it."""
        box = self.query_one("#audience-filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#audience-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value

    def action_clear_filter(self) -> None:
        """Clear and hide the filter."""
        box = self.query_one("#audience-filter", Input)
        box.value = ""
        box.display = False
        self.filter_text = ""
        self.query_one(FrameTable).focus()

    # --- opening and creating -------------------------------------------------------------
    def action_new_audience(self) -> None:
        """Create an audience from a CSV file."""
        from tui.screens.new_audience import NewAudienceScreen

        self.app.push_screen(NewAudienceScreen(self.store, self.start_dir), self.created)

    def created(self, name: str | None) -> None:
        self.load_audiences(select=name)

    @on(FrameTable.RowActivated, "#audience-table")
    def action_open_audience(self) -> None:
        """Open the audience's members (from the filter box too: type, then enter)."""
        audience = self.current()
        if audience is None:
            return
        from tui.screens.member_grid import MemberGridScreen

        history = self.member_histories.setdefault(audience.name, History(self.store))
        screen = MemberGridScreen(
            self.store, audience.name, history=history, start_dir=self.start_dir
        )
        self.app.push_screen(screen, lambda _: self.load_audiences(select=audience.name))

    # --- rename, delete, export, undo -----------------------------------------------------
    def action_rename_audience(self) -> None:
        """Give the audience another name."""
        audience = self.current()
        if audience is None:
            return
        taken = {a.name for a in self.audiences}

        def renamed(new: str | None) -> None:
            if new is not None and new != audience.name:
                self.change_store(lambda: self._rename(audience.name, new), select=new)

        self.app.push_screen(RenameModal(audience.name, taken), renamed)

    def _rename(self, old: str, new: str) -> str:
        self.history.rename_audience(old, new)
        self.member_histories.pop(old, None)
        return f"Renamed to {clean(new)!r}; u undoes it"

    def action_delete_audience(self) -> None:
        """Delete the audience (after asking); u undoes it."""
        audience = self.current()
        if audience is None:
            return
        question = Content.assemble(
            "Delete ",
            plain(audience.name, "bold"),
            f" and its {audience.member_count:,} members? (u undoes it while the app runs)",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.change_store(lambda: self._delete(audience.name))

        self.app.push_screen(
            ConfirmModal("Delete audience", question, confirm_label="Delete"), answered
        )

    def _delete(self, name: str) -> str:
        try:
            count = self.history.delete_audience(name)
        except MembersFileDamaged:
            self.post_message(self.SetAsideOffered(name))
            return ""
        self.member_histories.pop(name, None)
        return f"Deleted {clean(name)!r} ({count:,} members); u undoes it"

    @on(SetAsideOffered)
    def set_aside_offered(self, event: SetAsideOffered) -> None:
        """A damaged audience cannot be deleted with undo; it can be set aside, kept."""
        name = event.name
        question = Content.assemble(
            "The members file of ",
            plain(name, "bold"),
            " is damaged and cannot be read, so it cannot be deleted with undo.\n\n"
            "Set it aside? It leaves the list; its file is kept in the store's damaged "
            "folder (nothing is deleted). This cannot be undone here.",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.change_store(lambda: self._set_aside(name))

        self.app.push_screen(
            ConfirmModal("Damaged audience", question, confirm_label="Set aside"), answered
        )

    def _set_aside(self, name: str) -> str:
        kept = self.store.set_aside(name)
        self.member_histories.pop(name, None)
        where = f"its members file is kept at {kept}" if kept else "its members file was missing"
        return f"Set {clean(name)!r} aside; {where}"

    def action_export_audience(self) -> None:
        """Write the audience to a CSV file."""
        audience = self.current()
        if audience is None:
            return

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.change_store(lambda: self._export(audience.name, request))

        self.app.push_screen(ExportModal(audience.name, self.start_dir), chosen)

    def _export(self, name: str, request: ExportRequest) -> str:
        audience, members = self.store.load(name)
        path = export_to_file(audience, members, request.path, excel_safe_cells=request.excel_safe)
        return f"Exported {len(members):,} members to {path}"

    def action_undo_change(self) -> None:
        """Undo the last delete or rename made here."""
        self.change_store(lambda: self._step(self.history.undo, "Undid", "Nothing to undo"))

    def action_redo_change(self) -> None:
        """Redo what was undone."""
        self.change_store(lambda: self._step(self.history.redo, "Redid", "Nothing to redo"))

    def _step(self, step: Callable[[], str | None], done: str, nothing: str) -> str:
        description = step()
        self.member_histories.clear()  # their audience names may no longer hold
        return f"{done}: {clean(description)}" if description else nothing

    @work(thread=True, exclusive=True, exit_on_error=False, group="write")
    def change_store(self, change: Callable[[], str], select: str | None = None) -> None:
        """Run one change against the store off the UI thread, then report it (a change
        that returns "" has reported in its own way)."""
        summary = change()
        if summary:
            self.post_message(self.StoreChanged(summary, select))

    @on(StoreChanged)
    def store_changed(self, event: StoreChanged) -> None:
        self.notify(event.summary, markup=False)
        self.load_audiences(select=event.select)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            show_error(self.app, event.worker.error)
            if event.worker.group == "load":
                self.query_one(
                    FrameTable
                ).placeholder = "The store could not be read (see the message)"
                self.query_one(FrameTable).refresh()
