"""Hostile text for the screen tests (test_hostile_*.py): the values, a store full of
them, and checks on what Textual would write to the terminal.

Members, audience names and incoming CSV headers hold markup, ANSI/OSC escapes, C1
controls, bidi overrides, 10,000-character values and wide, emoji and combining
characters. On each screen the tests check, from what Textual would write to the terminal:

- nothing crashed and the text is shown literally (markup appears verbatim) or cleaned;
- no escape or control byte from user data reaches a screen segment, the terminal
  bytes (`LayoutUpdate.render_segments`, exactly what the driver writes) or the SVG
  screenshot; no segment carries a link or a click action (markup would make those);
- clicking on the hostile text runs no action: the app keeps running, the screen stays,
  the store files are unchanged.

The store cleans nothing itself, so members written directly through `Store` can hold
raw control characters: exactly the hostile case for display.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from textual.app import App
from textual.pilot import Pilot
from textual.strip import Strip

from core.audience import Member
from core.sealed import AtomicJSONStorage
from core.store import Store
from core.text import strip_controls
from tui.testing import settle as settle_app

# --- the hostile text -----------------------------------------------------------------

MARKUP = [
    "[bold]x[/bold]",
    "[/",
    "[/b]",
    "[@click=app.quit]x[/]",
    "[link=http://e]x[/link]",
    '[link="http://e"]x[/]',  # the spelling Textual's own markup takes
]
ESCAPES = [
    "\x1b[31mred\x1b[0m",
    "\x1b]0;owned\x07title",
    "\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\",
    "c1\x9b31mcsi",
    "bidi\u202eevil\u2066x\u2069",
    "nul\x00del\x7fbs\x08",
    "tab\tnew\nline\rcr",
]
LONG = "L" + "[b]" * 3333  # 10,000 characters, markup all the way
WIDE = "日本語👩\u200d👩\u200d👧 e\u0301\u0301x ﷽"
HOSTILE_VALUES = [*MARKUP, *ESCAPES, LONG, WIDE]

NAME_MARKUP = "[@click=app.quit]q[/] [link=http://e]l[/link] [bold]b[/bold] [/"
NAME_RAW = "\x1b]0;owned\x07Esc\x9b31m \u202eRaw[/b]"
"""Written into the catalog directly: another tool could; core's naming rule cleans it."""

FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters no screen segment may hold (C0, DEL, C1, bidi controls)."""
TEXTUAL_SEQUENCES = re.compile(r"\x1b\[[0-9;]*[mHJK]")
"""What Textual itself writes between texts: colours and styles (SGR), cursor moves."""


def shown(value: str) -> str:
    """How a value may appear on screen: controls removed, line breaks as spaces."""
    text = strip_controls(value)
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")


BOX = re.compile(r"[\u2500-\u259f]")


def squeeze(text: str) -> str:
    return " ".join(BOX.sub(" ", text).split())


def probe(value: str, n: int = 12) -> str:
    """A piece of the shown value that fits a narrow column (for literal checks)."""
    return shown(value)[:n].strip()


# --- a hostile store ------------------------------------------------------------------

COLUMNS = ["phone", "name", "note"]


def phone(i: int) -> str:
    return f"+4474001001{i:02d}"


def hostile_members(values: list[str]) -> list[Member]:
    """One member per value: the value as the name, reversed list as the note."""
    notes = list(reversed(values))
    return [
        Member({"phone": phone(i), "name": v, "note": notes[i]}, phone(i), "GB", "mobile")
        for i, v in enumerate(values)
    ]


def inject_name(store: Store, old: str, new: str) -> None:
    """Rename an audience in the catalog itself (bypassing core's naming rule)."""
    storage = AtomicJSONStorage(str(store.catalog_path))
    catalog = storage.read()
    assert catalog is not None
    for doc in catalog["audiences"].values():
        if doc["name"] == old:
            doc["name"] = new
    storage.write(catalog)


def hostile_store(root: Path) -> Store:
    """Two audiences with hostile names, each full of hostile members."""
    store = Store(root / "store", lock_timeout=30)
    store.create(NAME_MARKUP, COLUMNS, "phone", hostile_members(HOSTILE_VALUES), ["phone"])
    store.create("raw", COLUMNS, "phone", hostile_members(HOSTILE_VALUES[::-1]), ["phone"])
    inject_name(store, "raw", NAME_RAW)
    return store


def store_bytes(store: Store) -> dict[str, bytes]:
    """Every file of the store (but the lock), to prove a click wrote nothing."""
    return {
        str(p.relative_to(store.path)): p.read_bytes()
        for p in sorted(store.path.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


# --- what the terminal would show -----------------------------------------------------


@dataclass
class Rendered:
    """One full frame of the current screen (modal backgrounds included)."""

    lines: list[list[Segment]]
    own: list[str]
    """The lines of the top screen alone (a dialog without what is behind it)."""
    output: str
    """The bytes Textual's driver would write for this frame."""
    svg: str
    texts: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.texts = ["".join(s.text for s in line) for line in self.lines]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def flat(self) -> str:
        """The text without box drawing, whitespace runs as one space (wraps joined)."""
        return squeeze(self.text)

    def shows(self, text: str) -> bool:
        """Whether `text` is on screen (possibly wrapped over lines, or in a dialog)."""
        return squeeze(text) in self.flat or squeeze(text) in squeeze("\n".join(self.own))

    def find(self, needle: str) -> tuple[int, int] | None:
        """Screen cell (x, y) where `needle` starts, or None."""
        for y, line in enumerate(self.texts):
            at = line.find(needle)
            if at >= 0:
                return cell_len(line[:at]), y
        return None


async def render(pilot: Pilot[object]) -> Rendered:
    await pilot.pause()
    app = pilot.app
    width, height = app.size
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    lines = [[seg for strip in line for seg in strip] for line in update.strips]
    own: list[str] = []
    boxes = app.screen.query(".dialog-box")
    if boxes:  # a dialog: its own lines, without the screen behind it
        box = boxes.first().region
        own = [Strip(lines[y]).crop(box.x, box.right).text for y in range(box.y, box.bottom)]
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    output = update.render_segments(console)
    return Rendered(lines, own, output, app.export_screenshot())


def leaks(frame: Rendered) -> list[str]:
    """What reached the terminal that user data must not: controls, links, actions."""
    found: list[str] = []
    for y, line in enumerate(frame.lines):
        for seg in line:
            if seg.control:
                continue
            bad = FORBIDDEN.search(seg.text)
            if bad is not None:
                found.append(f"control {bad.group()!r} on line {y}: {seg.text[:60]!r}")
            style = seg.style
            if style is not None and style.link:
                found.append(f"link on line {y}: {seg.text[:60]!r}")
            if style is not None and "@click" in (style.meta or {}):
                found.append(f"action on line {y}: {seg.text[:60]!r}")
    # Every escape Textual writes is a style or a cursor move; nothing else may be left.
    rest = TEXTUAL_SEQUENCES.sub("", frame.output)
    found += [f"output {b!r}" for b in ("\x1b", "\x9b", "\x07", "\x90", "\x9d") if b in rest]
    if "\x1b]" in frame.output:  # no OSC at all: window titles, hyperlinks
        found.append("output OSC")
    found += [f"svg {b!r}" for b in ("\x1b", "\x9b", "\x07", "&#27;", "&#155;") if b in frame.svg]
    return found


def assert_clean(frame: Rendered) -> None:
    """No control character from data in any segment, bytes or SVG; no link, no action."""
    found = leaks(frame)
    assert not found, "\n".join(found[:10])


def assert_literal(frame: Rendered, values: list[str], n: int = 12) -> None:
    """Each value's beginning appears on screen as typed (markup verbatim) or cleaned."""
    missing = [v[:40] for v in values if probe(v, n) and not frame.shows(probe(v, n))]
    assert not missing, f"not shown literally: {missing}"


# --- driving the app ------------------------------------------------------------------


async def settle(pilot: Pilot[object]) -> None:
    """Wait for the app's work and typed keys, then repaint."""
    await settle_app(pilot)


class Actions:
    """Records every action the app runs (bindings, clicks on `@click` text alike)."""

    def __init__(self, app: App[object]) -> None:
        self.seen: list[str] = []
        original = app.run_action

        async def run_action(action, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.seen.append(str(action))
            return await original(action, *args, **kwargs)

        app.run_action = run_action  # type: ignore[method-assign]


async def click_each(
    pilot: Pilot[object], frame: Rendered, needles: list[str], store: Store
) -> int:
    """Click where each needle shows; nothing may happen but focus and cursor moves."""
    app = pilot.app
    actions = Actions(app)
    before = store_bytes(store)
    screen = app.screen
    clicked: set[tuple[int, int]] = set()
    for needle in needles:
        at = frame.find(needle)
        if at is None or at in clicked:
            continue
        clicked.add(at)
        style = app.screen.get_style_at(*at)
        assert not style.link and "@click" not in (style.meta or {})
        await pilot.click(offset=at)
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert app.screen is screen, f"clicking {needle!r} changed the screen"
    assert actions.seen == [], actions.seen
    assert store_bytes(store) == before
    return len(clicked)


SIZE = (160, 40)


HOSTILE_HEADERS = [
    "phone",
    "[bold]x[/bold]",
    "[@click=app.quit]x[/]",
    "\x1b]0;owned\x07head",
    "[link=http://e]x[/link]",
    "日本語👩\u200d👩\u200d👧",
]
HOSTILE_FILE = "[@click=app.quit]f[bold] \x1b]0;owned\x07\x9b31m \u202ecod.csv"
"""A file name can hold anything but a slash and NUL (a shared folder, an unzipped mail)."""


def hostile_csv(path: Path, headers: list[str], rows: int = 8) -> Path:
    """A CSV with these headers and hostile cells (valid phones, a few invalid ones)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    values = HOSTILE_VALUES * 2
    for i in range(rows):
        number = phone(50 + i) if i % 4 else "[bold]+44[/bold]\x1b[31m"
        writer.writerow([number, *(values[(i + j) % len(values)] for j in range(len(headers) - 1))])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


async def open_audience(pilot: Pilot[object], name: str) -> None:
    """From the audience list, open `name`."""
    names = [a.name for a in pilot.app.screen.shown]  # type: ignore[attr-defined]
    await pilot.press("home", *["down"] * names.index(name), "enter")
    await settle(pilot)


# --- hypothesis strategies for hostile text -----------------------------------------

PIECES = [
    *MARKUP,
    "[",
    "]",
    "[/]",
    "[b]",
    "[@",
    "[link=",
    "\\",
    "\x1b",
    "\x1b[",
    "\x1b]",
    "\x1b\\",
    "\x07",
    "\x9b",
    "\x9d",
    "\x90",
    "\x85",
    "\u202e",
    "\u2066",
    "\u200f",
    "\x00",
    "\r",
    "\n",
    "\t",
    "\x7f",
    "\u0301",
    "👩\u200d👩",
    "日本",
    "\ufeff",
    "\u200b",
    "﷽",
    "\U0001f600",
    " ",
]
hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=8).map(
    "".join
)
long_text = st.builds(
    lambda s, n: (s * n)[:10_000], hostile_text.filter(bool), st.integers(1, 5_000)
)
cell_text = st.one_of(hostile_text, hostile_text, hostile_text, long_text)
members_values = st.lists(st.tuples(cell_text, cell_text), min_size=1, max_size=4)
header_text = st.lists(
    hostile_text.filter(lambda h: "\n" not in h and "\r" not in h), min_size=1, max_size=3
)
