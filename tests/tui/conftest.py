"""Fixtures for the terminal UI: real stores on disk, pinned times, settled pilots."""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console
from textual import events
from textual.app import App
from textual.pilot import Pilot

from core.demo import seed_demo
from core.plan import plan_create
from core.reading import read_file
from core.sealed import AtomicJSONStorage
from core.store import Store
from tui.app import AudiencesApp, make_app
from tui.testing import settle

PINNED = "2026-01-15T09:30:00Z"
"""Every audience's created/changed time in snapshot data (shown as 2026-01-15 09:30)."""

HOSTILE_NAMES = [
    "[bold]Zed[/bold]",
    "[/",
    "[@click=app.quit]x[/]",
    "Eve\x1b]0;owned\x07Mallory",
]


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Times display in UTC so pictures and assertions do not depend on the machine."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def pin_times(store: Store) -> None:
    """Rewrite the test store's catalog so every audience shows the same time."""
    storage = AtomicJSONStorage(str(store.catalog_path))
    catalog = storage.read()
    assert catalog is not None
    for doc in catalog.get("audiences", {}).values():
        doc["created_at"] = doc["changed_at"] = PINNED
    storage.write(catalog)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Calling hours are judged at PINNED unless a test gives the app its own clock: no
    picture or assertion depends on the time the tests run."""
    from datetime import datetime

    import tui.dialing

    moment = datetime.fromisoformat(PINNED)
    monkeypatch.setattr(tui.dialing, "utc_now", lambda: moment)


@dataclass
class Demo:
    """A store seeded like `audiences demo`, and the folder holding the sample CSVs."""

    store: Store
    folder: Path

    def app(self, **kwargs: object) -> AudiencesApp:
        """The app on this store; the picker starts, and exports are proposed, in the
        samples folder (a test's temporary folder)."""
        kwargs.setdefault("export_dir", self.folder)
        return make_app(self.store, start_dir=self.folder, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def demo(tmp_path: Path) -> Demo:
    store = Store(tmp_path / "store", lock_timeout=30)
    folder = tmp_path / "samples"
    seed_demo(store, folder)
    pin_times(store)
    return Demo(store, folder)


def add_audience(store: Store, tmp_path: Path, name: str, csv_text: str, phone_column: str) -> None:
    """Create an audience from CSV text through core (as the CLI does)."""
    path = tmp_path / f"{abs(hash(name))}.csv"
    path.write_text(csv_text, encoding="utf-8")
    plan = plan_create(read_file(path), phone_column)
    # A header-only file makes an audience with no members yet (core refuses to write
    # nothing from a file, so the test creates it directly).
    members = plan.members(skip_invalid=True, skip_duplicates=True) if plan.new else []
    store.create(name, plan.columns, plan.phone_column, members, plan.required_columns())


@pytest.fixture
def hostile(tmp_path: Path) -> Store:
    """An audience with hostile member names, itself named with markup."""
    store = Store(tmp_path / "store", lock_timeout=30)
    rows = [f'+4474001001{i:02d},"{n}",Leeds' for i, n in enumerate(HOSTILE_NAMES)]
    add_audience(
        store, tmp_path, "[b]Mark[/b] up", "phone,name,city\n" + "\n".join(rows) + "\n", "phone"
    )
    # Reading a CSV strips control characters; store the raw hostile value directly, as
    # another tool writing the store could.
    audience, members = store.load("[b]Mark[/b] up")
    from dataclasses import replace

    raw = replace(members[3], values={**members[3].values, "name": HOSTILE_NAMES[3]})
    store.update_member(audience.name, raw.e164, raw)
    pin_times(store)
    return store


async def screen_text(pilot: Pilot[object]) -> str:
    """What the terminal shows once pending updates are drawn, as plain text."""
    await pilot.pause()
    app = pilot.app
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    return squeeze(console.export_text(styles=False))


FRAME_CHARACTERS = re.compile(r"[\u2500-\u259f]")


def squeeze(text: str) -> str:
    """Screen text without box drawing, whitespace runs as one space (wrapped text joins)."""
    return " ".join(FRAME_CHARACTERS.sub(" ", text).split())


async def screen_output(pilot: Pilot[object]) -> str:
    """What would be written to the terminal for the current screen, escapes included."""
    await pilot.pause()
    app = pilot.app
    width, height = app.size
    out = io.StringIO()
    console = Console(
        width=width,
        height=height,
        file=out,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return out.getvalue()


class Notes:
    """Notifications the app showed (message, severity)."""

    def __init__(self, app: App[object]) -> None:
        self.seen: list[tuple[str, str]] = []
        original = app.notify

        def notify(message: str, **kwargs: object) -> None:
            self.seen.append((message, str(kwargs.get("severity", "information"))))
            original(message, **kwargs)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign]

    @property
    def messages(self) -> list[str]:
        return [m for m, _ in self.seen]

    @property
    def errors(self) -> list[str]:
        return [m for m, s in self.seen if s == "error"]

    def __contains__(self, text: str) -> bool:
        return any(text in m for m in self.messages)


async def paste(pilot: Pilot[object], text: str) -> None:
    """Paste text into the focused widget, as a terminal's bracketed paste delivers it."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


class Kit:
    """The helpers above, for tests (conftest modules are not imported by name)."""

    settle = staticmethod(settle)
    paste = staticmethod(paste)
    text = staticmethod(screen_text)
    output = staticmethod(screen_output)
    add_audience = staticmethod(add_audience)
    pin_times = staticmethod(pin_times)
    Notes = Notes
    squeeze = staticmethod(squeeze)
    HOSTILE_NAMES = HOSTILE_NAMES
    PINNED = PINNED


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
