"""Hostile text on the member grid, its dialogs and the member form (see hostile_support)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_support import (
    COLUMNS,
    ESCAPES,
    HOSTILE_VALUES,
    LONG,
    MARKUP,
    NAME_MARKUP,
    NAME_RAW,
    SIZE,
    WIDE,
    assert_clean,
    assert_literal,
    click_each,
    hostile_store,
    open_audience,
    probe,
    render,
    settle,
    shown,
    store_bytes,
)
from textual.widgets import Input

from core.store import Store
from tui.app import make_app
from tui.widgets.frame_table import FrameTable


@pytest.fixture
def hostile(tmp_path: Path) -> Store:
    return hostile_store(tmp_path)


async def test_member_grid_search_sort_help_and_confirm(hostile: Store, tmp_path: Path) -> None:
    from tui.screens.member_grid import MemberGridScreen

    app = make_app(hostile, start_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_audience(pilot, NAME_MARKUP)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen)
        frame = await render(pilot)
        assert_clean(frame)
        assert_literal(frame, HOSTILE_VALUES)
        assert frame.shows(NAME_MARKUP)  # the header's subtitle
        clicks = await click_each(pilot, frame, [*MARKUP, probe(ESCAPES[1]), probe(LONG)], hostile)
        assert clicks >= len(MARKUP) + 2

        # the cursor on every cell (the cursor cell is drawn on its own)
        table = grid.query_one(FrameTable)
        for row in range(len(HOSTILE_VALUES)):
            for column in (1, 2):
                table.move_cursor(row=row, column=column)
                assert_clean(await render(pilot))

        # search for markup: the box and the matches
        await pilot.press("slash")
        grid.query_one("#member-search", Input).value = "[@click"
        await settle(pilot)
        frame = await render(pilot)
        assert_clean(frame)
        assert "2 shown" in frame.text and frame.shows("[@click=app.quit]x[/]")
        await pilot.press("escape")
        await settle(pilot)

        # sort by name, both ways
        await pilot.press("home", "right", "s")
        assert_literal(frame := await render(pilot), HOSTILE_VALUES)
        assert_clean(frame)
        await pilot.press("s")
        assert_clean(await render(pilot))

        # help and the delete question over the grid
        for key, expected in (("question_mark", "Keys: Member grid"), ("d", "Delete member")):
            await pilot.press(key)
            await settle(pilot)
            frame = await render(pilot)
            assert_clean(frame)
            assert frame.shows(expected)
            assert_literal(frame, MARKUP)  # the grid, behind the dialog
            await click_each(pilot, frame, ["[@click=app.quit]x[/]", "[link="], hostile)
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        assert hostile.get(NAME_MARKUP).member_count == len(HOSTILE_VALUES)

        # the audience with the raw name: cleaned in the header
        await pilot.press("escape")
        await settle(pilot)
        await open_audience(pilot, NAME_RAW)
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows("audiences — " + shown(NAME_RAW))
        assert_literal(frame, HOSTILE_VALUES)


async def test_member_form_edit_and_add(hostile: Store, tmp_path: Path) -> None:
    from tui.dialogs.member_form import MemberFormModal

    app = make_app(hostile, start_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_audience(pilot, NAME_MARKUP)
        before = store_bytes(hostile)
        # edit members: the form shows the values cleaned, and writes nothing on esc
        # (member i holds value i as its name and value -1-i as its note: half cover all)
        grid = app.screen
        table = grid.query_one(FrameTable)
        for i, value in enumerate(HOSTILE_VALUES[: (len(HOSTILE_VALUES) + 1) // 2]):
            table.move_cursor(row=i)
            if i == 0:
                await pilot.press("e")  # the key once; then the action itself (faster)
            else:
                grid.action_edit_member()  # type: ignore[attr-defined]
            await settle(pilot)
            form = app.screen
            assert isinstance(form, MemberFormModal)
            frame = await render(pilot)
            assert_clean(frame)
            assert frame.shows("Edit member of " + NAME_MARKUP)
            assert form.query_one("#field-1", Input).value == shown(value)
            assert form.query_one("#field-2", Input).value == shown(HOSTILE_VALUES[-1 - i])
            if i == 3:  # the form itself is clickable: its title, its fields
                await click_each(pilot, frame, ["[@click=app.quit]q[/]"], hostile)
            form.action_cancel()
            await settle(pilot)
        assert store_bytes(hostile) == before

        # add a member typed with markup, long and wide text: saved exactly as typed
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MemberFormModal)
        typed = {"phone": "+447400123999", "name": "[@click=app.quit]x[/]", "note": LONG + WIDE}
        for i, column in enumerate(COLUMNS):
            form.query_one(f"#field-{i}", Input).value = typed[column]
        await settle(pilot)
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows("✓ valid")
        await click_each(pilot, frame, ["[@click=app.quit]x[/]"], hostile)
        await pilot.press("enter")
        await settle(pilot)
        _, members = hostile.load(NAME_MARKUP)
        added = [m for m in members if m.e164 == "+447400123999"]
        assert [m.values for m in added] == [typed]
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.find("[@click=app.quit]x[/]") is not None
