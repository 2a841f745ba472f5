"""The audience list (home): rows, filter, rename, delete with undo, export, open."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from textual.widgets import Checkbox, Input

from core.demo import SAMPLES
from core.store import Store
from tui.app import make_app
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.export import ExportModal
from tui.dialogs.rename import RenameModal
from tui.screens.audience_list import AudienceListScreen
from tui.screens.member_grid import MemberGridScreen
from tui.widgets.frame_table import FrameTable


def rows(app) -> list[dict[str, str]]:
    table = app.screen.query_one(FrameTable)
    return [table.row(i) for i in range(table.row_count)]


async def test_one_row_per_audience_with_counts_phone_regions_and_time(demo, kit):
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        assert isinstance(app.screen, AudienceListScreen)
        assert rows(app) == [
            {
                "name": "India sales leads",
                "members": "146 / 10,000",
                "callable": "146 / 146",  # 15:00 in India at the pinned time
                "phone": "phone_number",
                "regions": "IN",
                "changed": "2026-01-15 09:30",
            },
            {
                "name": "UK clinic reminders",
                "members": "48 / 10,000",
                "callable": "48 / 48",  # 09:30 in the UK
                "phone": "phone",
                "regions": "GB",
                "changed": "2026-01-15 09:30",
            },
        ]
        text = await kit.text(pilot)
        assert "146 / 10,000" in text and "UK clinic reminders" in text
        assert "room for 9,854" in text  # details of the audience under the cursor


async def test_empty_store_says_how_to_start(store: Store, kit):
    app = make_app(store)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        assert "press n to create one" in (await kit.text(pilot))


async def test_filter_by_name_then_escape_clears(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("slash", "c", "l", "i", "n")
        assert [r["name"] for r in rows(app)] == ["UK clinic reminders"]
        await pilot.press("escape")
        assert len(rows(app)) == 2
        await pilot.press("slash", "z", "z", "z")
        assert rows(app) == []
        assert "No audience name contains" in (await kit.text(pilot))


async def test_filter_then_enter_opens_the_match(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("slash", "u", "k", "enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        assert app.screen.audience_name == "UK clinic reminders"


async def test_enter_opens_members_and_escape_comes_back(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("down", "enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        assert "48 / 10,000" in (await kit.text(pilot))
        await pilot.press("escape")
        await kit.settle(pilot)
        assert isinstance(app.screen, AudienceListScreen)


async def test_rename_writes_the_new_name_and_undo_restores(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, RenameModal)
        await pilot.press("end", "ctrl+u", *"Leads IN", "enter")
        await kit.settle(pilot)
        names = [a.name for a in demo.store.list_audiences()]
        assert names == ["Leads IN", "UK clinic reminders"]
        assert "Renamed to 'Leads IN'; u undoes it" in notes
        assert app.screen.current().name == "Leads IN"
        await pilot.press("u")
        await kit.settle(pilot)
        assert [a.name for a in demo.store.list_audiences()][0] == "India sales leads"


async def test_undoing_a_delete_puts_the_cursor_on_the_audience_that_came_back(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("down")
        assert app.screen.current().name == "UK clinic reminders"
        await pilot.press("d", "y")
        await kit.settle(pilot)
        assert [a.name for a in demo.store.list_audiences()] == ["India sales leads"]
        await pilot.press("u")
        await kit.settle(pilot)
        assert app.screen.current().name == "UK clinic reminders"


async def test_rename_refuses_a_taken_or_empty_name_in_the_dialog(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("r", "end", "ctrl+u")
        await kit.paste(pilot, "UK clinic reminders")
        await pilot.press("enter")
        assert isinstance(app.screen, RenameModal)
        assert "already exists; choose another name" in (await kit.text(pilot))
        await pilot.press("end", "ctrl+u", "backspace", "enter")
        assert "cannot be empty" in (await kit.text(pilot))
        await pilot.press("escape")
        await kit.settle(pilot)
        assert {a.name for a in demo.store.list_audiences()} == {
            "India sales leads",
            "UK clinic reminders",
        }


async def test_delete_asks_then_deletes_and_u_brings_it_back(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("down", "d")
        assert isinstance(app.screen, ConfirmModal)
        assert "and its 48 members?" in (await kit.text(pilot))
        await pilot.press("n")  # no: nothing happens
        await kit.settle(pilot)
        assert len(demo.store.list_audiences()) == 2
        await pilot.press("d", "y")
        await kit.settle(pilot)
        assert [a.name for a in demo.store.list_audiences()] == ["India sales leads"]
        assert "Deleted 'UK clinic reminders' (48 members); u undoes it" in notes
        assert [r["name"] for r in rows(app)] == ["India sales leads"]
        await pilot.press("u")
        await kit.settle(pilot)
        restored = demo.store.get("UK clinic reminders")
        assert restored.member_count == 48
        assert "Undid: delete audience 'UK clinic reminders'" in notes
        await pilot.press("ctrl+r")
        await kit.settle(pilot)
        assert len(demo.store.list_audiences()) == 1


async def test_export_writes_the_csv_to_the_export_folder(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("down", "x")
        assert isinstance(app.screen, ExportModal)
        await pilot.press("enter")
        await kit.settle(pilot)
    target = demo.folder / "UK_clinic_reminders.csv"
    with target.open(newline="") as fh:
        exported = list(csv.reader(fh))
    assert exported[0] == ["phone", "first_name", "last_name", "city", "appointment_day"]
    assert len(exported) == 49
    assert f"Exported all 48 members of 'UK clinic reminders' to {target}" in notes


async def test_export_excel_safe_and_refuses_a_missing_folder(demo, kit, tmp_path: Path):
    _, members = demo.store.load("UK clinic reminders")
    first = members[0]
    demo.store.update_member(
        "UK clinic reminders",
        first.e164,
        type(first)(
            {**first.values, "city": "=HYPERLINK(1)"}, first.e164, first.region, first.number_type
        ),
    )
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("down", "x", "end", "ctrl+u")
        await kit.paste(pilot, str(tmp_path / "nowhere" / "a.csv"))
        await pilot.press("enter")
        said = str(app.screen.query_one("#export-problem").render())
        assert said == f"the folder {tmp_path / 'nowhere'} does not exist; create it first"
        await pilot.press("end", "ctrl+u")
        await kit.paste(pilot, "/proc/x.csv")
        await pilot.press("enter")  # refused in the dialog, which stays open
        said = str(app.screen.query_one("#export-problem").render())
        assert said == (
            "/proc/x.csv is not a regular file (a device, pipe or socket, or under /dev or "
            "/proc); give the path of a file"
        )
        await pilot.press("end", "ctrl+u")
        await kit.paste(pilot, "proposed.csv/")  # then a whole path pasted after it: read
        await kit.paste(pilot, str(tmp_path / "safe.csv"))  # from its start, as in Emacs
        await pilot.press("tab", "space")
        await pilot.press("shift+tab", "enter")
        await kit.settle(pilot)
    assert "'=HYPERLINK(1)" in (tmp_path / "safe.csv").read_text()


async def test_core_refusal_is_shown_not_raised(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        demo.store.delete("India sales leads")  # another process deletes it meanwhile
        await pilot.press("d", "y")
        await kit.settle(pilot)
        assert notes.errors == ["no audience named 'India sales leads'"]
        assert app.is_running
        # The list reads the store again: it shows what is there now.
        assert [a.name for a in app.screen.audiences] == ["UK clinic reminders"]


async def test_an_audience_renamed_or_deleted_elsewhere_opens_or_leaves(demo, kit):
    """Opened after another process renamed it, an audience opens under its new name
    (it is known by id); deleted while open, the grid goes back to the list."""
    from tui.screens.audience_list import AudienceListScreen
    from tui.screens.member_grid import MemberGridScreen

    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        demo.store.rename("India sales leads", "Kunden")
        await pilot.press("enter")
        await kit.settle(pilot)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen) and grid.audience is not None
        assert grid.audience.name == "Kunden" and "146 / 10,000" in await kit.text(pilot)
        demo.store.delete("Kunden")
        await pilot.press("u")  # nothing to undo; the grid reads the store again
        await kit.settle(pilot)
        assert isinstance(app.screen, AudienceListScreen)
        assert [a.name for a in app.screen.audiences] == ["UK clinic reminders"]


async def test_a_damaged_audience_is_offered_to_be_set_aside_and_its_file_kept(demo, kit):
    """Deleting needs the members for undo; when their file is damaged the app offers to
    set the audience aside instead, keeping the file in the store's damaged folder."""
    import json

    catalog = json.loads(demo.store.catalog_path.read_bytes())
    doc = next(d for d in catalog["audiences"].values() if d["name"] == "UK clinic reminders")
    damaged = demo.store.members_dir / doc["members_file"]
    damaged.write_bytes(damaged.read_bytes()[:100])  # truncated
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("down", "d", "y")
        await kit.settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        text = await kit.text(pilot)
        assert "The members file of UK clinic reminders is damaged" in text
        assert "kept in the store's damaged folder" in text
        await pilot.press("n")  # no: nothing changes
        await kit.settle(pilot)
        assert len(demo.store.list_audiences()) == 2 and damaged.exists()
        await pilot.press("d", "y")
        await kit.settle(pilot)
        await pilot.press("y")
        await kit.settle(pilot)
        assert [a.name for a in demo.store.list_audiences()] == ["India sales leads"]
        kept = demo.store.path / "damaged" / damaged.name
        assert kept.read_bytes() and not damaged.exists()
        assert any(m.startswith("Set 'UK clinic reminders' aside") for m in notes.messages)
        assert notes.errors == []


async def test_new_opens_the_new_audience_screen_in_the_start_folder(demo, kit):
    from tui.screens.new_audience import NewAudienceScreen

    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewAudienceScreen)


def test_snapshot_list_80x24(demo, kit, snap_compare):
    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=kit.settle)


def test_snapshot_list_100x32(demo, kit, snap_compare):
    assert snap_compare(demo.app(), terminal_size=(100, 32), run_before=kit.settle)


def test_snapshot_delete_confirm(demo, kit, snap_compare):
    async def before(pilot):
        await kit.settle(pilot)
        await pilot.press("d")

    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=before)


async def test_enter_with_focus_on_the_excel_safe_box_exports(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("down", "x", "tab")
        box = app.screen.query_one("#export-excel-safe", Checkbox)
        assert box.has_focus
        await pilot.press("space")  # space ticks
        assert box.value
        await pilot.press("enter")  # enter exports (it used to tick the box again)
        await kit.settle(pilot)
        assert not isinstance(app.screen, ExportModal)
    assert (demo.folder / "UK_clinic_reminders.csv").exists()


async def test_slash_after_coming_back_from_a_grid_opens_an_empty_filter(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await pilot.press("slash", "u", "k", "enter")  # open from the filter box
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        await pilot.press("escape")
        await kit.settle(pilot)
        await pilot.press("escape", "slash")  # clear the filter, then / again
        box = app.screen.query_one("#audience-filter", Input)
        assert box.has_focus and box.value == ""


async def test_one_member_is_said_in_the_singular(store: Store, tmp_path: Path, kit):
    kit.add_audience(store, tmp_path, "Solo", "phone,name\n+447400123456,Ann\n", "phone")
    app = make_app(store, export_dir=tmp_path)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        text = await kit.text(pilot)
        assert "1 member, room for 9,999" in text and "1 members" not in text
        await pilot.press("x")
        assert "Writes its 1 member." in await kit.text(pilot)
        await pilot.press("escape", "d")
        assert "and its 1 member?" in kit.squeeze(
            str(app.screen.query_one("#confirm-question").render())
        )


async def test_creating_an_audience_is_undone_from_the_list(demo, kit):
    shutil.copyfile(SAMPLES / "uk_clinic_reminders.csv", demo.folder / "again.csv")
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("n", "end", *"again.csv", "enter")
        await kit.settle(pilot)
        await pilot.press("enter")  # check
        await kit.settle(pilot)
        await pilot.press("enter")  # create
        await kit.settle(pilot)
        assert "Again" in [a.name for a in demo.store.list_audiences()]
        await pilot.press("u")
        await kit.settle(pilot)
        assert "Again" not in [a.name for a in demo.store.list_audiences()]
        assert "Undid: create audience 'Again'" in notes
        await pilot.press("ctrl+r")
        await kit.settle(pilot)
        assert demo.store.get("Again").member_count == 48


def test_snapshot_export_dialog_80x24(demo, kit, snap_compare):
    async def run_before(pilot) -> None:
        await kit.settle(pilot)
        await pilot.press("down", "x")
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
            box.value = "exports/UK_clinic_reminders.csv"  # (the test's folder varies)
        await pilot.pause()

    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=run_before)
