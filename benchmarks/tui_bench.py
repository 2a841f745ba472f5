"""Grid and diff-view figures, measured in a headless app driven by Textual's Pilot.

A keypress's cost is the app's own work: the CPU time (`time.process_time`) from the
moment the app receives the key event to the end of the repaint it causes, including
turning the screen update into the bytes a terminal would be sent (a headless app skips
that step; the benchmark does it and discards the text). Pilot's own waits and work
after the repaint are outside that window. Textual's DataTable is the baseline.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl
from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from benchmarks.data import contact_csv

SIZE = (100, 32)


def member_like_frame(rows: int) -> pl.DataFrame:
    """A contact frame of `rows` rows (5 text columns + status), built vectorized."""
    base = pl.read_csv(contact_csv(min(rows, 1_000_000)), infer_schema=False).fill_null("")
    if base.height < rows:
        base = pl.concat([base] * (rows // base.height + 1)).head(rows)
    return base.head(rows).with_columns(pl.lit("GB mobile").alias("status"))


class _GridApp(App[None]):
    def __init__(self, frame: pl.DataFrame, kind: str) -> None:
        super().__init__()
        self.frame = frame
        self.kind = kind
        self.key_at: tuple[float, float] | None = None  # (cpu, wall) when a key arrived
        self.painted_at: tuple[float, float] | None = None  # after the last repaint

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.key_at, self.painted_at = (time.process_time(), time.perf_counter()), None
        await super().on_event(event)

    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(self.console)  # what a terminal would be sent
        if renderable is not None and self.key_at is not None:
            self.painted_at = (time.process_time(), time.perf_counter())

    def compose(self) -> ComposeResult:
        if self.kind == "frame_table":
            from tui.widgets.frame_table import FrameTable

            yield FrameTable(self.frame, id="grid")
        else:
            table: DataTable[Any] = DataTable(id="grid")
            table.add_columns(*self.frame.columns)
            table.add_rows(self.frame.iter_rows())
            yield table


async def _grid(frame: pl.DataFrame, kind: str, presses: int) -> tuple[float, float, float]:
    """(seconds to first paint, median CPU seconds per page-down from key to repaint,
    median wall seconds of the same)."""
    start = time.perf_counter()
    app = _GridApp(frame, kind)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first_paint = time.perf_counter() - start
        app.query_one("#grid").focus()
        await pilot.pause()
        cpu: list[float] = []
        wall: list[float] = []
        for _ in range(presses):
            await pilot.press("pagedown")
            await pilot.pause()
            if app.key_at is None or app.painted_at is None:
                raise RuntimeError("a page-down caused no repaint")
            cpu.append(app.painted_at[0] - app.key_at[0])
            wall.append(app.painted_at[1] - app.key_at[1])
            app.key_at = app.painted_at = None
    return first_paint, statistics.median(cpu), statistics.median(wall)


async def _diff_first_screen(rows: int) -> float:
    """Seconds from pushing the CSV diff view of a checked `rows`-row file to its first paint."""
    from core.plan import plan_create
    from core.reading import read_file
    from core.store import Store
    from tui.screens.csv_diff import CsvDiffScreen

    plan = plan_create(read_file(contact_csv(rows)), "phone")
    plan.with_hints()  # the app's worker does this before it shows the view

    class DiffApp(App[None]):
        pass

    with tempfile.TemporaryDirectory() as tmp:
        app = DiffApp()
        async with app.run_test(size=SIZE) as pilot:
            start = time.perf_counter()
            app.push_screen(
                CsvDiffScreen(Store(Path(tmp) / "s"), plan, audience=None, new_name="bench")
            )
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return time.perf_counter() - start


def run(
    big: int, *, grid: bool = True, diff: bool = True, presses: int = 30
) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    if grid:
        for size in (10_000, big):
            frame = member_like_frame(size)
            paint, cost, wall = asyncio.run(_grid(frame, "frame_table", presses))
            if size == 10_000:
                base_paint, base_cost, base_wall = asyncio.run(_grid(frame, "datatable", presses))
                baseline = f"{base_cost * 1000:.1f} ms (DataTable, 10k)"
                ratio = f"{base_cost / cost:.1f}x less work"
                rows.append(
                    (
                        f"first paint of the grid, {size:,} rows",
                        f"{paint:.2f} s",
                        f"{base_paint:.2f} s (DataTable)",
                        f"{base_paint / paint:.1f}x faster",
                        "",
                    )
                )
            else:
                baseline, ratio = "DataTable not run (minutes to load)", ""
                rows.append(
                    (f"first paint of the grid, {size:,} rows", f"{paint:.2f} s", "", "", "")
                )
            rows.append(
                (
                    f"page-down in the grid, {size:,} rows "
                    f"(median CPU, key to end of repaint; wall {wall * 1000:.1f} ms)",
                    f"{cost * 1000:.1f} ms",
                    baseline,
                    ratio,
                    "",
                )
            )
    if diff:
        seconds = asyncio.run(_diff_first_screen(big))
        rows.append(
            (
                f"CSV diff view first screen, {big:,}-row file (after the check)",
                f"{seconds:.2f} s",
                "",
                "target < 1 s",
                "",
            )
        )
    return rows
