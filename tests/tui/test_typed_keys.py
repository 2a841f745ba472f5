"""Keys that arrive together (a slow SSH link delivers them in one packet) act in order:
each on the state the key before it left. Pilot posts every key of a burst at once,
without waiting between them, as a terminal delivers them."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual import events
from textual.pilot import Pilot

from core.demo import SAMPLES
from tui.screens.csv_diff import CsvDiffScreen
from tui.screens.member_grid import MemberGridScreen
from tui.screens.new_audience import NewAudienceScreen

CHARACTERS = {"space": " ", "enter": "\r", "asterisk": "*", "exclamation_mark": "!"}


async def burst(pilot: Pilot[object], *keys: str) -> None:
    """Post every key to the app at once (no wait in between), then wait until idle."""
    app = pilot.app
    for key in keys:
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))
    await pilot.pause()


async def test_down_enter_opens_the_audience_down_went_to(demo, kit) -> None:
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await burst(pilot, "down", "enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        assert app.screen.audience_name == "UK clinic reminders"  # the second row


async def test_escape_and_a_key_in_one_packet_are_both_acted_on(demo, kit) -> None:
    """Terminals send Alt+c as ESC c, so escape then c in one packet reaches Textual as
    alt+c: the export dialog closes (the path is not replaced by "c"), then c acts."""
    from tui.dialogs.export import ExportModal

    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await burst(pilot, "enter")
        await kit.settle(pilot)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen)
        await burst(pilot, "x")
        await kit.settle(pilot)
        assert isinstance(app.screen, ExportModal)
        app.post_message(events.Key("alt+c", "c"))  # what the parser makes of ESC c
        await kit.settle(pilot)
        assert app.screen is grid and grid.callable_only


async def test_keys_typed_ahead_of_a_screen_reach_it(demo, kit) -> None:
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        # open the first audience, move to its third member, mark two, ask to delete, yes
        await burst(pilot, "enter", "down", "down", "space", "space", "d", "y")
        await kit.settle(pilot)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen)
        assert demo.store.get("India sales leads").member_count == 144
        # undo, then back to the list and open the other audience, all typed ahead
        await burst(pilot, "u", "escape", "down", "enter")
        await kit.settle(pilot)
        assert demo.store.get("India sales leads").member_count == 146
        assert isinstance(app.screen, MemberGridScreen)
        assert app.screen.audience_name == "UK clinic reminders"


async def test_f_enter_on_the_new_audience_screen_keeps_its_order(
    demo, kit, tmp_path: Path
) -> None:
    shutil.copyfile(SAMPLES / "webinar_signups.csv", demo.folder / "webinar_signups.csv")
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("n")
        await kit.settle(pilot)
        await pilot.press("end", *"webinar_signups.csv", "enter")
        await kit.settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen) and screen.phase == "preview"
        # The file's names need fixing: f (untick the proposed names), enter (refused).
        await burst(pilot, "f", "enter")
        await kit.settle(pilot)
        assert app.screen is screen and screen.accept_fixes is False
        # f (tick again), enter: checked with the proposed names.
        await burst(pilot, "f", "enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        assert app.screen.plan.columns[0] == "First_Name"


async def test_enters_typed_ahead_go_through_reading_checking_and_creating(
    demo, kit, tmp_path: Path
) -> None:
    """The path, then enter three times in one burst (over a slow link): read, checked,
    created; each enter waited for the work the one before it started."""
    shutil.copyfile(SAMPLES / "uk_clinic_reminders.csv", demo.folder / "clinic.csv")
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("n")
        await kit.settle(pilot)
        await burst(pilot, "end", *"clinic.csv", "enter", "enter", "enter")
        await kit.settle(pilot)
    assert "Clinic" in [a.name for a in demo.store.list_audiences()]


async def test_escape_does_not_wait_for_the_file_it_stops(demo, kit, monkeypatch) -> None:
    """Keys wait for work on a file, but escape stops it at once."""
    import threading

    import tui.screens.new_audience as new_audience

    shutil.copyfile(SAMPLES / "uk_clinic_reminders.csv", demo.folder / "clinic.csv")
    release = threading.Event()
    real = new_audience.read_in_worker

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(new_audience, "read_in_worker", slow)
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("n")
        await kit.settle(pilot)
        await burst(pilot, "end", *"clinic.csv", "enter", "escape")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen) and screen.phase == "pick"
        release.set()
        await kit.settle(pilot)


async def test_a_burst_typed_into_a_form_lands_in_its_fields(demo, kit) -> None:
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        fields = ["+447400123456", "Ada", "Lovelace", "Leeds", "Mon"]
        typed = [key for value in fields for key in [*value, "tab"]]
        await burst(pilot, "down", "enter", "a", *typed, "enter")
        await kit.settle(pilot)
        members = {m.e164: m for m in demo.store.members("UK clinic reminders")}
        assert members["+447400123456"].values == {
            "phone": "+447400123456",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "city": "Leeds",
            "appointment_day": "Mon",
        }


async def test_skip_then_enter_in_the_diff_view_applies_with_the_skip(demo, kit) -> None:
    shutil.copyfile(SAMPLES / "webinar_signups.csv", demo.folder / "webinar_signups.csv")
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("n")
        await kit.settle(pilot)
        await pilot.press("end", *"webinar_signups.csv", "enter")
        await kit.settle(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        await burst(pilot, "i", "enter")  # skip the 5 invalid rows, then create
        await kit.settle(pilot)
        assert demo.store.get("Webinar signups").member_count == 55
