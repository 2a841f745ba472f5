"""Calling hours of one audience, by zone: local time, members, callable now, next window;
the members of the zones chosen are marked in the grid (to split a campaign by zone)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import polars as pl
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from core.audience import Member
from core.hours import (
    HoursReport,
    Window,
    ZoneHours,
    hours_report,
    never_text,
    state_rules_note,
    window_caution,
)
from core.store import Store
from core.words import plural
from tui.dialing import (
    LIST_DAMAGED_NOTICE,
    REFRESH_SECONDS,
    CallingRulesChanged,
    Dialing,
    callable_text,
    local_times_text,
    next_window_text,
    read_listed,
)
from tui.display import clean
from tui.widgets.frame_table import FrameTable
from tui.workers import LOAD

COLUMNS = ["members", "local", "now", "next", "zone"]
LABELS = {
    "zone": "Zone",
    "members": "Members",
    "local": "Local time",
    "now": "Callable",
    "next": "Next window",
}
ZONES_NAMED = 2
"""Zones named in a row of the table (the details line names them all)."""
ZONE_WIDTH = 36
"""Widest a cell gets (the zone column); the details line names the zones in full."""
NOW_WORDS = {"callable": "yes", "not_callable": "no", "unknown": "unknown"}


def zones_frame(zones: Sequence[ZoneHours]) -> pl.DataFrame:
    """One row per zone set, as core's report orders them (most members first)."""
    return pl.DataFrame(
        {
            "zone": [z.describe(max_zones=ZONES_NAMED) for z in zones],
            "members": [z.members for z in zones],
            "local": [local_times_text(", ".join(z.local_times)) or "--:--" for z in zones],
            "now": [NOW_WORDS[z.status] for z in zones],
            "next": [
                next_window_text(
                    z.next_start, z.callable, z.unknown, never_text(str(z.window), z.states)
                )
                for z in zones
            ],
        },
        schema={
            "zone": pl.String,
            "members": pl.Int64,
            "local": pl.String,
            "now": pl.String,
            "next": pl.String,
        },
    )


def summary_text(report: HoursReport) -> str:
    """The line above the table: the instant, the window (and the earlier ends the US
    state rules put on it, if any), the counts."""
    note = state_rules_note(report.window) if report.us_state_rules else None
    parts = [
        f"{report.at:%a %d %b %H:%M} UTC, {report.window} local" + (f" ({note})" if note else ""),
        callable_text(report.callable, report.members),
        f"not now {report.not_callable:,}",
    ]
    if report.unknown:
        parts.append(f"zone unknown {report.unknown:,}")
    if report.suppressed:
        parts.append(f"do not call {report.suppressed:,}")
    return " · ".join(parts)


class CallingHoursScreen(Screen[frozenset[str] | None]):
    """The audience's calling hours by zone; returns the members to mark, or None."""

    CSS_PATH = "../styles/hours.tcss"
    HELP_TITLE = "Calling hours"
    AUTO_FOCUS = "#hours-table"
    BINDINGS = [
        Binding("space", "pick_zone", "Pick", tooltip="Pick or unpick the zone under the cursor"),
        Binding(
            "m,enter",
            "mark_members",
            "Mark in grid",
            tooltip="Mark the members of the picked zones (or of this zone) in the grid",
        ),
        Binding(
            "w",
            "set_window",
            "Window",
            tooltip="The local hours calls may be made in (08:00-21:00 unless changed)",
        ),
        Binding(
            "r",
            "toggle_state_rules",
            "State rules",
            tooltip="US state rules on or off: calls end at 20:00 in Florida, Oklahoma and "
            "Washington",
        ),
        Binding("escape,q", "go_back", "Back", key_display="esc", tooltip="Back to the grid"),
    ]

    class ListUnreadable(Message):
        """The do-not-call list could not be read: calling hours are not judged."""

    class HoursJudged(Message):
        """The audience's calling hours were judged at one instant."""

        def __init__(self, report: HoursReport) -> None:
            super().__init__()
            self.report = report

    def __init__(
        self,
        audience_name: str,
        members: Sequence[Member],
        store: Store,
        *,
        dialing: Dialing | None = None,
    ) -> None:
        super().__init__()
        self.audience_name = audience_name
        self.members = list(members)
        self.store = store
        self.dialing = dialing or Dialing()
        self.report: HoursReport | None = None
        self.list_damaged = False
        self.picked: set[int] = set()
        """Rows (zones) picked with space."""
        self.sub_title = clean(audience_name)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="hours-summary")
        yield FrameTable(
            placeholder="Judging the calling hours…",
            columns=COLUMNS,
            labels=LABELS,
            max_column_width=ZONE_WIDTH,
            id="hours-table",
        )
        yield Static("", id="hours-details")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.judge_hours()
        self.set_interval(REFRESH_SECONDS, self.judge_hours, name="calling hours")

    # In the LOAD group: it reads the do-not-call list, and keys typed meanwhile (`h enter`
    # in one burst) wait for the zones they act on.
    @work(thread=True, exclusive=True, exit_on_error=False, group=LOAD)
    def judge_hours(self) -> None:
        """Judge every member's calling hours now, grouped by zone (core), off the UI."""
        suppressed = read_listed(self.store)
        if suppressed is None:  # damaged: no zone may be counted callable
            self.post_message(self.ListUnreadable())
            return
        report = hours_report(
            [m.e164 for m in self.members],
            [m.number_type for m in self.members],
            at=self.dialing.now(),
            window=self.dialing.window,
            us_state_rules=self.dialing.us_state_rules,
            suppressed=suppressed,
        )
        self.post_message(self.HoursJudged(report))

    @on(ListUnreadable)
    def list_unreadable(self) -> None:
        """Nothing is shown as callable (nor marked from an older report); said once."""
        self.report = None
        self.picked = set()
        table = self.query_one(FrameTable)
        table.placeholder = "The do-not-call list is damaged: calling hours are not judged"
        table.set_frame(zones_frame([]), keep_cursor=False)
        self.query_one("#hours-summary", Static).update("")
        self.query_one("#hours-details", Static).update("")
        if not self.list_damaged:
            self.list_damaged = True
            self.notify(
                LIST_DAMAGED_NOTICE,
                severity="error",
                timeout=30,
                markup=False,
            )

    @on(HoursJudged)
    def hours_judged(self, event: HoursJudged) -> None:
        self.list_damaged = False
        old = self.report
        self.report = event.report
        table = self.query_one(FrameTable)
        # Zones keep their rows while only the minute changes; a new grouping drops picks.
        if old is None or [z.label for z in old.zones] != [z.label for z in event.report.zones]:
            self.picked = set()
        table.placeholder = "No members to call: the audience is empty"
        table.set_frame(zones_frame(event.report.zones), keep_cursor=True)
        table.set_marked(self.picked)
        self.show_summary()
        self.show_details()

    def show_summary(self) -> None:
        if self.report is not None:
            self.query_one("#hours-summary", Static).update(Content(summary_text(self.report)))

    def current_zone(self) -> ZoneHours | None:
        if self.report is None or not self.report.zones:
            return None
        row = self.query_one(FrameTable).cursor_row
        return self.report.zones[min(row, len(self.report.zones) - 1)]

    @on(FrameTable.CursorMoved, "#hours-table")
    def show_details(self) -> None:
        """The zone under the cursor named in full, and what is picked."""
        zone = self.current_zone()
        details = self.query_one("#hours-details", Static)
        if zone is None:
            details.update("")
            return
        picked = self.picked_members()
        text = f"{zone.label} · {plural(zone.members, 'member')}"
        if picked:
            text += f" · picked: {plural(len(self.picked), 'zone')}, {plural(picked, 'member')}"
        details.update(Content(text))

    def picked_members(self) -> int:
        if self.report is None:
            return 0
        return sum(self.report.zones[i].members for i in self.picked)

    # --- keys ---------------------------------------------------------------------------
    def action_pick_zone(self) -> None:
        """Pick or unpick the zone under the cursor, then move down."""
        table = self.query_one(FrameTable)
        if self.current_zone() is None:
            return
        self.picked ^= {table.cursor_row}
        table.set_marked(self.picked)
        self.show_details()
        table.action_cursor_down()

    @on(FrameTable.RowActivated, "#hours-table")
    def action_mark_members(self) -> None:
        """Back to the grid with the members of the picked zones (or this one) marked."""
        if self.report is None:
            return
        rows = sorted(self.picked) or (
            [self.query_one(FrameTable).cursor_row] if self.report.zones else []
        )
        keys = frozenset(k for i in rows for k in self.report.zones[i].keys)
        self.dismiss(keys or None)

    def action_toggle_state_rules(self) -> None:
        """US state rules on or off (Florida, Oklahoma, Washington end at 20:00)."""
        self.change_rules(replace(self.dialing, us_state_rules=not self.dialing.us_state_rules))
        note = state_rules_note(self.dialing.window)
        if not self.dialing.us_state_rules:
            said = "off"
        elif note:
            said = f"on ({note})"
        else:
            said = f"on: they end no call earlier than {self.dialing.window} does"
        self.notify(f"US state rules {said}", markup=False)

    def action_set_window(self) -> None:
        """Change the local calling window (asks; core checks it)."""
        from tui.dialogs.window import WindowModal

        def chosen(window: Window | None) -> None:
            if window is not None and window != self.dialing.window:
                self.change_rules(replace(self.dialing, window=window))
                caution = window_caution(window)
                self.notify(
                    f"Calling window {caution}" if caution else f"Calling window {window} local",
                    severity="warning" if caution else "information",
                    markup=False,
                )

        self.app.push_screen(WindowModal(self.dialing.window), chosen)

    def change_rules(self, dialing: Dialing) -> None:
        """Judge by `dialing` here, and tell the app (the grid and the list follow)."""
        self.dialing = dialing
        self.post_message(CallingRulesChanged(dialing))
        self.judge_hours()

    def action_go_back(self) -> None:
        """Back to the grid, marking nothing."""
        self.dismiss(None)
