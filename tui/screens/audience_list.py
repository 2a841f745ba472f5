"""Home: one row per audience, with the keys to create, open, rename, delete and export."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, get_current_worker

from core.audience import MEMBER_LIMIT, STYLE_NAMES, Audience
from core.errors import MembersFileDamaged, NotFound, StoreLocked
from core.history import History, Session
from core.store import Store
from core.words import plural
from tui.dialing import REFRESH_SECONDS, Dialing, NumbersCache, callable_text
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.export import ExportScope
from tui.dialogs.rename import RenameModal
from tui.display import clean, joined, plain, short_time
from tui.screens.base import UNDO_BINDINGS, Places, StoreScreen
from tui.widgets.frame_table import FrameTable
from tui.widgets.typed_input import TypedInput
from tui.workers import HOURS, LOAD, WRITE

# Callable now comes last: the other columns fill 80 columns; the line under the table
# says it for the audience under the cursor.
COLUMNS = ["name", "members", "phone", "regions", "changed", "callable"]
LABELS = {
    "name": "Audience",
    "members": "Members",
    "callable": "Callable now",
    "phone": "Phone column",
    "regions": "Top regions",
    "changed": "Last change",
}


def audiences_frame(
    audiences: list[Audience], callable_now: Mapping[str, int | None] | None = None
) -> pl.DataFrame:
    """The list's rows: name, members as `9,812 / 10,000`, callable now as `6,120 / 9,812`
    (`…` until counted, `?` when unreadable), phone column, regions, change."""
    counts = callable_now or {}
    return pl.DataFrame(
        {
            "name": [clean(a.name) for a in audiences],
            "members": [f"{a.member_count:,} / {MEMBER_LIMIT:,}" for a in audiences],
            "callable": [callable_cell(counts, a) for a in audiences],
            "phone": [clean(a.phone_column) for a in audiences],
            "regions": [joined(a.top_regions(3)) for a in audiences],
            "changed": [short_time(a.changed_at) for a in audiences],
        },
        schema={c: pl.String for c in COLUMNS},
    )


def callable_cell(counts: Mapping[str, int | None], audience: Audience) -> str:
    if audience.id not in counts:
        return "…"
    count = counts[audience.id]
    return "?" if count is None else f"{count:,} / {audience.member_count:,}"


class AudienceListScreen(StoreScreen):
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
        Binding(
            "D",
            "open_do_not_call",
            "DNC",
            tooltip="The do-not-call list: see, add, import and remove numbers",
        ),
        Binding("slash", "filter_audiences", "Filter", key_display="/", tooltip="Filter by name"),
        *UNDO_BINDINGS,
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

    class CallableCounted(Message):
        """The members callable now were counted, by audience id."""

        def __init__(self, counts: dict[str, int | None], listed: dict[str, int]) -> None:
            super().__init__()
            self.counts = counts
            self.listed = listed  # members on the do-not-call list, by audience id

    def __init__(
        self, store: Store, session: Session, places: Places, *, dialing: Dialing | None = None
    ) -> None:
        super().__init__(store, session, places, dialing=dialing)
        self.audiences: list[Audience] = []
        self.shown: list[Audience] = []
        self.callable_now: dict[str, int | None] = {}
        """Members callable now, by audience id (as last counted; None: unreadable)."""
        self.listed_now: dict[str, int] = {}
        """Members on the do-not-call list, by audience id (as last counted)."""
        self.numbers = NumbersCache()

    @property
    def history(self) -> History:
        """Creates, renames and deletes of audiences made in this session."""
        return self.session.audiences

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
        self.set_interval(REFRESH_SECONDS, self.count_callable, name="calling hours")

    def on_screen_resume(self) -> None:
        # Back from another screen: keys go to the list, not to a filter box left focused.
        self.query_one(FrameTable).focus()

    # --- loading ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group=LOAD)
    def load_audiences(self, select: str | None = None) -> None:
        """Read the catalog (a shared lock; never blocks the UI)."""
        self.post_message(self.AudiencesLoaded(self.store.list_audiences(), select))

    @on(AudiencesLoaded)
    def audiences_loaded(self, event: AudiencesLoaded) -> None:
        self.audiences = event.audiences
        self.show_audiences(select=event.select)
        self.count_callable()

    @work(thread=True, exclusive=True, exit_on_error=False, group=HOURS)
    def count_callable(self) -> None:
        """Count each audience's members callable now (core's hours report), off the UI.
        Members are read again only for audiences changed since the last count."""
        from core.hours import hours_report

        worker = get_current_worker()
        suppressed = self.listed()
        if suppressed is None:  # damaged: no one is counted callable (the grid says why)
            self.post_message(self.CallableCounted({a.id: None for a in self.audiences}, {}))
            return
        at = self.dialing.now()
        counts: dict[str, int | None] = {}
        listed: dict[str, int] = {}
        for audience in list(self.audiences):
            if worker.is_cancelled:
                return
            try:
                numbers, types = self.numbers.get(self.store, audience)
            except NotFound:  # deleted meanwhile (another process); the reload shows it
                continue
            except MembersFileDamaged:  # said when opened or deleted; not counted here
                counts[audience.id] = None
                continue
            report = hours_report(
                numbers,
                types,
                at=at,
                window=self.dialing.window,
                us_state_rules=self.dialing.us_state_rules,
                suppressed=suppressed,
            )
            counts[audience.id] = report.callable
            listed[audience.id] = report.suppressed
        self.post_message(self.CallableCounted(counts, listed))

    @on(CallableCounted)
    def callable_counted(self, event: CallableCounted) -> None:
        self.callable_now = event.counts
        self.listed_now = event.listed
        self.show_audiences()

    def store_changed(self, select: str | None) -> None:
        self.load_audiences(select=select)

    def calling_rules_changed(self, dialing: Dialing) -> None:
        super().calling_rules_changed(dialing)
        self.count_callable()

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
        table.set_frame(audiences_frame(self.shown, self.callable_now), keep_cursor=True)
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
            details.update(Content(plural(len(self.audiences), "audience")))
            return
        count = self.callable_now.get(audience.id)
        ready = (
            ""
            if count is None
            else f" · {callable_text(count, audience.member_count, self.dialing)}"
        )
        details.update(
            Content.assemble(
                plain(audience.name, "bold"),
                f" · {plural(audience.member_count, 'member')}, room for {audience.room:,}"
                f"{ready} · phone ",
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

        screen = NewAudienceScreen(self.store, self.places.start_dir, history=self.history)
        self.app.push_screen(screen, self.created)

    def created(self, name: str | None) -> None:
        self.load_audiences(select=name)

    @on(FrameTable.RowActivated, "#audience-table")
    def action_open_audience(self) -> None:
        """Open the audience's members (from the filter box too: type, then enter)."""
        audience = self.current()
        if audience is None:
            return
        from tui.screens.member_grid import MemberGridScreen

        self.query_one(FrameTable).focus()  # where keys go when the grid closes
        screen = MemberGridScreen(
            self.store, self.session, self.places, audience, dialing=self.dialing
        )
        self.app.push_screen(screen, lambda _: self.load_audiences(select=audience.name))

    def action_open_do_not_call(self) -> None:
        """Open the do-not-call list; on return the list is read again (another process
        may have changed it meanwhile) and the callable counts follow the list's changes."""
        from tui.screens.do_not_call import DoNotCallScreen

        self.query_one(FrameTable).focus()  # where keys go when it closes
        screen = DoNotCallScreen(self.store, self.session, self.places, dialing=self.dialing)
        self.app.push_screen(screen, lambda _: self.load_audiences())

    # --- rename, delete, export -----------------------------------------------------------
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
        return f"Renamed to {clean(new)!r}; u undoes it"

    def action_delete_audience(self) -> None:
        """Delete the audience (after asking); u undoes it."""
        audience = self.current()
        if audience is None:
            return
        question = Content.assemble(
            "Delete ",
            plain(audience.name, "bold"),
            f" and its {plural(audience.member_count, 'member')}? (u undoes it while the app runs)",
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
        return f"Deleted {clean(name)!r} ({plural(count, 'member')}); u undoes it"

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
        where = f"its members file is kept at {kept}" if kept else "its members file was missing"
        return f"Set {clean(name)!r} aside; {where}"

    def action_export_audience(self) -> None:
        """Write the audience (every member) to a CSV file."""
        audience = self.current()
        if audience is None:
            return
        count = audience.member_count
        label = f"all {plural(count, 'member')}" if count != 1 else "its 1 member"
        listed = self.listed_now.get(audience.id, 0)
        self.export(audience, ExportScope(None, label, listed=listed, count=count))

    def work_failed(self, worker: Worker[object]) -> None:
        if worker.group == LOAD:
            table = self.query_one(FrameTable)
            table.placeholder = "The store could not be read (see the message)"
            table.refresh()
        elif worker.group == WRITE and not isinstance(worker.error, StoreLocked):
            # Refused (another process changed the store since this list read it): show
            # the store as it is now. (A locked store changed nothing a reload would show,
            # and the reload would wait on the same lock.)
            current = self.current()
            self.load_audiences(select=current.name if current else None)
