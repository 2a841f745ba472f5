"""Generate the README screenshots (SVG) of every screen from the real app and demo data.

    uv run python screenshots/make.py            # every screen, 100x32
    uv run python screenshots/make.py --size 80x24

The app is built with `make_app` on a throwaway store seeded by `core.demo.seed_demo`
(as `audiences demo` does), driven by Textual's Pilot, and saved with `save_screenshot`.
Times are pinned and the sample folder is relative, so the pictures only change when
the app does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from textual.pilot import Pilot

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import core.store  # noqa: E402
from core.demo import seed_demo  # noqa: E402
from core.store import Store  # noqa: E402
from tui.app import AudiencesApp, make_app  # noqa: E402
from tui.testing import settle  # noqa: E402

OUT = Path(__file__).resolve().parent
PINNED = "2026-01-15T09:30:00Z"

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def home(pilot: Pilot[None]) -> None:
    pass


async def help_screen(pilot: Pilot[None]) -> None:
    await press(pilot, "question_mark")


async def grid(pilot: Pilot[None]) -> None:
    await press(pilot, "enter")
    await press(pilot, "down", "down", "space", "space", "up")


async def calling_hours(pilot: Pilot[None]) -> None:
    await press(pilot, "enter")
    await press(pilot, "h")


async def member_form(pilot: Pilot[None]) -> None:
    await press(pilot, "down", "enter")
    await press(pilot, "a")
    await press(pilot, *"7400 123456", "tab", *"Ada", "tab", *"Lovelace", "tab", *"Leeds")


async def new_audience(pilot: Pilot[None]) -> None:
    await press(pilot, "n")
    await press(pilot, "end", *"webinar_signups.csv", "enter")  # proposed names ticked


async def csv_diff(pilot: Pilot[None]) -> None:
    await press(pilot, "enter")
    await press(pilot, "A")
    await press(pilot, "end", *"india_sales_leads_batch2.csv", "enter")


async def csv_diff_refused(pilot: Pilot[None]) -> None:
    await press(pilot, "enter")
    await press(pilot, "A")
    await press(pilot, "end", *"india_leads_wrong_headers.csv", "enter")


async def csv_diff_repair(pilot: Pilot[None]) -> None:
    """A HubSpot-style export with formatted numbers, after r (repair)."""
    from tests.exports import hubspot_csv

    Path("samples/hubspot_contacts.csv").write_text(hubspot_csv(), encoding="utf-8")
    await press(pilot, "n")
    await press(pilot, "end", *"hubspot_contacts.csv", "enter")
    await press(pilot, "enter")
    await press(pilot, "r")
    await press(pilot, "down", "down")


SHOTS: dict[str, Steps] = {
    "audience-list": home,
    "help": help_screen,
    "member-grid": grid,
    "calling-hours": calling_hours,
    "member-form": member_form,
    "new-audience": new_audience,
    "csv-diff": csv_diff,
    "csv-diff-wrong-headers": csv_diff_refused,
    "csv-diff-repair": csv_diff_repair,
}


def demo_app(folder: Path) -> AudiencesApp:
    """A fresh demo store in `folder` (its samples in `folder/samples`), pinned times."""
    store = Store(folder / "store")
    seed_demo(store, folder / "samples")
    at = datetime.fromisoformat(PINNED)  # calling hours judged at the pinned time
    return make_app(store, demo_folder=Path("samples"), clock=lambda: at)


async def shoot(name: str, steps: Steps, size: tuple[int, int], suffix: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="audiences-shots-") as tmp:
        os.chdir(tmp)  # the file picker shows the relative "samples/" folder
        app = demo_app(Path(tmp))
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await steps(pilot)
            await settle(pilot)
            path = app.save_screenshot(f"{name}{suffix}.svg", str(OUT))
    return Path(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100x32", help="terminal size, WIDTHxHEIGHT")
    parser.add_argument("shots", nargs="*", help=f"which screens: {', '.join(SHOTS)}")
    args = parser.parse_args()
    unknown = [s for s in args.shots if s not in SHOTS]
    if unknown:
        parser.error(f"unknown screen(s): {', '.join(unknown)}")
    width, height = (int(n) for n in args.size.split("x"))
    suffix = "" if args.size == "100x32" else f"-{args.size}"
    core.store._now = lambda: PINNED  # every audience shows the same last change
    os.environ["TZ"] = "UTC"
    time.tzset()
    here = Path.cwd()
    try:
        for name in args.shots or SHOTS:
            path = asyncio.run(shoot(name, SHOTS[name], (width, height), suffix))
            print(path.relative_to(ROOT))
    finally:
        os.chdir(here)


if __name__ == "__main__":
    main()
