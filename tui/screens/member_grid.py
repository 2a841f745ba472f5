"""The members of one audience: search, filter, sort, mark in bulk, add, edit, delete,
undo, export, add by CSV; local time, line type, callable now and the do-not-call list."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker

from core.audience import (
    E164_COLUMN,
    MEMBER_LIMIT,
    REGION_COLUMN,
    TYPE_COLUMN,
    Audience,
    Member,
    member_label,
    members_frame,
    search_members,
)
from core.errors import AudiencesError, NotFound, StoreLocked
from core.history import History, Session
from core.hours import never_text
from core.plan import ImportPlan
from core.store import Store
from core.words import noun, plural
from tui.dialing import (
    CALL,
    CALL_WORDS,
    DIAL_LABELS,
    LINE,
    LOCAL,
    NEXT,
    READY,
    REFRESH_SECONDS,
    STATE,
    WINDOW,
    Dialing,
    callable_text,
    dial_frame,
    next_window_text,
)
from tui.dialogs.check_file import CheckFileModal
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.export import ExportScope
from tui.dialogs.member_form import MemberFormModal
from tui.display import clean, error_text, plain
from tui.screens.base import UNDO_BINDINGS, Places, StoreScreen
from tui.screens.csv_diff import CsvDiffScreen
from tui.widgets.frame_table import FrameTable
from tui.widgets.typed_input import TypedInput
from tui.workers import HOURS, LOAD, WRITE

ADD = Binding.Group("Add", compact=True)
SHOW = Binding.Group("Show", compact=True)
MARKS = Binding.Group("Mark", compact=True)
KEY = E164_COLUMN
STATUS = "(status)"  # never an audience column name (see core.audience.E164_COLUMN)
ROW = "(i)"
NAMED_IN_QUESTION = 3
"""Members named in a delete question; the rest are counted."""


def grid_frame(audience: Audience, members: list[Member]) -> pl.DataFrame:
    """core's members frame plus a status column (region and number type)."""
    frame = members_frame(audience, members)
    status = pl.concat_str(
        [pl.col(REGION_COLUMN).fill_null("?"), pl.col(TYPE_COLUMN).fill_null("")], separator=" "
    ).str.strip_chars()
    return frame.with_columns(status.alias(STATUS))


class MemberGridScreen(StoreScreen):
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
        Binding(
            "e,enter",
            "edit_member",
            "Edit",
            show=False,  # enter edits too; the footer keeps room for h (80 columns)
            tooltip="Edit the member",
        ),
        Binding("space", "mark_member", "Mark", group=MARKS, tooltip="Mark or unmark the member"),
        Binding(
            "asterisk",
            "mark_shown",
            "All",
            group=MARKS,
            key_display="*",
            tooltip="Mark every member shown (all, or those the search and filter show)",
        ),
        Binding(
            "exclamation_mark",
            "invert_marks",
            "Invert",
            group=MARKS,
            key_display="!",
            tooltip="Invert the marks of the members shown",
        ),
        Binding(
            "minus",
            "clear_marks",
            "Clear",
            group=MARKS,
            key_display="-",
            tooltip="Unmark every member",
        ),
        Binding("d", "delete_members", "Del", tooltip="Delete the marked members, or this one"),
        *UNDO_BINDINGS,
        Binding("slash", "search_members", "Find", key_display="/", tooltip="Search every column"),
        Binding(
            "f",
            "cycle_status_filter",
            "Status",
            show=False,  # the footer keeps to 80 columns; help and the palette list it
            tooltip="Show only the members of one status (region and type), in turn",
        ),
        Binding(
            "c",
            "toggle_callable_filter",
            "Callable",
            show=False,
            tooltip="Show only the members callable now (their local time, not on the "
            "do-not-call list), or all again",
        ),
        Binding(
            "t",
            "cycle_line_filter",
            "Line",
            show=False,
            tooltip="Show only the members of one line type (mobile, fixed_line, ...), in turn",
        ),
        Binding(
            "h",
            "show_hours",
            "Hours",
            tooltip="Calling hours by zone: local times, counts, next window; mark a zone",
        ),
        Binding(
            "s",
            "sort_column",
            "Sort",
            show=False,
            tooltip="Sort by the cursor's column: up, down, then the original order",
        ),
        Binding(
            "x",
            "export_members",
            "Export",
            tooltip="Export to CSV: the marked members, else those shown, else all",
        ),
        Binding(
            "escape,q",
            "go_back",
            "Back",
            key_display="esc",
            tooltip="Back to the audience list (clears the search and filter first)",
        ),
    ]

    class MembersLoaded(Message):
        """The audience and its members were read."""

        def __init__(
            self,
            audience: Audience,
            members: list[Member],
            frame: pl.DataFrame,
            focus: str | None,
            suppressed: frozenset[str] | None,
            dialing: Dialing,
        ) -> None:
            super().__init__()
            self.audience = audience
            self.members = members
            self.frame = frame
            self.focus = focus
            self.suppressed = suppressed
            self.dialing = dialing
            """The calling rules the frame's call column was judged by."""

    class FormRefused(Message):
        """The store refused what a member form saved (another process changed the
        store or the do-not-call list meanwhile): once the members are read again, the
        form opens again with what was typed."""

        def __init__(self, member: Member, old: Member | None, reason: str) -> None:
            super().__init__()
            self.member = member
            self.old = old
            self.reason = reason

    class CallsJudged(Message):
        """The calling hours of the members were judged again (a new minute)."""

        def __init__(
            self, members: list[Member], calls: pl.DataFrame, suppressed: frozenset[str] | None
        ) -> None:
            super().__init__()
            self.members = members
            self.calls = calls
            self.suppressed = suppressed

    def __init__(
        self,
        store: Store,
        session: Session,
        places: Places,
        audience: Audience,
        *,
        dialing: Dialing | None = None,
    ) -> None:
        super().__init__(store, session, places, dialing=dialing)
        self.audience_name = audience.name
        self.audience_id = audience.id
        self.audience: Audience | None = None
        self.by_key: dict[str, Member] = {}
        self.base = pl.DataFrame()
        self.view = pl.DataFrame()
        self.search_text = ""
        self.status_filter: str | None = None
        self.sort: tuple[str, bool] | None = None
        self.marked: set[str] = set()
        self.do_not_call_rows: set[int] = set()
        """Rows of the view whose member is on the do-not-call list."""
        self.members: list[Member] = []
        self.suppressed: frozenset[str] = frozenset()
        """The do-not-call list's numbers, as read with the members."""
        self.callable_only = False
        """Only the members callable now are shown (c)."""
        self.line_filter: str | None = None
        """Only the members of this line type are shown (t)."""
        self.refused_form: MemberGridScreen.FormRefused | None = None
        """A member form whose save the store refused, to open again once reloaded."""
        self.sub_title = clean(audience.name)

    @property
    def history(self) -> History:
        """This audience's member changes in this session (kept when the grid closes)."""
        return self.session.members(self.audience_id)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="grid-counter")
        yield TypedInput(placeholder="search every column", id="member-search", compact=True)
        yield FrameTable(placeholder="Loading…", fixed_columns=1, id="member-table")
        yield Static("", id="member-details")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load_members()
        self.query_one(FrameTable).row_style = self.row_style
        self.set_interval(REFRESH_SECONDS, self.judge_calls, name="calling hours")

    # --- loading and the view ----------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group=LOAD)
    def load_members(self, focus: str | None = None) -> None:
        """Read the audience and the do-not-call list, judge the calling hours, and build
        the frame, off the UI thread."""
        try:
            # By id: an audience renamed by another process (or brought back by an undo
            # under a new id) is still this one.
            name = self.session.name_of(self.audience_id)
        except NotFound:
            raise NotFound("the audience is no longer in the store") from None
        audience, members = self.store.load(name)
        suppressed = self.listed()
        dialing = self.dialing
        calls = dial_frame(members, suppressed, dialing, dialing.now()).drop(KEY)
        frame = grid_frame(audience, members).hstack(calls)
        self.post_message(self.MembersLoaded(audience, members, frame, focus, suppressed, dialing))

    @work(thread=True, exclusive=True, exit_on_error=False, group=HOURS)
    def judge_calls(self) -> None:
        """Judge the members' calling hours at the current minute (the members as shown;
        the do-not-call list read again)."""
        members = self.members
        suppressed = self.listed()
        calls = dial_frame(members, suppressed, self.dialing, self.dialing.now())
        self.post_message(self.CallsJudged(members, calls.drop(KEY), suppressed))

    @on(CallsJudged)
    def calls_judged(self, event: CallsJudged) -> None:
        if event.members is not self.members:  # reloaded meanwhile: that load judged them
            return
        self.suppressed = event.suppressed or frozenset()
        self.base = self.base.with_columns(event.calls)
        self.refresh_view(focus=self.current_key())

    @on(MembersLoaded)
    def members_loaded(self, event: MembersLoaded) -> None:
        self.audience = event.audience
        self.audience_id = event.audience.id
        self.audience_name = event.audience.name
        self.sub_title = clean(event.audience.name)
        self.by_key = {m.e164: m for m in event.members}
        self.members = event.members
        self.suppressed = event.suppressed or frozenset()
        self.marked &= self.by_key.keys()
        self.base = event.frame
        if self.status_filter is not None and self.status_filter not in self.statuses():
            self.status_filter = None
        if self.line_filter is not None and self.line_filter not in self.line_types():
            self.line_filter = None
        self.refresh_view(focus=event.focus or self.current_key())
        if event.focus in self.by_key and self.index_of(event.focus) is None:
            # Added, saved or brought back by an undo, but not in the view.
            self.notify(
                "That member is not shown: the search or a filter hides it (esc clears them)",
                markup=False,
            )
        if event.dialing != self.dialing:  # the rules changed while it loaded
            self.judge_calls()
        self.reopen_refused_form()

    def reopen_refused_form(self) -> None:
        """The form of a refused save again, once (over the members as last read)."""
        refused, self.refused_form = self.refused_form, None
        if refused is not None:
            self.reopen_form(refused)

    def reopen_form(self, refused: FormRefused) -> None:
        """The form of a refused save again, over the store as it is now: an edit of
        the member as it now stands, or, when another process removed it meanwhile, an
        add (esc drops what was typed, after asking)."""
        old = None if refused.old is None else self.by_key.get(refused.old.e164)
        if refused.old is not None and old is None:
            said = (
                "the member is no longer in the audience under this number (another program "
                "removed it or changed its number). What you typed is kept: enter adds it as "
                "a new member"
            )
        else:
            said = f"{refused.reason}. What you typed is kept: enter saves again"
        self.open_form(old, refused.member, said)

    def store_changed(self, select: str | None) -> None:
        self.load_members(focus=select)

    def calling_rules_changed(self, dialing: Dialing) -> None:
        super().calling_rules_changed(dialing)
        self.judge_calls()

    def work_failed(self, worker: Worker[object]) -> None:
        if worker.group == LOAD and isinstance(worker.error, NotFound):
            # Deleted by another process: back to the list, which reads the store again.
            self.dismiss(None)
            return
        if worker.group == LOAD:
            self.reopen_refused_form()  # the store could not be read again: over what is shown
        elif isinstance(worker.error, StoreLocked):
            # Another process holds the store: nothing changed that a reload would show,
            # and the reload would wait on the same lock.
            self.reopen_refused_form()
        elif worker.group == WRITE:
            # Refused (another process changed the store or the do-not-call list since
            # this screen read them): show the store as it is now, the list included.
            self.load_members(focus=self.current_key())

    def shown_columns(self) -> list[str]:
        """The phone column first (it stays in place when scrolling sideways), then the
        others in the audience's order, then local time, call, status and line type."""
        assert self.audience is not None
        phone = self.audience.phone_column
        return [phone, *(c for c in self.audience.columns if c != phone), LOCAL, CALL, STATUS, LINE]

    def statuses(self) -> list[str]:
        """The statuses members have, most common first."""
        if self.base.is_empty():
            return []
        counts = self.base[STATUS].value_counts(sort=True)
        return [str(s) for s in counts[STATUS].to_list()]

    def line_types(self) -> list[str]:
        """The line types members have, most common first."""
        if self.base.is_empty():
            return []
        counts = self.base[LINE].value_counts(sort=True)
        return [str(s) for s in counts[LINE].to_list()]

    def refresh_view(self, focus: str | None = None) -> None:
        """Apply search, status filter and sort; show the rows, the cursor on `focus`."""
        if self.audience is None:
            return
        view = search_members(
            self.base,
            self.search_text,
            [*self.shown_columns(), KEY],
            fix_region=self.audience.fix_region() if self.audience else None,
        )
        if self.status_filter is not None:
            view = view.filter(pl.col(STATUS) == self.status_filter)
        if self.line_filter is not None:
            view = view.filter(pl.col(LINE) == self.line_filter)
        if self.callable_only:
            view = view.filter(pl.col(READY))
        if self.sort is not None:
            column, descending = self.sort
            view = view.sort(column, descending=descending, nulls_last=True, maintain_order=True)
        self.view = view
        self.do_not_call_rows = set(
            view.with_row_index(ROW).filter(pl.col(CALL) == CALL_WORDS["suppressed"])[ROW]
        )
        table = self.query_one(FrameTable)
        table.placeholder = self.empty_text()
        labels = {STATUS: "status", **DIAL_LABELS}
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

    def empty_text(self) -> str:
        """What the table says when it shows no row."""
        if not self.by_key:
            return "No members yet: press a to add one, or A to add a CSV file"
        filtered = self.status_filter is not None or self.line_filter or self.callable_only
        if filtered and self.search_text:
            return "No member shown by the filters matches the search (esc clears the search)"
        if self.search_text:
            return "No member matches the search (esc clears it)"
        if self.callable_only and not (self.status_filter or self.line_filter):
            return "No member may be called now (h shows when each zone may; c shows all)"
        return "No member passes the filters (esc clears them)"

    @property
    def narrowed(self) -> bool:
        """The search or a filter hides some members."""
        return (
            bool(self.search_text)
            or self.status_filter is not None
            or self.line_filter is not None
            or self.callable_only
        )

    def row_style(self, index: int) -> str | None:
        """Members on the do-not-call list are flagged in colour (and in words)."""
        return "error" if index in self.do_not_call_rows else None

    def index_of(self, key: str) -> int | None:
        """Row of a member (by E.164 key) in the view."""
        found = self.view.with_row_index(ROW).filter(pl.col(KEY) == key)[ROW]
        return int(found[0]) if found.len() else None

    def shown_keys(self) -> list[str]:
        """E.164 keys of the members shown, in the order shown."""
        if self.view.is_empty():
            return []
        return [str(k) for k in self.view[KEY].to_list()]

    def show_marks(self) -> None:
        rows = self.view.with_row_index(ROW).filter(pl.col(KEY).is_in(list(self.marked)))
        self.query_one(FrameTable).set_marked(set(rows[ROW].to_list()))

    def show_counter(self) -> None:
        """`N / 10,000`, with what the search, the filter and the marks do to the view."""
        if self.audience is None:
            return
        count = len(self.by_key)
        ready = int(self.base[READY].sum()) if READY in self.base.columns else 0
        parts = [f"{count:,} / {MEMBER_LIMIT:,} members"]
        # Most wanted first (the line is cut at the screen's edge): the marks a key acts
        # on, what the filters show, who may be called, and the room left last.
        if self.marked:
            parts.append(f"{self.marked_count()} marked")
        if self.narrowed:
            filters = [
                *(["callable"] if self.callable_only else []),
                *([f"line {clean(self.line_filter)}"] if self.line_filter is not None else []),
                *(
                    [f"status {clean(self.status_filter)}"]
                    if self.status_filter is not None
                    else []
                ),
            ]
            parts.append(
                f"{self.view.height:,} shown" + (f" ({', '.join(filters)})" if filters else "")
            )
        parts.append(callable_text(ready, count, self.dialing))
        listed = len(self.suppressed.intersection(self.by_key))
        if self.list_damaged:
            parts.append("do-not-call list damaged")
        elif listed:
            parts.append(f"{listed:,} do not call")
        if not self.narrowed and not self.marked:  # room matters when adding
            parts.append(f"room for {MEMBER_LIMIT - count:,}")
        self.query_one("#grid-counter", Static).update(Content(" · ".join(parts)))

    def marked_count(self) -> str:
        """`3`, or `3 (1 hidden)` when the search or filter hides some marked members."""
        hidden = len(self.marked) - len(self.marked.intersection(self.shown_keys()))
        return f"{len(self.marked):,}" + (f" ({hidden:,} hidden)" if hidden else "")

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
        """Where the cursor is (row N of M), then the member: E.164, region, type."""
        member = self.current_member()
        details = self.query_one("#member-details", Static)
        if member is None:
            details.update("")
            return
        index = self.query_one(FrameTable).cursor_row
        where = f"Row {index + 1:,} of {self.view.height:,}" + (" shown" if self.narrowed else "")
        details.update(
            Content(
                f"{where} · {member.e164} · {member.region or 'no region'} · "
                f"{member.number_type or 'unknown type'} · {self.call_text(index)}"
                + (" · marked" if member.e164 in self.marked else "")
            )
        )

    def call_text(self, index: int) -> str:
        """When the member of row `index` may be called, in words."""
        row = self.view.row(min(index, self.view.height - 1), named=True)
        if row[CALL] == CALL_WORDS["suppressed"]:
            return "on the do-not-call list"
        when = next_window_text(
            row[NEXT],
            ready=row[READY],
            unknown=row[CALL] == CALL_WORDS["unknown"],
            # Why never, worded for this row only (the window its state's rule applies).
            never=never_text(row[WINDOW], [row[STATE]] if row[STATE] else []),
        )
        return f"{row[LOCAL]} local, call {when}"

    # --- search, filter, sort -----------------------------------------------------------
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

    def action_cycle_status_filter(self) -> None:
        """Show only the members of one status, the next one each time, then all."""
        choices: list[str | None] = [None, *self.statuses()]
        at = choices.index(self.status_filter) if self.status_filter in choices else 0
        self.status_filter = choices[(at + 1) % len(choices)]
        self.refresh_view(focus=self.current_key())

    def action_toggle_callable_filter(self) -> None:
        """Show only the members callable now, or every member again."""
        self.callable_only = not self.callable_only
        self.refresh_view(focus=self.current_key())

    def action_cycle_line_filter(self) -> None:
        """Show only the members of one line type, the next one each time, then all."""
        choices: list[str | None] = [None, *self.line_types()]
        at = choices.index(self.line_filter) if self.line_filter in choices else 0
        self.line_filter = choices[(at + 1) % len(choices)]
        self.refresh_view(focus=self.current_key())

    def action_show_hours(self) -> None:
        """Calling hours by zone; the members of the zones chosen there are marked here."""
        if self.audience is None:
            return
        from tui.screens.hours import CallingHoursScreen

        def chosen(keys: frozenset[str] | None) -> None:
            if keys:
                added = keys.intersection(self.by_key) - self.marked
                self.marked |= keys.intersection(self.by_key)
                self.marks_changed()
                self.notify(
                    f"Marked {plural(len(added), 'more member')} (the zone's members); "
                    f"{plural(len(self.marked), 'member')} marked",
                    markup=False,
                )

        screen = CallingHoursScreen(
            self.audience.name, self.members, self.store, dialing=self.dialing
        )
        self.app.push_screen(screen, chosen)

    def action_sort_column(self) -> None:
        """Sort by the column under the cursor: up, then down, then the original order."""
        table = self.query_one(FrameTable)
        if not table.columns:
            return
        column = table.columns[table.cursor_column]
        if self.sort is None or self.sort[0] != column:
            self.sort = (column, False)
        elif not self.sort[1]:
            self.sort = (column, True)
        else:
            self.sort = None
        self.refresh_view(focus=self.current_key())

    # --- marks --------------------------------------------------------------------------
    def marks_changed(self) -> None:
        self.show_marks()
        self.show_counter()
        self.show_details()

    def action_mark_member(self) -> None:
        """Mark or unmark the member under the cursor, then move down."""
        key = self.current_key()
        if key is None:
            return
        self.marked ^= {key}
        self.marks_changed()
        self.query_one(FrameTable).action_cursor_down()

    def action_mark_shown(self) -> None:
        """Mark every member shown (all of them, or those the search and filter show)."""
        self.marked |= set(self.shown_keys())
        self.marks_changed()

    def action_invert_marks(self) -> None:
        """Marked members shown become unmarked and the others marked."""
        self.marked ^= set(self.shown_keys())
        self.marks_changed()

    def action_clear_marks(self) -> None:
        """Unmark every member (shown or not)."""
        self.marked.clear()
        self.marks_changed()

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
        self.open_form(None)

    @on(FrameTable.RowActivated, "#member-table")
    def action_edit_member(self) -> None:
        """Edit the member under the cursor."""
        old = self.current_member()
        if old is not None:
            self.open_form(old)

    def open_form(
        self, old: Member | None, typed: Member | None = None, refused: str | None = None
    ) -> None:
        """The member form: to add a member, or to edit `old`; with the values of a form
        whose save the store refused (`typed`) and why (`refused`)."""
        if self.audience is None:
            return
        name = self.audience.name

        def saved(new: Member | None) -> None:
            if new is None or new == old:
                return
            if old is None:
                self.change_store(lambda: self._add(name, new), select=new.e164)
            else:
                self.change_store(lambda: self._edit(name, old, new), select=new.e164)

        form = MemberFormModal(
            self.audience,
            set(self.by_key),
            old,
            suppressed=self.suppressed,
            typed=None if typed is None else dict(typed.values),
            refused=refused,
        )
        self.app.push_screen(form, saved)

    def _add(self, name: str, member: Member) -> str:
        with self._form_kept(member, None):
            self.history.add_members(name, [member], "add member")
        return "Added 1 member; u undoes it"

    def _edit(self, name: str, old: Member, new: Member) -> str:
        with self._form_kept(new, old):
            self.history.update_member(name, old, new)
        return "Saved the member; u undoes it"

    @contextmanager
    def _form_kept(self, member: Member, old: Member | None) -> Iterator[None]:
        """A refused save (in the worker) brings its form back once the screen has read
        the store again; the error is shown as any worker's."""
        try:
            yield
        except AudiencesError as refused:
            self.post_message(self.FormRefused(member, old, error_text(refused)))
            raise

    @on(FormRefused)
    def form_refused(self, event: FormRefused) -> None:
        self.refused_form = event  # opened again when the members are read (work_failed)

    def action_delete_members(self) -> None:
        """Delete the marked members, or the one under the cursor, saying which (asks)."""
        audience = self.audience
        if audience is None:
            return
        keys = sorted(self.marked) or ([k] if (k := self.current_key()) else [])
        if not keys:
            return
        shown = self.shown_keys()
        order = {k: i for i, k in enumerate(shown)}
        keys.sort(key=lambda k: order.get(k, len(order)))  # named in the order shown
        labels = [member_label(audience, self.by_key[k]) for k in keys[:NAMED_IN_QUESTION]]
        if len(keys) == 1 and not self.marked:
            what = plain(labels[0], "bold")
        else:
            more = len(keys) - len(labels)
            named = ", ".join(labels) + (f" and {plural(more, 'other')}" if more else "")
            what = Content.assemble(
                f"the {plural(len(keys), 'marked member')} (", plain(named), ")"
            )
            hidden = len(keys) - len(set(keys).intersection(shown))
            if hidden:
                what = Content.assemble(what, f", {hidden:,} of them not shown now,")
        question = Content.assemble(
            "Delete ", what, " from ", plain(audience.name, "bold"), "? (u undoes it)"
        )
        name = audience.name

        def answered(yes: bool | None) -> None:
            if yes:
                self.change_store(lambda: self._delete(name, keys))

        title = f"Delete {noun(len(keys), 'member')}"
        self.app.push_screen(ConfirmModal(title, question, confirm_label="Delete"), answered)

    def _delete(self, name: str, keys: list[str]) -> str:
        count = self.history.remove_members(name, keys)
        return f"Deleted {plural(count, 'member')}; u undoes it"

    def action_export_members(self) -> None:
        """Export the marked members, else the members shown, else every member."""
        audience = self.audience
        if audience is None:
            return
        chosen: tuple[str, ...] | None = None  # None: every member
        if self.marked:
            keys = chosen = tuple(sorted(self.marked))
            label = f"the {plural(len(keys), 'marked member')}"
        elif self.narrowed:
            keys = chosen = tuple(self.shown_keys())
            label = f"the {plural(len(keys), 'member')} shown"
        else:
            keys = tuple(self.by_key)
            label = f"all {plural(len(keys), 'member')}"
        listed = self.suppressed.intersection(keys)
        not_callable = 0
        if self.callable_only and READY in self.base.columns:
            # Marked while only callable members were shown: some may be past their
            # window by now (the grid hides them; the export would not).
            late = self.base.filter(
                pl.col(KEY).is_in(list(keys)) & ~pl.col(READY) & ~pl.col(KEY).is_in(list(listed))
            )
            not_callable = late.height
        scope = ExportScope(
            chosen, label, listed=len(listed), count=len(keys), not_callable=not_callable
        )
        self.export(audience, scope)

    # --- add by CSV ---------------------------------------------------------------------
    def action_add_from_csv(self) -> None:
        """Add the rows of a CSV file: choose and check it, then review the diff."""
        if self.audience is None:
            return
        modal = CheckFileModal(self.store, self.audience.name, self.places.start_dir)
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

    # --- leaving --------------------------------------------------------------------------
    def action_go_back(self) -> None:
        """Clear the search and the status filter, or go back to the audience list."""
        box = self.query_one("#member-search", Input)
        if self.search_text or box.display or self.narrowed:
            box.value = ""
            box.display = False
            self.search_text = ""
            self.status_filter = None
            self.line_filter = None
            self.callable_only = False
            self.refresh_view(focus=self.current_key())
            self.query_one(FrameTable).focus()
            return
        self.dismiss(None)
