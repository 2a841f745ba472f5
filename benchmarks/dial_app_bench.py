"""The app's ready-to-dial figures on a 10,000-member, 4-zone audience.

`uv run python -m benchmarks.dial_app_bench [--repeats 3]` prints medians (never asserted):

- judging the grid's columns (`tui.dialing.dial_frame`) at a new minute: what the grid's
  minute refresh costs, and the first judgement of a process (zone data loading);
- counting callable members for the audience list again at a new minute (numbers cached);
- opening the grid in a headless app (enter -> members read, judged, drawn), wall time;
- opening the calling-hours screen (h -> report drawn), wall time.

Data: benchmarks.ready_bench's seeded 4-zone US audience.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.ready_bench import AT, us_csv


def make_store(folder: Path):  # type: ignore[no-untyped-def]
    from core.plan import plan_create
    from core.reading import read_file
    from core.store import Store

    store = Store(folder / "store")
    plan = plan_create(read_file(us_csv(10_000)), "phone")
    members = plan.members(skip_invalid=True, skip_duplicates=True)
    store.create("US leads", plan.columns, plan.phone_column, members, plan.required_columns())
    return store


def judge_figures(store, repeats: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    from tui.dialing import Dialing, NumbersCache, dial_frame

    _, members = store.load("US leads")
    dialing = Dialing()
    start = time.perf_counter()
    dial_frame(members, frozenset(), dialing, AT)
    first = time.perf_counter() - start
    minutes = []
    for n in range(1, repeats + 1):
        start = time.perf_counter()
        dial_frame(members, frozenset(), dialing, AT + timedelta(minutes=n))
        minutes.append(time.perf_counter() - start)
    from core.hours import hours_report

    cache = NumbersCache()
    audience = store.get("US leads")
    cache.get(store, audience)
    counts = []
    for n in range(1, repeats + 1):
        start = time.perf_counter()
        numbers, types = cache.get(store, audience)
        hours_report(numbers, types, at=AT + timedelta(minutes=100 + n))
        counts.append(time.perf_counter() - start)
    return first, statistics.median(minutes), statistics.median(counts)


async def open_figures(store) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from tui.app import make_app
    from tui.testing import settle

    app = make_app(store, clock=lambda: AT)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        start = time.perf_counter()
        await pilot.press("enter")
        await settle(pilot)
        grid = time.perf_counter() - start
        start = time.perf_counter()
        await pilot.press("h")
        await settle(pilot)
        hours = time.perf_counter() - start
    return grid, hours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dial-bench-") as tmp:
        store = make_store(Path(tmp))
        first, minute, count = judge_figures(store, args.repeats)
        opens = [asyncio.run(open_figures(store)) for _ in range(args.repeats)]
    print("10,000 members, 4 US zones")
    print(f"  grid columns, first judgement in a process  {first * 1000:8.0f} ms")
    print(f"  grid columns, a new minute (median)         {minute * 1000:8.0f} ms")
    print(f"  list count, a new minute (median)           {count * 1000:8.0f} ms")
    grid = statistics.median(o[0] for o in opens)
    hours = statistics.median(o[1] for o in opens)
    print(f"  open the grid (enter, median wall)          {grid * 1000:8.0f} ms")
    print(f"  open calling hours (h, median wall)         {hours * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
