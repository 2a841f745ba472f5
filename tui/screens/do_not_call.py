"""The store's do-not-call list: every number, where it came from and when, whether the
newest import is fresh; numbers added by hand, imported from a file, removed, undone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker

from core.errors import StoreDamaged, StoreLocked
from core.history import History, Session
from core.store import Store
from core.suppress import (
    NumbersRefused,
    SuppressionChange,
    SuppressionList,
    add_numbers,
    import_table,
    left_out_lines,
    remove_numbers,
)
from core.words import plural
from tui.dialing import Dialing
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.encoding import EncodingConsentModal, EncodingQuestioned
from tui.dialogs.import_list import ImportListModal, ListImport
from tui.dialogs.numbers import AddNumbersModal, NumbersRequest
from tui.display import clean, error_text, plain
from tui.screens.base import UNDO_BINDINGS, Places, StoreScreen
from tui.suppression import (
    COLUMNS,
    LABELS,
    change_text,
    list_frame,
    search_rows,
    skip_question,
    summary_text,
)
from tui.widgets.frame_table import FrameTable
from tui.widgets.typed_input import TypedInput
from tui.workers import LOAD, WRITE, read_in_worker

WRITES = ("add_numbers", "remove_number", "import_list", "undo_change", "redo_change")
"""Actions that change the list: none while it is damaged (or not read yet)."""


class DoNotCallScreen(StoreScreen):
    """The do-not-call list; the audience list counts callable members again on return."""

    CSS_PATH = "../styles/do_not_call.tcss"
    HELP_TITLE = "Do-not-call list"
    AUTO_FOCUS = "#dnc-table"
    BINDINGS = [
        Binding("a", "add_numbers", "Add", tooltip="Add numbers typed by hand"),
        Binding("i", "import_list", "Import", tooltip="Import the numbers of a CSV or Excel file"),
        Binding(
            "d",
            "remove_number",
            "Remove",
            tooltip="Take the number under the cursor off the list (asks first)",
        ),
        Binding(
            "slash", "search_list", "Find", key_display="/", tooltip="Search numbers and sources"
        ),
        *UNDO_BINDINGS,
        Binding(
            "escape,q",
            "go_back",
            "Back",
            key_display="esc",
            tooltip="Back to the audience list (clears the search first)",
        ),
    ]

    class ListLoaded(Message):
        """The do-not-call list was read (`listed` None: its file is damaged, `damage`
        says how)."""

        def __init__(
            self, listed: SuppressionList | None, select: str | None = None, damage: str = ""
        ) -> None:
            super().__init__()
            self.listed = listed
            self.frame = list_frame(listed or SuppressionList({}, {}))
            self.select = select
            self.damage = damage

    class AdditionRefused(Message):
        """Core refused the numbers typed; nothing was written."""

        def __init__(self, request: NumbersRequest, reason: str) -> None:
            super().__init__()
            self.request = request
            self.reason = reason

    class ImportRefused(Message):
        """Core refused the file's numbers; nothing was written."""

        def __init__(self, request: ListImport, refusal: NumbersRefused) -> None:
            super().__init__()
            self.request = request
            self.refusal = refusal

    def __init__(
        self, store: Store, session: Session, places: Places, *, dialing: Dialing | None = None
    ) -> None:
        super().__init__(store, session, places, dialing=dialing)
        self.listed: SuppressionList | None = None
        """The list as last read (None: not read yet, or damaged)."""
        self.base = list_frame(SuppressionList({}, {}))
        """Every row of the list, as last read (the search shows some of them)."""
        self.search_text = ""
        """Only numbers (by their digits) or sources that contain this are shown."""
        self.importing: ListImport | None = None
        """The file being imported (asked again with consent to convert its encoding)."""

    @property
    def history(self) -> History:
        """Changes of the do-not-call list in this session (kept when the screen closes)."""
        return self.session.do_not_call

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the do-not-call list…", id="dnc-summary")
        yield TypedInput(placeholder="search numbers and sources", id="dnc-search", compact=True)
        yield FrameTable(
            list_frame(SuppressionList({}, {})),
            columns=COLUMNS,
            labels=LABELS,
            placeholder="Loading…",
            show_marks=False,
            id="dnc-table",
        )
        yield Static("", id="dnc-details")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = "do-not-call list"
        self.load_list()

    # --- reading ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group=LOAD)
    def load_list(self, select: str | None = None) -> None:
        """Read the list and build its rows, off the UI thread."""
        try:
            listed = SuppressionList.load(self.store)
        except StoreDamaged as damaged:
            self.post_message(self.ListLoaded(None, damage=error_text(damaged)))
            return
        self.post_message(self.ListLoaded(listed, select))

    @on(ListLoaded)
    def list_loaded(self, event: ListLoaded) -> None:
        """Show the list; a damaged one is said plainly, and nothing can be changed."""
        self.listed = event.listed
        self.base = event.frame
        summary = self.query_one("#dnc-summary", Static)
        if event.listed is None:
            summary.update(
                Content(
                    f"{event.damage}. Until then nothing can be changed here, and no member "
                    "is counted callable."
                )
            )
            self.query_one(FrameTable).placeholder = "The do-not-call list cannot be read"
        else:
            summary.update(summary_text(event.listed, self.dialing.now()))
        self.set_class(event.listed is None, "-damaged")
        self.show_rows(select=event.select)
        self.refresh_bindings()

    def show_rows(self, select: str | None = None) -> None:
        """The numbers the search lets through, the cursor on `select` if shown."""
        table = self.query_one(FrameTable)
        view = search_rows(self.base, self.search_text)
        if self.listed is not None:
            table.placeholder = (
                "No number or source contains that (esc clears the search)"
                if self.search_text.strip()
                else "No numbers on the list: a adds some, i imports a file"
            )
        current = self.current()
        table.set_frame(view, keep_cursor=True)
        wanted = select or current
        numbers = view["number"].to_list()
        if wanted in numbers:
            table.move_cursor(row=numbers.index(wanted))
        self.show_details()

    def current(self) -> str | None:
        """The number under the cursor."""
        table = self.query_one(FrameTable)
        if not table.row_count:
            return None
        return str(table.row(table.cursor_row)["number"])

    @on(FrameTable.CursorMoved, "#dnc-table")
    def show_details(self) -> None:
        table = self.query_one(FrameTable)
        details = self.query_one("#dnc-details", Static)
        if self.listed is None or not table.row_count:
            details.update("")
            return
        text = f"Row {table.cursor_row + 1:,} of {table.row_count:,}"
        if table.row_count != len(self.listed):
            text += f" shown ({plural(len(self.listed), 'number')} on the list)"
        details.update(Content(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITES and self.listed is None:
            return False  # damaged, or not read yet: nothing to change
        if action == "remove_number" and self.current() is None:
            return None
        return True

    # --- search -------------------------------------------------------------------------
    def action_search_list(self) -> None:
        """Search numbers (by their digits) and sources as you type."""
        box = self.query_one("#dnc-search", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#dnc-search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self.show_rows()

    @on(Input.Submitted, "#dnc-search")
    def search_submitted(self) -> None:
        self.query_one(FrameTable).focus()

    def action_go_back(self) -> None:
        """Clear the search, or go back to the audience list."""
        box = self.query_one("#dnc-search", Input)
        if self.search_text or box.display:
            box.value = ""
            box.display = False
            self.search_text = ""
            self.show_rows()
            self.query_one(FrameTable).focus()
            return
        self.dismiss(None)

    # --- changes ------------------------------------------------------------------------
    def store_changed(self, select: str | None) -> None:
        self.load_list(select=select)

    def work_failed(self, worker: Worker[object]) -> None:
        if worker.group == LOAD:
            table = self.query_one(FrameTable)
            table.placeholder = "The do-not-call list could not be read (see the message)"
            table.refresh()
        elif worker.group == WRITE and not isinstance(worker.error, StoreLocked):
            # Refused (another process changed the list since): show it as it is now.
            self.load_list(select=self.current())

    def action_add_numbers(self, refused: AdditionRefused | None = None) -> None:
        """Add numbers typed by hand (core judges them: all or none)."""

        def typed(request: NumbersRequest | None) -> None:
            if request is not None:
                self.change_store(lambda: self._add(request))

        if refused is None:
            dialog = AddNumbersModal()
        else:
            request = refused.request
            dialog = AddNumbersModal(request.text, request.region, refused.reason)
        self.app.push_screen(dialog, typed)

    def _add(self, request: NumbersRequest) -> str:
        try:
            change = add_numbers(
                self.store,
                list(request.values),
                default_region=request.region,
                at=self.dialing.now(),
            )
        except NumbersRefused as refused:
            self.post_message(self.AdditionRefused(request, error_text(refused)))
            return ""
        what = plural(len(request.values), "number")
        self.history.list_changed(change, f"add {what} to the do-not-call list")
        return self._changed(change_text(change, "Added to the do-not-call list"), change)

    def _changed(self, said: str, change: SuppressionChange) -> str:
        """Report a change, the cursor on a number it listed."""
        select = change.edit.first if change.edit is not None else None
        self.post_message(self.StoreChanged(said + "; u undoes it", select))
        return ""

    @on(AdditionRefused)
    def addition_refused(self, event: AdditionRefused) -> None:
        """The dialog again, with what was typed and why it was refused."""
        self.action_add_numbers(event)

    def action_remove_number(self) -> None:
        """Take the number under the cursor off the list (after asking); u undoes it."""
        number = self.current()
        if number is None:
            return
        question = Content.assemble(
            "Take ",
            plain(number, "bold"),
            " off the do-not-call list? Members with this number can be called and exported "
            "again. (u undoes it)",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.change_store(lambda: self._remove(number))

        self.app.push_screen(
            ConfirmModal("Remove number", question, confirm_label="Remove"), answered
        )

    def _remove(self, number: str) -> str:
        change = remove_numbers(self.store, [number])
        self.history.list_changed(change, "remove a number from the do-not-call list")
        return (
            f"Removed {clean(number)}; the list holds {plural(change.total, 'number')}; u undoes it"
        )

    def action_import_list(
        self, chosen: ListImport | None = None, refused: str | None = None
    ) -> None:
        """Import the numbers of a CSV or Excel file (all or none; asks before leaving out
        invalid rows)."""

        def picked(request: ListImport | None) -> None:
            if request is not None:
                self.import_file(request)

        start = self.places.start_dir if chosen is None else chosen.path.parent
        self.app.push_screen(ImportListModal(start, chosen, refused), picked)

    def import_file(self, request: ListImport) -> None:
        self.importing = request
        self.change_store(lambda: self._import(request))

    def _import(self, request: ListImport) -> str:
        """Read the file (asking consent for its encoding), then list its numbers."""
        table = read_in_worker(self, request.path, request.encoding)
        if table is None:  # its encoding needs consent (asked)
            return ""
        try:
            change = import_table(
                self.store,
                table,
                Path(request.path).name,
                None,  # every column of phone numbers (mobile and work)
                at=self.dialing.now(),
                default_region=request.region,
                skip_invalid=True if request.skip_invalid else None,
            )
        except NumbersRefused as refused:
            self.post_message(self.ImportRefused(request, refused))
            return ""
        name = clean(request.path.name)
        self.history.list_changed(change, f"import {name!r} into the do-not-call list")
        kind = "column" if len(change.columns) == 1 else "columns"
        read = clean(", ".join(change.columns))
        said = change_text(change, f"Imported {name} ({kind} {read})")
        if change.left_out is not None:
            said += "; " + "; ".join(left_out_lines(change.left_out))
        return self._changed(said, change)

    @on(ImportRefused)
    def import_refused(self, event: ImportRefused) -> None:
        """Invalid rows: ask to leave them out. Anything else: the dialog again, saying why."""
        refusal, request = event.refusal, event.request
        if not refusal.skippable or request.skip_invalid:
            self.action_import_list(request, error_text(refusal))
            return
        question = Content.assemble(
            plain(request.path.name, "bold"),
            f": {error_text(refusal)}.\n\n{skip_question(refusal)}",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.import_file(replace(request, skip_invalid=True))

        self.app.push_screen(
            ConfirmModal("Invalid rows", question, confirm_label="Import the rest"), answered
        )

    @on(EncodingQuestioned)
    def encoding_questioned(self, event: EncodingQuestioned) -> None:
        """The file is not UTF-8: read it only with consent to convert it."""
        waiting = self.importing

        def answered(encoding: str | None) -> None:
            if encoding and waiting is not None:
                self.import_file(replace(waiting, encoding=encoding))
            else:
                self.notify(
                    "Nothing was imported: the file's encoding needs your consent",
                    markup=False,
                )

        self.app.push_screen(EncodingConsentModal(event.question), answered)
