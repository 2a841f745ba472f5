"""The do-not-call list as the app shows it: its rows, whether its newest import is
fresh, and what a change did, in words. No rule lives here (core.suppress has them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
from textual.content import Content

from core.suppress import (
    FRESH_DAYS,
    NumbersRefused,
    SuppressionChange,
    SuppressionList,
)
from core.words import plural
from tui.display import clean, plain, short_time

if TYPE_CHECKING:
    from datetime import datetime

COLUMNS = ["number", "source", "added"]
LABELS = {"number": "Number", "source": "From", "added": "Added"}


def list_frame(listed: SuppressionList) -> pl.DataFrame:
    """One row per number, by number: the number, where it came from, when."""
    entries = listed.entries()
    return pl.DataFrame(
        {
            "number": [e.e164 for e in entries],
            "source": [clean(e.source) for e in entries],
            "added": [short_time(e.added_at) for e in entries],
        },
        schema={c: pl.String for c in COLUMNS},
    )


def summary_text(listed: SuppressionList, now: datetime) -> Content:
    """How many numbers, and whether the newest import is fresh (as `suppress list`)."""
    newest = listed.newest_import()
    age = listed.import_age(now)
    if not len(listed) and newest is None:
        return Content("The list is empty: a adds numbers, i imports a CSV or Excel file")
    count = plural(len(listed), "number")
    if newest is None or age is None:
        return Content(f"{count} · no file imported yet (numbers added by hand only)")
    days = "today" if age.days <= 0 else f"{plural(age.days, 'day')} ago"
    said = Content.assemble(
        f"{count} · newest import ", plain(newest.source, "bold"), f" at {short_time(newest.at)}"
    )
    if listed.is_stale(now):
        warning = (
            f" ({days}): older than {FRESH_DAYS} days, a do-not-call scrub must be fresher: "
            "import the current list (i)"
        )
        return Content.assemble(said, (warning, "$text-warning"))
    return Content.assemble(said, f" ({days}): fresh (within {FRESH_DAYS} days)")


def change_text(change: SuppressionChange, done: str) -> str:
    """`DONE: 2 new numbers (1 already listed: source and time renewed); the list holds 5
    numbers`."""
    said = f"{done}: {plural(change.added, 'new number')}"
    if change.refreshed:
        said += f" ({change.refreshed:,} already listed: source and time renewed)"
    return f"{said}; the list holds {plural(change.total, 'number')}"


def search_rows(frame: pl.DataFrame, text: str) -> pl.DataFrame:
    """The rows whose source contains `text` (any case), or whose number holds its
    digits (`202 555` finds +12025550123)."""
    needle = text.strip().casefold()
    if not needle:
        return frame
    matches = pl.col("source").str.to_lowercase().str.contains(needle, literal=True)
    digits = "".join(c for c in needle if c.isdigit())
    if digits:
        matches |= pl.col("number").str.contains(digits, literal=True)
    return frame.filter(matches)


def skip_question(refusal: NumbersRefused) -> str:
    """What leaving out a refused import's invalid rows would do, as a question."""
    rest = refusal.values - refusal.invalid
    return (
        f"Leave out the {plural(refusal.invalid, 'invalid row')} and import the other "
        f"{rest:,}? (u undoes the import)"
    )
