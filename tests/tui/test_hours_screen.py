"""The calling-hours screen (h in the grid): zones with members, local time, callable now
and the next window, checked against times worked out by hand (see ready_support); picking
zones marks their members in the grid. The app gets a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from ready_support import (
    AT,
    KOLKATA,
    LOS_ANGELES,
    NEW_YORK,
    SUPPRESSED,
    Clock,
    dial_store,
)

from tui.app import make_app
from tui.keys import key_help
from tui.screens.hours import CallingHoursScreen, summary_text
from tui.screens.member_grid import MemberGridScreen
from tui.widgets.frame_table import FrameTable


async def open_hours(pilot, kit) -> CallingHoursScreen:
    await kit.settle(pilot)
    await pilot.press("enter")
    await kit.settle(pilot)
    await pilot.press("h")
    await kit.settle(pilot)
    assert isinstance(pilot.app.screen, CallingHoursScreen)
    return pilot.app.screen


def rows(screen: CallingHoursScreen) -> dict[str, dict[str, object]]:
    table = screen.query_one(FrameTable)
    return {screen.report.zones[i].label: table.row(i) for i in range(table.row_count)}


async def test_zones_against_the_hand_computed_table(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_hours(pilot, kit)
        shown = rows(screen)
        # (members, local time, callable, next window); New York's third number is on
        # the do-not-call list, so it is counted apart.
        table = {z: (r["members"], r["local"], r["now"], r["next"]) for z, r in shown.items()}
        later = "from Wed 02 Dec 16:00 UTC"  # 08:00 in Los Angeles (UTC-8)
        assert {z: t for z, t in table.items() if not z.startswith("Europe/")} == {
            "America/New_York": (2, "09:00", "yes", "now"),
            "America/Los_Angeles": (2, "06:00", "no", later),
            "America/Boise, America/Los_Angeles": (1, "07:00, 06:00", "no", later),
            "Asia/Calcutta": (1, "19:30", "yes", "now"),
            "Etc/Unknown": (1, "--:--", "unknown", "zone unknown"),
        }
        # London: a mobile (the UK's 4 zones, one time) and a fixed line
        london = [r for z, r in shown.items() if z.startswith("Europe/")]
        assert sum(r["members"] for r in london) == 2
        assert {r["local"] for r in london} == {"14:00"} and {r["now"] for r in london} == {"yes"}
        text = await kit.text(pilot)
        assert "Wed 02 Dec 14:00 UTC, 08:00-21:00 local" in text
        assert "callable now: 5 / 10" in text and "do not call 1" in text
        assert "zone unknown 1" in text


async def test_pick_two_zones_and_mark_them_in_one_burst(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_hours(pilot, kit)
        labels = [z.label for z in screen.report.zones]
        first, second = labels.index("America/New_York"), labels.index("America/Los_Angeles")
        keys = ["home", *["down"] * first, "space"]
        keys += ["home", *["down"] * second, "space", "enter"]
        await pilot.press(*keys)
        await kit.settle(pilot)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen)
        # the do-not-call number is never in a zone, so it is never marked
        assert grid.marked == {*NEW_YORK[:2], *LOS_ANGELES}
        assert SUPPRESSED not in grid.marked


async def test_enter_marks_the_zone_under_the_cursor_and_esc_marks_nothing(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_hours(pilot, kit)
        row = [z.label for z in screen.report.zones].index("Asia/Calcutta")
        await pilot.press("escape", "h")
        await kit.settle(pilot)
        await pilot.press("home", *["down"] * row, "m")
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        assert app.screen.marked == set(KOLKATA)
        new_york = [z.label for z in screen.report.zones].index("America/New_York")
        await pilot.press("h", "home", *["down"] * new_york, "enter")
        await kit.settle(pilot)
        assert app.screen.marked == {*KOLKATA, *NEW_YORK[:2]}


async def test_h_then_enter_in_one_burst_marks_the_first_zone(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("enter", "h", "enter")
        await kit.settle(pilot)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen)
        # the first row: the largest zone, ties by name (Los Angeles before New York)
        assert grid.marked == set(LOS_ANGELES)


async def test_a_new_minute_keeps_the_picked_zones(tmp_path, kit):
    clock = Clock()
    app = make_app(dial_store(tmp_path, kit), clock=clock)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_hours(pilot, kit)
        await pilot.press("space")
        picked = set(screen.picked)
        clock.now = clock.now + timedelta(minutes=1)
        screen.judge_hours()
        await kit.settle(pilot)
        assert screen.picked == picked == {0}
        assert rows(screen)["America/New_York"]["local"] == "09:01"
        assert "14:01 UTC" in await kit.text(pilot)


async def test_us_state_rules_end_florida_at_20(tmp_path, kit):
    store = dial_store(tmp_path, kit)
    from core.audience import Member
    from core.phones import judge

    florida = judge("+13055550123")
    store.add_members(
        "Dial test",
        [
            Member(
                {"phone": "+13055550123", "city": "Miami"},
                florida.e164,
                "US",
                "fixed_line_or_mobile",
            )
        ],
    )
    # 01:30 UTC on 3 Dec: Miami 20:30 (inside 08:00-21:00, past Florida's 20:00)
    clock = Clock(datetime.fromisoformat("2026-12-03T01:30:00Z"))
    app = make_app(store, clock=clock)
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_hours(pilot, kit)
        assert rows(screen)["America/New_York"]["members"] == 3
        await pilot.press("r")
        await kit.settle(pilot)
        shown = rows(screen)
        assert shown["America/New_York"]["members"] == 2
        florida_row = shown["America/New_York (FL: until 20:00)"]
        assert (florida_row["local"], florida_row["now"]) == ("20:30", "no")
        assert "(20:00 in FL, OK, WA)" in await kit.text(pilot)
        assert "US state rules on (20:00 in FL, OK, WA)" in notes.messages


def test_the_summary_names_only_states_whose_rule_ends_the_window_earlier():
    """With 09:00-17:00 no state's rule (calls end at 20:00) changes anything: the line
    says nothing of them, as if it let those states be called later."""
    from core.hours import hours_report, parse_window

    numbers = ["+13055550123", "+12025550123"]  # Miami (FL), Washington D.C.
    types = ["fixed_line_or_mobile"] * 2
    for window, rules in [("09:00-17:00", ""), ("08:00-21:00", " (20:00 in FL, OK, WA)")]:
        report = hours_report(
            numbers, types, at=AT, window=parse_window(window), us_state_rules=True
        )
        assert summary_text(report).startswith(f"Wed 02 Dec 14:00 UTC, {window} local{rules} · ")


def test_a_closed_window_says_why_as_the_command_line_does():
    """20:30-22:00 with US state rules: Florida's calls end at 20:00, so its members are
    never callable; the screen says so in core's words, not "not within 2 weeks"."""
    from core.hours import hours_report, parse_window
    from tui.screens.hours import zones_frame

    numbers = ["+13055550123", "+12025550123"]  # Miami (FL), Washington D.C.
    report = hours_report(
        numbers,
        ["fixed_line_or_mobile"] * 2,
        at=AT,
        window=parse_window("20:30-22:00"),
        us_state_rules=True,
    )
    rows = dict(zip(*zones_frame(report.zones).select("zone", "next"), strict=True))
    assert rows["America/New_York (FL: until 20:00)"] == "never: FL calls end at 20:00"
    assert rows["America/New_York"].startswith("from ")
    assert "20:30-22:00 local (never in FL, OK, WA: calls end there at 20:00) · " in (
        summary_text(report)
    )


async def test_h_is_in_the_footer_and_help_and_the_screens_keys_in_help(tmp_path, kit):
    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await kit.settle(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        assert "h Hours" in await kit.text(pilot)
        grid_help = {row.description for row in key_help(app.screen)}
        assert any(d.startswith("Calling hours by zone") for d in grid_help)
        assert any(d.startswith("Show only the members callable now") for d in grid_help)
        assert any(d.startswith("Show only the members of one line type") for d in grid_help)
        await pilot.press("h")
        await kit.settle(pilot)
        text = await kit.text(pilot)
        assert "space Pick" in text and "Mark in grid" in text and "r State rules" in text
        assert "w Window" in text
        assert "? Help" in text


async def test_w_sets_the_window_and_every_screen_follows(tmp_path, kit):
    """A window core refuses keeps the dialog open, saying why; one it accepts is judged
    here, in the grid's call column and in the list's callable count."""
    from tui.dialogs.window import WindowModal

    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_hours(pilot, kit)
        await pilot.press("w")
        await kit.settle(pilot)
        assert isinstance(app.screen, WindowModal)
        field = app.screen.query_one("#window-input")
        assert field.value == "08:00-21:00"
        for typed, why in [("9-5", "HH:MM-HH:MM"), ("18:00-10:00", "start before it ends")]:
            field.value = ""
            await pilot.press(*typed, "enter")
            await kit.settle(pilot)
            assert isinstance(app.screen, WindowModal), typed
            assert why in await kit.text(pilot)
        field.value = ""
        # New York 09:00 and Kolkata 19:30 fall outside; London 14:00 stays inside.
        await pilot.press(*"10:00-18:00", "enter")
        await kit.settle(pilot)
        assert app.screen is screen
        now = {z: r["now"] for z, r in rows(screen).items()}
        assert now["America/New_York"] == "no" and now["Asia/Calcutta"] == "no"
        text = await kit.text(pilot)
        assert "10:00-18:00 local" in text and "callable now: 2 / 10" in text
        await pilot.press("escape")
        await kit.settle(pilot)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen)
        calls = dict(
            zip(
                grid.query_one(FrameTable).frame["(e164)"].to_list(),
                grid.query_one(FrameTable).frame["(call)"].to_list(),
                strict=True,
            )
        )
        assert calls[NEW_YORK[0]] == "not now" and calls[KOLKATA[0]] == "not now"
        # The counts say which window they follow (it is not 08:00-21:00 any more).
        assert "callable now (10:00-18:00): 2 / 10" in await kit.text(pilot)
        await pilot.press("escape")
        await kit.settle(pilot)
        assert app.screen.query_one(FrameTable).frame["callable"].to_list() == ["2 / 10"]
        assert "callable now (10:00-18:00): 2 / 10" in await kit.text(pilot)
        # esc in the dialog changes nothing.
        await pilot.press("enter", "h", "w", "escape")
        await kit.settle(pilot)
        assert "10:00-18:00 local" in await kit.text(pilot)
        # A window wider than the TCPA's hours is taken, with a warning saying so.
        notes = kit.Notes(app)
        await pilot.press("w")
        await kit.settle(pilot)
        app.screen.query_one("#window-input").value = ""
        await pilot.press(*"07:00-22:00", "enter")
        await kit.settle(pilot)
        assert any("TCPA" in m for m, s in notes.seen if s == "warning"), notes.seen
        # r reaches the grid too.
        await pilot.press("r")
        await kit.settle(pilot)
        await pilot.press("escape")
        await kit.settle(pilot)
        assert app.screen.dialing.us_state_rules and app.dialing.us_state_rules
        assert str(app.screen.dialing.window) == "07:00-22:00"


def test_snapshot_hours_80x24(tmp_path, kit, snap_compare):
    async def before(pilot):
        await open_hours(pilot, kit)
        await pilot.press("down", "space")

    app = make_app(dial_store(tmp_path, kit), clock=Clock())
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
