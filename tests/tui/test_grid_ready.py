"""The grid, ready to dial: line type, local time, the call column, callable now (counter
and filter), line type filter, do-not-call rows; the list's callable column; exports for
a voice platform. Every app gets a fixed clock (`Clock`); none reads the real time."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import polars as pl
import pytest
from ready_support import (
    AT,
    IDAHO,
    INMARSAT,
    KOLKATA,
    LONDON,
    LOS_ANGELES,
    NEW_YORK,
    SUPPRESSED,
    Clock,
    dial_store,
)

import core.platforms
from core.store import Store
from core.suppress import add_numbers
from tui.app import make_app
from tui.dialing import CALL, LINE, LOCAL, READY
from tui.dialogs.export import ExportModal
from tui.screens.member_grid import STATUS, MemberGridScreen
from tui.widgets.frame_table import FrameTable

CALLABLE = {*NEW_YORK[:2], *LONDON, *KOLKATA}  # NEW_YORK[2] is on the do-not-call list


async def open_grid(pilot, kit) -> MemberGridScreen:
    await kit.settle(pilot)
    await pilot.press("enter")
    await kit.settle(pilot)
    assert isinstance(pilot.app.screen, MemberGridScreen)
    return pilot.app.screen


def by_number(grid: MemberGridScreen, column: str) -> dict[str, object]:
    frame = grid.query_one(FrameTable).frame
    return dict(zip(frame["(e164)"].to_list(), frame[column].to_list(), strict=True))


async def test_columns_local_times_and_the_call_column(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        grid = await open_grid(pilot, kit)
        assert grid.query_one(FrameTable).columns == ["phone", "city", LOCAL, CALL, STATUS, LINE]
        local = by_number(grid, LOCAL)
        assert local[NEW_YORK[0]] == "09:00" and local[LOS_ANGELES[0]] == "06:00"
        assert local[LONDON[0]] == "14:00" and local[KOLKATA[0]] == "19:30"
        assert local[IDAHO[0]] == "07:00, 06:00" and local[INMARSAT[0]] == "--:--"
        call = by_number(grid, CALL)
        assert call[NEW_YORK[0]] == "now" and call[LOS_ANGELES[0]] == "not now"
        assert call[SUPPRESSED] == "do not call" and call[INMARSAT[0]] == "zone unknown"
        line = by_number(grid, LINE)
        assert line[LONDON[0]] == "mobile" and line[LONDON[1]] == "fixed_line"
        text = await kit.text(pilot)
        assert "callable now: 5 / 10 · 1 do not call" in text


async def test_do_not_call_rows_are_flagged(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        grid = await open_grid(pilot, kit)
        table = grid.query_one(FrameTable)
        keys = table.frame["(e164)"].to_list()
        flagged = [k for i, k in enumerate(keys) if table.row_style(i) == "error"]
        assert flagged == [SUPPRESSED]
        table.move_cursor(row=keys.index(SUPPRESSED))
        await pilot.pause()
        assert "on the do-not-call list" in await kit.text(pilot)


async def test_callable_filter_then_mark_all_in_one_burst(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        grid = await open_grid(pilot, kit)
        await pilot.press("c", "asterisk", "c")
        await kit.settle(pilot)
        assert grid.marked == CALLABLE
        assert not grid.callable_only and grid.view.height == 10
        await pilot.press("c")
        assert set(grid.shown_keys()) == CALLABLE
        assert "5 shown (callable)" in await kit.text(pilot)
        await pilot.press("escape")  # clears the filter first
        assert grid.view.height == 10 and isinstance(app.screen, MemberGridScreen)


async def test_marked_callable_members_past_their_window_are_said_before_export(tmp_path, kit):
    clock = Clock()
    app = make_app(dial_store(tmp_path, kit), clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        grid = await open_grid(pilot, kit)
        await pilot.press("c", "asterisk")
        await kit.settle(pilot)
        assert grid.marked == CALLABLE
        clock.now = AT + timedelta(hours=9)  # 23:00 UTC: New York 18:00; London, Kolkata shut
        grid.judge_calls()
        await kit.settle(pilot)
        await pilot.press("x")
        text = kit.squeeze(await kit.text(pilot))
        assert "Writes the 5 marked members." in text
        assert "3 of them are outside their calling hours now" in text


async def test_line_type_filter_cycles(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        grid = await open_grid(pilot, kit)
        types = grid.line_types()
        assert "mobile" in types and "fixed_line" in types
        seen = []
        for _ in types:
            await pilot.press("t")
            seen.append(grid.line_filter)
            assert set(by_number(grid, LINE).values()) == {grid.line_filter}
        assert seen == types
        await pilot.press("t")
        assert grid.line_filter is None and grid.view.height == 10


async def test_a_new_minute_judges_again_and_the_list_is_read_again(tmp_path, kit):
    clock = Clock()
    store = dial_store(tmp_path, kit)
    app = make_app(store, clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        grid = await open_grid(pilot, kit)
        assert int(grid.base[READY].sum()) == 5
        clock.now = AT + timedelta(hours=2)  # 16:00 UTC: Los Angeles and Idaho open
        add_numbers(store, [KOLKATA[0]], at=clock.now)  # 21:30 in Kolkata anyway
        grid.judge_calls()
        await kit.settle(pilot)
        local = by_number(grid, LOCAL)
        assert local[LOS_ANGELES[0]] == "08:00" and local[NEW_YORK[0]] == "11:00"
        ready = {k for k, v in by_number(grid, READY).items() if v}
        assert ready == {*NEW_YORK[:2], *LOS_ANGELES, *LONDON, *IDAHO}
        assert "callable now: 7 / 10 · 2 do not call" in await kit.text(pilot)


async def test_the_list_counts_callable_members(tmp_path, kit):
    clock = Clock()
    app = make_app(dial_store(tmp_path, kit), clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        table = app.screen.query_one(FrameTable)
        assert table.frame["callable"].to_list() == ["5 / 10"]
        assert "callable now: 5 / 10" in await kit.text(pilot)  # the line under the list
        clock.now = AT + timedelta(hours=8)  # 22:00 UTC: New York 17:00, LA 14:00, Boise 15:00
        app.screen.count_callable()
        await kit.settle(pilot)
        assert table.frame["callable"].to_list() == ["5 / 10"]  # 2 NY + 2 LA + Idaho
        clock.now = AT + timedelta(hours=12)  # 02:00 UTC: New York 21:00 (closed), LA 18:00
        app.screen.count_callable()
        await kit.settle(pilot)
        assert table.frame["callable"].to_list() == ["3 / 10"]


async def test_export_for_vapi_leaves_out_the_do_not_call_list(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock(), export_dir=tmp_path)
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_grid(pilot, kit)
        # tab: the Excel box, tab: the platform box; right twice: plain, Atoms, Vapi
        await pilot.press("x", "tab", "tab", "right", "right", "enter")
        await kit.settle(pilot)
        assert not isinstance(app.screen, ExportModal)
    written = pl.read_csv(tmp_path / "Dial_test.csv", infer_schema=False)
    assert written.columns == ["number", "city"]
    assert SUPPRESSED not in written["number"].to_list() and written.height == 9
    assert notes.errors == []
    assert any(
        "for Vapi to" in m and "left out 1 member on the do-not-call list" in m
        for m in notes.messages
    )


async def test_export_in_parts_names_every_file(tmp_path, kit, monkeypatch):
    small = dataclasses.replace(core.platforms.PLATFORMS["vapi"], max_rows=4)
    monkeypatch.setitem(core.platforms.PLATFORMS, "vapi", small)
    app = make_app(dial_store(tmp_path, kit), clock=Clock(), export_dir=tmp_path)
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_grid(pilot, kit)
        await pilot.press("x", "tab", "tab", "right", "right", "enter")
        await kit.settle(pilot)
    parts = [tmp_path / f"Dial_test-{n}.csv" for n in (1, 2, 3)]
    frames = [pl.read_csv(p, infer_schema=False) for p in parts]
    assert [f.height for f in frames] == [4, 4, 1]
    assert not (tmp_path / "Dial_test.csv").exists()
    message = next(m for m in notes.messages if "in 3 files" in m)
    assert "Dial_test-1.csv (4), Dial_test-2.csv (4), Dial_test-3.csv (1)" in message
    assert "at most 4 rows and 5 MB a file" in message


async def test_export_refuses_to_replace_parts_it_was_not_asked_about(tmp_path, kit, monkeypatch):
    small = dataclasses.replace(core.platforms.PLATFORMS["vapi"], max_rows=4)
    monkeypatch.setitem(core.platforms.PLATFORMS, "vapi", small)
    (tmp_path / "Dial_test-2.csv").write_text("keep me\n")
    app = make_app(dial_store(tmp_path, kit), clock=Clock(), export_dir=tmp_path)
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_grid(pilot, kit)
        await pilot.press("x", "tab", "tab", "right", "right", "enter")
        await kit.settle(pilot)
    assert (tmp_path / "Dial_test-2.csv").read_text() == "keep me\n"
    assert not (tmp_path / "Dial_test-1.csv").exists()
    assert any("Dial_test-2.csv already exists" in m for m in notes.errors)


async def test_plain_export_leaves_out_the_do_not_call_list_too(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock(), export_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("x")
        text = kit.squeeze(await kit.text(pilot))
        assert "Writes all 10 members but the 1 on the do-not-call list (left out)." in text
        await pilot.press("enter")
        await kit.settle(pilot)
    written = pl.read_csv(tmp_path / "Dial_test.csv", infer_schema=False)
    assert written.columns == ["phone", "city"] and written.height == 9


def test_snapshot_grid_ready_80x24(tmp_path, kit, snap_compare):
    async def before(pilot):
        await open_grid(pilot, kit)
        await pilot.press("down", "down", "space")

    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_the_numbers_cache_sees_a_change_within_the_same_second(
    store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list's callable-now count reads each audience's numbers once per version: a
    second edit within the same second that keeps the member count (a number changed)
    is a new version too (the members' write generation), not a stale count."""
    import core.store
    from core.audience import Member
    from tui.dialing import NumbersCache

    monkeypatch.setattr(core.store, "_now", lambda: "2026-12-06T12:00:00Z")
    ann = Member({"phone": "+12025550123"}, "+12025550123", "US", "fixed_line_or_mobile")
    bo = Member({"phone": "+12025550124"}, "+12025550124", "US", "fixed_line_or_mobile")
    store.create("L", ["phone"], "phone", [ann, bo])
    cache = NumbersCache()
    before = store.get("L")
    assert cache.get(store, before)[0] == ["+12025550123", "+12025550124"]
    cy = Member({"phone": "+12025550125"}, "+12025550125", "US", "fixed_line_or_mobile")
    store.update_member("L", "+12025550124", cy)
    after = store.get("L")
    assert (after.changed_at, after.member_count) == (before.changed_at, before.member_count)
    assert cache.get(store, after)[0] == ["+12025550123", "+12025550125"]


async def test_a_damaged_do_not_call_list_shows_members_and_no_one_callable(tmp_path, kit):
    """The list's file is truncated (a crash of another tool, a bad copy): the app says so
    once, opens the audience, and counts no one callable rather than hanging on Loading."""
    store = dial_store(tmp_path, kit)
    (store.path / "suppression.json").write_text('{"list": {"1": ')
    app = make_app(store, clock=Clock())
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        assert app.screen.query_one(FrameTable).frame["callable"].to_list() == ["?"]
        grid = await open_grid(pilot, kit)
        assert grid.query_one(FrameTable).row_count == 10
        assert set(by_number(grid, CALL).values()) == {"list damaged"}
        assert "do-not-call list damaged" in await kit.text(pilot)
        assert len([m for m in notes.errors if "do-not-call list is damaged" in m]) == 2
        # The hours screen judges nothing (and marks nothing) while the list is damaged.
        await pilot.press("h")
        await kit.settle(pilot)
        assert "calling hours are not judged" in await kit.text(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        assert len([m for m in notes.errors if "do-not-call list is damaged" in m]) == 3


def test_the_export_dialog_says_when_nothing_is_left_to_write():
    from tui.dialogs.export import ExportScope

    assert ExportScope(None, "all 3 members", listed=1, count=3).text() == (
        "Writes all 3 members but the 1 on the do-not-call list (left out)."
    )
    assert ExportScope(None, "all 3 members", listed=3, count=3).text() == (
        "Nothing to write: all 3 members are on the do-not-call list."
    )
    assert ExportScope(("+1",), "the 1 marked member", listed=1, count=1).text() == (
        "Nothing to write: the member is on the do-not-call list."
    )


async def test_a_platform_that_would_refuse_a_column_is_said_in_the_dialog(tmp_path, kit):
    """Vapi names the phone column `number`: an audience with its own `number` column is
    refused with the dialog still open (it closed, and the error came after)."""
    store = Store(tmp_path / "store", lock_timeout=30)
    kit.add_audience(store, tmp_path, "Orders", "phone,number\n+12025550123,7\n", "phone")
    app = make_app(store, clock=Clock(), export_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("x", "tab", "tab", "right", "right", "enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, ExportModal)
        text = kit.squeeze(await kit.text(pilot))
        assert "Vapi would refuse: column 2 'number' is the name Vapi gives the phone" in text
    assert not (tmp_path / "Orders.csv").exists()
