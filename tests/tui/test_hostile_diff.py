"""Hostile CSV files (headers, cells, file names) on the new-audience screen, the file
picker and the CSV diff views (see hostile_support)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hostile_support import (
    COLUMNS,
    ESCAPES,
    HOSTILE_FILE,
    HOSTILE_HEADERS,
    HOSTILE_VALUES,
    MARKUP,
    NAME_MARKUP,
    SIZE,
    assert_clean,
    assert_literal,
    click_each,
    hostile_csv,
    hostile_store,
    open_audience,
    phone,
    render,
    settle,
    shown,
)
from textual.widgets import Input

from core.store import Store
from core.text import strip_controls
from tui.app import make_app


async def test_new_audience_preview_and_create_diff(tmp_path: Path) -> None:
    from tui.screens.csv_diff import CsvDiffScreen
    from tui.screens.new_audience import NewAudienceScreen

    store = Store(tmp_path / "store", lock_timeout=30)
    folder = tmp_path / "incoming"
    folder.mkdir()
    hostile_csv(folder / "leads.csv", HOSTILE_HEADERS)
    app = make_app(store, start_dir=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewAudienceScreen)
        await pilot.press("tab", "down", "enter")  # choose it in the browser
        await settle(pilot)
        frame = await render(pilot)
        assert frame.shows("leads.csv · 8 rows")
        for header in HOSTILE_HEADERS[1:]:
            assert frame.shows(shown(header)), header
        assert_literal(frame, MARKUP[:2])
        assert_clean(frame)
        await click_each(pilot, frame, ["[@click=app.quit]x[/]", "[link="], store)

        await pilot.press("enter")  # the fixed names start accepted; check every row
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows("renamed click_app_quit_x [@click=app.quit]x[/]")
        assert_literal(frame, ["[bold]+44[/bold]", *MARKUP, ESCAPES[0], ESCAPES[1]])
        await click_each(pilot, frame, ["[@click=app.quit]x[/]", "[bold]+44"], store)
        await pilot.press("i", "enter")  # skip the invalid rows, create
        await settle(pilot)
    (audience,) = store.list_audiences()
    assert audience.name == "Leads" and audience.member_count == 6
    assert audience.columns[:3] == ["phone", "bold_x_bold", "click_app_quit_x"]
    _, members = store.load(audience.name)
    # the reader removed the control characters; markup is kept verbatim
    names = {m.values["click_app_quit_x"] for m in members}
    assert "[@click=app.quit]x[/]" in names and shown(ESCAPES[1]) in names
    for m in members:
        for value in m.values.values():
            assert strip_controls(value) == value


@pytest.fixture
def hostile(tmp_path: Path) -> Store:
    return hostile_store(tmp_path)


async def test_add_by_csv_diff_with_hostile_headers_then_cells(
    hostile: Store, tmp_path: Path
) -> None:
    from tui.screens.csv_diff import CsvDiffScreen
    from tui.screens.member_grid import MemberGridScreen

    wrong = hostile_csv(tmp_path / "wrong.csv", ["phone", "Name", "[@click=app.quit]x[/]"])
    right = hostile_csv(tmp_path / "right.csv", COLUMNS)
    app = make_app(hostile, start_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_audience(pilot, NAME_MARKUP)

        async def add_from(path: Path) -> None:
            await pilot.press("A")
            await settle(pilot)
            box = app.screen.query_one("#file-path", Input)
            box.value = str(path)
            box.focus()
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, CsvDiffScreen)

        await add_from(wrong)
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows("Add to " + NAME_MARKUP + " from wrong.csv")
        assert frame.shows("near match name Name")
        assert frame.shows("extra [@click=app.quit]x[/]")
        await click_each(pilot, frame, ["[@click=app.quit]x[/]", "[@click=app.quit]q[/]"], hostile)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)

        await add_from(right)
        frame = await render(pilot)
        assert_clean(frame)
        assert_literal(frame, ["[bold]+44[/bold]", *MARKUP, ESCAPES[0], ESCAPES[1]])
        await click_each(pilot, frame, MARKUP, hostile)
        await pilot.press("i", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        frame = await render(pilot)
        assert_clean(frame)
        assert f"{len(HOSTILE_VALUES) + 6} / 10,000 members" in frame.text
    assert hostile.get(NAME_MARKUP).member_count == len(HOSTILE_VALUES) + 6


async def test_hostile_file_name_in_the_picker_the_name_box_and_the_diff(tmp_path: Path) -> None:
    """The file's name reaches the browser, the path box, the proposed audience name and
    the diff title: each shows it cleaned."""
    from tui.screens.csv_diff import CsvDiffScreen

    store = Store(tmp_path / "store", lock_timeout=30)
    folder = tmp_path / "incoming"
    folder.mkdir()
    hostile_csv(folder / HOSTILE_FILE, ["phone", "name"])
    app = make_app(store, start_dir=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        frame = await render(pilot)
        assert_clean(frame)  # the folder browser
        assert frame.shows(shown(HOSTILE_FILE))
        await pilot.press("tab", "down", "enter")  # choose it in the browser
        await settle(pilot)
        frame = await render(pilot)
        assert frame.shows(shown(HOSTILE_FILE) + " · 8 rows")  # the summary line
        assert_clean(frame)  # ... and the audience name proposed from the file name
        await pilot.press("escape")  # back to the picker: the path box holds the path
        await settle(pilot)
        assert_clean(await render(pilot))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i", "enter")  # check every row: the diff view
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows(shown(HOSTILE_FILE))
        await click_each(pilot, frame, ["[@click=app.quit]f"], store)


async def test_encoding_dialog_with_a_hostile_file_name_and_cells(tmp_path: Path) -> None:
    """A cp1252 file: its name, headers and first rows reach the encoding dialog (before
    anything is read or written), each shown cleaned and literal."""
    store = Store(tmp_path / "store", lock_timeout=30)
    folder = tmp_path / "incoming"
    folder.mkdir()
    # The dialog shows five rows: these are them.
    values = ["José Müller", ESCAPES[1], MARKUP[0], MARKUP[3], ESCAPES[3]]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["phone", "[bold]Prénom[/bold]", "\x1b]0;owned\x07n"])
    for i, value in enumerate(values):
        writer.writerow([phone(70 + i), value, value])
    (folder / HOSTILE_FILE).write_bytes(out.getvalue().encode("cp1252", errors="replace"))
    app = make_app(store, start_dir=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab", "down", "enter")
        await settle(pilot)
        frame = await render(pilot)
        assert frame.shows(shown(HOSTILE_FILE) + " is not UTF-8. Read as")
        assert frame.shows("José Müller")
        assert frame.shows("[bold]Prénom[/bold]") and frame.shows("]0;ownedn")
        assert frame.shows(shown(ESCAPES[1]))
        assert_literal(frame, [MARKUP[0], MARKUP[3]])
        assert_clean(frame)
        await click_each(pilot, frame, ["[@click=app.quit]x[/]"], store)
        await pilot.press("escape")
        await settle(pilot)
    assert store.list_audiences() == []
