"""Calling hours as the app shows them: the clock they are judged by, and core's per-member
calls (`core.hours.member_calls`) put into words for the grid. No rule lives here."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import polars as pl
from textual.message import Message

from core.audience import E164_COLUMN, Audience, Member
from core.hours import (
    DEFAULT_WINDOW,
    Window,
    as_utc,
    distinct_times,
    member_calls,
)

if TYPE_CHECKING:
    from core.store import Store

REFRESH_SECONDS = 60.0
"""How often the screens judge the calling hours again (local times move by the minute)."""
LINE = "(line)"
LOCAL = "(local)"
CALL = "(call)"
READY = "(ready)"
NEXT = "(next)"
WINDOW = "(window)"
STATE = "(state)"
# The grid's own columns (parenthesised: never an audience column name); READY and NEXT
# serve the filter and the details line.
DIAL_LABELS = {LINE: "line type", LOCAL: "local time", CALL: "call"}
CALL_WORDS = {
    "ready": "now",
    "not_callable": "not now",
    "unknown": "zone unknown",
    "suppressed": "do not call",
}
"""The call column: callable now, outside the window, no known zone, do-not-call list."""


def utc_now() -> datetime:
    """The real time (tests give the app a clock of their own instead)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dialing:
    """What calling hours are judged by: a clock, the local window, the US state rules."""

    clock: Callable[[], datetime] | None = None
    """Gives the current time (aware); None reads the real time."""
    window: Window = DEFAULT_WINDOW
    us_state_rules: bool = False

    def now(self) -> datetime:
        """The instant to judge, in UTC, to the second."""
        return as_utc((self.clock or utc_now)())


class CallingRulesChanged(Message):
    """The window or the US state rules were changed (on the hours screen): the app
    judges calling hours by them from now on, on every screen."""

    def __init__(self, dialing: Dialing) -> None:
        super().__init__()
        self.dialing = dialing


LIST_DAMAGED = "list damaged"
"""The call column's word for everyone while the do-not-call list cannot be read."""
LIST_DAMAGED_NOTICE = (
    "The do-not-call list is damaged, so no one is shown callable: restore "
    "suppression.json from a backup, or move it away and import the list again"
)
"""What a screen says (once) when it finds the list damaged."""


def read_listed(store: Store) -> frozenset[str] | None:
    """The do-not-call list's numbers, or None when its file is damaged: screens then
    show members but count no one callable (the error is said by whoever reads it)."""
    from core.errors import StoreDamaged
    from core.suppress import SuppressionList

    try:
        return SuppressionList.load(store).keys()
    except StoreDamaged:
        return None


def dial_frame(
    members: Sequence[Member], suppressed: frozenset[str] | None, dialing: Dialing, at: datetime
) -> pl.DataFrame:
    """Per member, in order: its key, line type, local time, the call column's words,
    whether it may be called now, and when its zone's window opens next (UTC). With no
    list (`None`: damaged) no one may be called: the word says why."""
    calls = member_calls(
        [m.e164 for m in members],
        [m.number_type for m in members],
        at=at,
        window=dialing.window,
        us_state_rules=dialing.us_state_rules,
        suppressed=suppressed or frozenset(),
    )
    if suppressed is None:
        calls = calls.with_columns(suppressed=pl.lit(False), ready=pl.lit(False))
    word = (
        pl.when(pl.lit(suppressed is None))
        .then(pl.lit(LIST_DAMAGED))
        .when(pl.col("suppressed"))
        .then(pl.lit(CALL_WORDS["suppressed"]))
        .when(pl.col("ready"))
        .then(pl.lit(CALL_WORDS["ready"]))
        .otherwise(pl.col("status").replace_strict(CALL_WORDS, default="?"))
    )
    return calls.select(
        pl.col("e164").alias(E164_COLUMN),
        pl.Series(LINE, [m.number_type or "unknown" for m in members], dtype=pl.String),
        pl.col("local_time")
        .map_elements(local_times_text, return_dtype=pl.String)
        .fill_null("--:--")
        .alias(LOCAL),
        word.alias(CALL),
        pl.col("ready").fill_null(False).alias(READY),
        pl.col("next_start").alias(NEXT),
        pl.col("window").alias(WINDOW),
        pl.col("state").alias(STATE),
    )


def local_times_text(joined: str) -> str:
    """Local times of a member's zones, each time once (the zones of the UK all show the
    same time): `09:30` rather than `09:30, 09:30, 09:30, 09:30`."""
    return ", ".join(distinct_times(joined.split(", ")))


def callable_text(ready: int, members: int, dialing: Dialing | None = None) -> str:
    """`callable now: 6,120 / 10,000`; with the window when the hours screen set one other
    than the default (the count would otherwise disagree with `audiences hours` unsaid)."""
    rules = ""
    if dialing is not None and dialing.window != DEFAULT_WINDOW:
        rules = f" ({dialing.window}{', US state rules' if dialing.us_state_rules else ''})"
    elif dialing is not None and dialing.us_state_rules:
        rules = " (US state rules)"
    return f"callable now{rules}: {ready:,} / {members:,}"


def next_window_text(
    next_start: datetime | None, ready: bool, unknown: bool, never: str | None = None
) -> str:
    """When a zone (or a member's zone) may be called: now, from a UTC time, or never
    (`never` says why: core's `never_text`)."""
    if ready:
        return "now"
    if unknown:
        return "zone unknown"
    if next_start is None:
        return never or "never"
    return f"from {next_start.astimezone(UTC):%a %d %b %H:%M} UTC"


class NumbersCache:
    """Each audience's numbers and line types, read once per version of the audience, so
    counting again at a new minute reads nothing but the do-not-call list."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers: dict[str, tuple[tuple[object, ...], list[str], list[str | None]]] = {}

    def get(self, store: Store, audience: Audience) -> tuple[list[str], list[str | None]]:
        """E.164 numbers and line types of `audience`'s members (read when it changed)."""
        # The generation changes with every write of the members: two changes within one
        # second (changed_at) that keep the count would otherwise look the same.
        version = (audience.generation, audience.changed_at, audience.member_count, audience.name)
        with self._lock:
            cached = self._numbers.get(audience.id)
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
        _, members = store.load(audience.name)
        numbers = [m.e164 for m in members]
        types = [m.number_type for m in members]
        with self._lock:
            self._numbers[audience.id] = (version, numbers, types)
        return numbers, types
