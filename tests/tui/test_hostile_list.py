"""Hostile text on the audience list and its dialogs (see hostile_support)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_support import (
    HOSTILE_VALUES,
    NAME_MARKUP,
    NAME_RAW,
    SIZE,
    assert_clean,
    click_each,
    hostile_store,
    render,
    settle,
    shown,
)
from textual.widgets import Input

from core.store import Store
from tui.app import make_app


@pytest.fixture
def hostile(tmp_path: Path) -> Store:
    return hostile_store(tmp_path)


async def test_audience_list_and_its_dialogs(hostile: Store, tmp_path: Path) -> None:
    app = make_app(hostile, start_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        frame = await render(pilot)
        assert_clean(frame)
        raw_shown = shown(NAME_RAW)
        assert raw_shown == "]0;ownedEsc31m Raw[/b]"
        assert raw_shown in frame.text  # the raw name, cleaned: in the list and details
        assert "[@click=app.quit]q[/] [link=http://e]l[" in frame.text
        await click_each(pilot, frame, ["[@click=app.quit]q[/]", "]0;owned"], hostile)

        await pilot.press("down")
        frame = await render(pilot)
        assert_clean(frame)
        assert NAME_MARKUP in frame.text  # the details line, whole
        at = frame.find(NAME_MARKUP)
        assert at is not None and at[1] > 3
        await click_each(pilot, frame, ["[@click=", "[link=", "[bold]b"], hostile)

        # rename, delete and export dialogs, and help, over the list
        for key, expected in (
            ("r", "Rename " + NAME_MARKUP),
            ("d", "Delete " + NAME_MARKUP),
            ("x", "Export " + NAME_MARKUP),
            ("question_mark", NAME_MARKUP),
        ):
            await pilot.press(key)
            await settle(pilot)
            frame = await render(pilot)
            assert_clean(frame)
            assert frame.shows(expected), key
            assert await click_each(pilot, frame, ["[@click=app.quit]q[/]"], hostile) >= 1
            await pilot.press("escape")
            await settle(pilot)
        assert len(hostile.list_audiences()) == 2

        # the raw name in the dialogs: cleaned
        await pilot.press("up")
        for key in ("r", "d", "x"):
            await pilot.press(key)
            await settle(pilot)
            frame = await render(pilot)
            assert_clean(frame)
            assert frame.shows(raw_shown)
            await pilot.press("escape")
            await settle(pilot)


async def test_rename_delete_undo_and_their_notifications(hostile: Store, tmp_path: Path) -> None:
    """Names typed with markup and escapes into the rename box: the store gets core's
    cleaned name, every notification shows it literally."""
    from textual.widgets._toast import Toast

    typed = "[@click=app.quit]r[/] \x1b]0;t\x07[link=http://e]n[/link]"
    cleaned = "[@click=app.quit]r[/] ]0;t[link=http://e]n[/link]"
    app = make_app(hostile, start_dir=tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("home", "down", "r")
        await settle(pilot)
        box = app.screen.query_one("#rename-input", Input)
        box.value = typed
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(a.name for a in hostile.list_audiences()) == sorted([cleaned, NAME_RAW])
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows(f"Renamed to {cleaned!r}")
        assert app.query(Toast)
        await click_each(pilot, frame, ["[@click=app.quit]r[/]"], hostile)

        names = [a.name for a in app.screen.shown]  # type: ignore[attr-defined]
        await pilot.press("home", *["down"] * names.index(cleaned), "d", "y")
        await settle(pilot)
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows(f"Deleted {cleaned!r}")
        await pilot.press("u")  # undo the delete
        await settle(pilot)
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows("Undid")
    assert hostile.get(cleaned).member_count == len(HOSTILE_VALUES)
