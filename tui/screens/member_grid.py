"""The members of one audience: search, sort, mark, add, edit, delete, undo, add by CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from core.audience import (
    E164_COLUMN,
    MEMBER_LIMIT,
    REGION_COLUMN,
    TYPE_COLUMN,
    Audience,
    Member,
    members_frame,
)
from core.export import export_to_file
from core.history import History
from core.plan import ImportPlan
from core.store import Store
from tui.dialogs.check_file import CheckFileModal
from tui.dialogs.common import clean, plain, show_error
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.export import ExportModal, ExportRequest
from tui.dialogs.member_form import MemberFormModal
from tui.screens.csv_diff import CsvDiffScreen
from tui.widgets.frame_table import FrameTable
from tui.widgets.typed_input import TypedInput

ADD = Binding.Group("Add", compact=True)
UNDO = Binding.Group("Undo", compact=True)
KEY = E164_COLUMN
STATUS = "(status)"  # never an audience column name (see core.audience.E164_COLUMN)
ROW = "(i)"


def grid_frame(audience: Audience, members: list[Member]) -> pl.DataFrame:
    """core's members frame plus a status column (region and number type)."""
    frame = members_frame(audience, members)
    status = pl.concat_str(
        [pl.col(REGION_COLUMN).fill_null("?"), pl.col(TYPE_COLUMN).fill_null("")], separator=" "
    ).str.strip_chars()
    return frame.with_columns(status.alias(STATUS))


def search_frame(frame: pl.DataFrame, text: str, columns: list[str]) -> pl.DataFrame:
    """Rows where any of `columns` contains `text` (literal, case-insensitive)."""
    needle = text.lower()
    if not needle:
        return frame
    hits = [
        pl.col(c).fill_null("").str.to_lowercase().str.contains(needle, literal=True)
        for c in columns
    ]
    return frame.filter(pl.any_horizontal(hits))


class MemberGridScreen(Screen[None]):
    """Every member of one audience, every column, a status column and the count."""

    CSS_PATH = "../styles/member_grid.tcss"
    HELP_TITLE = "Member grid"
    AUTO_FOCUS = "#member-table"
    BINDINGS = [
        Binding("a", "add_member", "Add", group=ADD, tooltip="Add a member (form)"),
        Binding(
            "A",
            "add_from_csv",
            "CSV",
            group=ADD,
            key_display="A",
            tooltip="Add members from a CSV file (review the diff first)",
        ),
        Binding("e,enter", "edit_member", "Edit", tooltip="Edit the member"),
        Binding("space", "mark_member", "Mark", tooltip="Mark or unmark the member"),
        Binding("d", "delete_members", "Del", tooltip="Delete the marked members, or this one"),
        Binding("u", "undo_change", "Undo", group=UNDO, tooltip="Undo the last change"),
        Binding("ctrl+r", "redo_change", "Redo", group=UNDO, tooltip="Redo the last change undone"),
        Binding("slash", "search_members", "Find", key_display="/", tooltip="Search every column"),
        Binding(
            "s",
            "sort_column",
            "Sort",
            tooltip="Sort by the column under the cursor (again: reverse)",
        ),
        Binding("x", "export_audience", "Export", tooltip="Export the audience to a CSV file"),
        Binding(
            "escape",
            "go_back",
            "Back",
            key_display="esc",
            tooltip="Back to the audience list (clears the search first)",
        ),
    ]

    class MembersLoaded(Message):
        """The audience and its members were read."""

        def __init__(
            self, audience: Audience, members: list[Member], frame: pl.DataFrame, focus: str | None
        ) -> None:
            super().__init__()
            self.audience = audience
            self.members = members
            self.frame = frame
            self.focus = focus

    class MembersChanged(Message):
        """A change was written (or undone); `summary` says what happened."""

        def __init__(self, summary: str, focus: str | None = None) -> None:
            super().__init__()
            self.summary = summary
            self.focus = focus

    def __init__(self, store: Store, name: str, *, history: History, start_dir: Path) -> None:
        super().__init__()
        self.store = store
        self.audience_name = name
        self.history = history
        self.start_dir = start_dir
        self.audience: Audience | None = None
        self.by_key: dict[str, Member] = {}
        self.base = pl.DataFrame()
        self.view = pl.DataFrame()
        self.search_text = ""
        self.sort: tuple[str, bool] | None = None
        self.marked: set[str] = set()
        self.sub_title = clean(name)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="grid-counter")
        yield TypedInput(placeholder="search every column", id="member-search", compact=True)
        yield FrameTable(placeholder="Loading…", id="member-table")
        yield Static("", id="member-details")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load_members()

    # --- loading and the view ----------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_members(self, focus: str | None = None) -> None:
        """Read the audience and build its frame off the UI thread."""
        audience, members = self.store.load(self.audience_name)
        self.post_message(
            self.MembersLoaded(audience, members, grid_frame(audience, members), focus)
        )

    @on(MembersLoaded)
    def members_loaded(self, event: MembersLoaded) -> None:
        self.audience = event.audience
        self.by_key = {m.e164: m for m in event.members}
        self.marked &= self.by_key.keys()
        self.base = event.frame
        table = self.query_one(FrameTable)
        table.placeholder = "No members yet: press a to add one, or A to add a CSV file"
        self.refresh_view(focus=event.focus or self.current_key())

    def shown_columns(self) -> list[str]:
        assert self.audience is not None
        return [*self.audience.columns, STATUS]

    def refresh_view(self, focus: str | None = None) -> None:
        """Apply search and sort to the members and show them, the cursor on `focus`."""
        if self.audience is None:
            return
        view = search_frame(self.base, self.search_text, [*self.shown_columns(), KEY])
        if self.sort is not None:
            column, descending = self.sort
            view = view.sort(column, descending=descending, nulls_last=True, maintain_order=True)
        self.view = view
        table = self.query_one(FrameTable)
        labels = {STATUS: "status"}
        if self.sort is not None:
            column, descending = self.sort
            labels[column] = f"{labels.get(column, column)} {'↓' if descending else '↑'}"
        table.set_frame(view, keep_cursor=True, columns=self.shown_columns(), labels=labels)
        if focus is not None:
            index = self.index_of(focus)
            if index is not None:
                table.move_cursor(row=index)
        self.show_marks()
        self.show_counter()
        self.show_details()

    def index_of(self, key: str) -> int | None:
        """Row of a member (by E.164 key) in the view."""
        found = self.view.with_row_index(ROW).filter(pl.col(KEY) == key)[ROW]
        return int(found[0]) if found.len() else None

    def show_marks(self) -> None:
        rows = self.view.with_row_index(ROW).filter(pl.col(KEY).is_in(list(self.marked)))
        self.query_one(FrameTable).set_marked(set(rows[ROW].to_list()))

    def show_counter(self) -> None:
        """`N / 10,000`, with what the search and marks do to the view."""
        if self.audience is None:
            return
        count = len(self.by_key)
        parts = [f"{count:,} / {MEMBER_LIMIT:,} members", f"room for {MEMBER_LIMIT - count:,}"]
        if self.search_text:
            parts.append(f"{self.view.height:,} match")
        if self.marked:
            parts.append(f"{len(self.marked):,} marked")
        self.query_one("#grid-counter", Static).update(Content(" · ".join(parts)))

    def current_key(self) -> str | None:
        """E.164 key of the member under the cursor."""
        table = self.query_one(FrameTable)
        if self.view.is_empty() or KEY not in self.view.columns:
            return None
        row = min(table.cursor_row, self.view.height - 1)
        return str(self.view[row, KEY])

    def current_member(self) -> Member | None:
        key = self.current_key()
        return self.by_key.get(key) if key else None

    @on(FrameTable.CursorMoved, "#member-table")
    def show_details(self) -> None:
        """The member under the cursor: number in E.164, region and type."""
        member = self.current_member()
        details = self.query_one("#member-details", Static)
        if member is None:
            details.update("")
            return
        details.update(
            Content(
                f"{member.e164} · {member.region or 'no region'} · "
                f"{member.number_type or 'unknown type'}"
                + (" · marked" if member.e164 in self.marked else "")
            )
        )

    # --- search, sort, marks ------------------------------------------------------------
    def action_search_members(self) -> None:
        """Search every column as you type."""
        box = self.query_one("#member-search", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#member-search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self.refresh_view(focus=self.current_key())

    @on(Input.Submitted, "#member-search")
    def search_submitted(self) -> None:
        self.query_one(FrameTable).focus()

    def action_sort_column(self) -> None:
        """Sort by the column under the cursor; again to reverse."""
        table = self.query_one(FrameTable)
        if not table.columns:
            return
        column = table.columns[table.cursor_column]
        descending = self.sort is not None and self.sort[0] == column and not self.sort[1]
        self.sort = (column, descending)
        self.refresh_view(focus=self.current_key())

    def action_mark_member(self) -> None:
        """Mark or unmark the member under the cursor, then move down."""
        key = self.current_key()
        if key is None:
            return
        self.marked ^= {key}
        self.show_marks()
        self.show_counter()
        self.query_one(FrameTable).action_cursor_down()

    # --- changes ------------------------------------------------------------------------
    def action_add_member(self) -> None:
        """Add one member with the form."""
        if self.audience is None:
            return
        if len(self.by_key) >= MEMBER_LIMIT:
            self.notify(
                f"The audience is full ({MEMBER_LIMIT:,} members): delete members first",
                severity="warning",
            )
            return
        name = self.audience.name

        def saved(member: Member | None) -> None:
            if member is not None:
                self.change_store(lambda: self._add(name, member), focus=member.e164)

        self.app.push_screen(MemberFormModal(self.audience, set(self.by_key)), saved)

    def _add(self, name: str, member: Member) -> str:
        self.history.add_members(name, [member], "add member")
        return "Added 1 member; u undoes it"

    @on(FrameTable.RowActivated, "#member-table")
    def action_edit_member(self) -> None:
        """Edit the member under the cursor."""
        old = self.current_member()
        if self.audience is None or old is None:
            return
        name = self.audience.name

        def saved(new: Member | None) -> None:
            if new is not None and new != old:
                self.change_store(lambda: self._edit(name, old, new), focus=new.e164)

        self.app.push_screen(MemberFormModal(self.audience, set(self.by_key), old), saved)

    def _edit(self, name: str, old: Member, new: Member) -> str:
        self.history.update_member(name, old, new)
        return "Saved the member; u undoes it"

    def action_delete_members(self) -> None:
        """Delete the marked members, or the one under the cursor (after asking)."""
        if self.audience is None:
            return
        keys = sorted(self.marked) or ([k] if (k := self.current_key()) else [])
        if not keys:
            return
        name = self.audience.name
        what = f"the {len(keys):,} marked members" if self.marked else "this member"
        question = Content.assemble(f"Delete {what} from ", plain(name, "bold"), "? (u undoes it)")

        def answered(yes: bool | None) -> None:
            if yes:
                self.change_store(lambda: self._delete(name, keys))

        self.app.push_screen(
            ConfirmModal("Delete members", question, confirm_label="Delete"), answered
        )

    def _delete(self, name: str, keys: list[str]) -> str:
        count = self.history.remove_members(name, keys)
        return f"Deleted {count:,} member{'s' if count != 1 else ''}; u undoes it"

    def action_undo_change(self) -> None:
        """Undo the last change (several levels)."""
        self.change_store(lambda: self._step(self.history.undo, "Undid", "Nothing to undo"))

    def action_redo_change(self) -> None:
        """Redo the last change undone."""
        self.change_store(lambda: self._step(self.history.redo, "Redid", "Nothing to redo"))

    @staticmethod
    def _step(step: Callable[[], str | None], done: str, nothing: str) -> str:
        description = step()
        return f"{done}: {clean(description)}" if description else nothing

    def action_export_audience(self) -> None:
        """Write the audience (every member, whatever the view) to a CSV file."""
        if self.audience is None:
            return
        name = self.audience.name

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.change_store(lambda: self._export(name, request))

        self.app.push_screen(ExportModal(name, self.start_dir), chosen)

    def _export(self, name: str, request: ExportRequest) -> str:
        audience, members = self.store.load(name)
        path = export_to_file(audience, members, request.path, excel_safe_cells=request.excel_safe)
        return f"Exported {len(members):,} members to {path}"

    @work(thread=True, exclusive=True, exit_on_error=False, group="write")
    def change_store(self, change: Callable[[], str], focus: str | None = None) -> None:
        """Run one change against the store off the UI thread, then report it."""
        self.post_message(self.MembersChanged(change(), focus))

    @on(MembersChanged)
    def members_changed(self, event: MembersChanged) -> None:
        self.notify(event.summary, markup=False)
        self.load_members(focus=event.focus)

    # --- add by CSV ---------------------------------------------------------------------
    def action_add_from_csv(self) -> None:
        """Add the rows of a CSV file: choose and check it, then review the diff."""
        if self.audience is None:
            return
        modal = CheckFileModal(self.store, self.audience.name, self.start_dir)
        self.app.push_screen(modal, self.file_checked)

    def file_checked(self, plan: ImportPlan | None) -> None:
        if plan is None:
            return

        def applied(summary: str | None) -> None:
            if summary:
                self.notify(clean(summary), markup=False)
            self.load_members()

        screen = CsvDiffScreen(
            self.store, plan, audience=self.audience_name, new_name=None, history=self.history
        )
        self.app.push_screen(screen, applied)

    # --- leaving, errors ------------------------------------------------------------------
    def action_go_back(self) -> None:
        """Clear the search, or go back to the audience list."""
        box = self.query_one("#member-search", Input)
        if self.search_text or box.display:
            box.value = ""
            box.display = False
            self.search_text = ""
            self.refresh_view(focus=self.current_key())
            self.query_one(FrameTable).focus()
            return
        self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            show_error(self.app, event.worker.error)
