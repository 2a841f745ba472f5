"""The app: the factory, demo mode, help and palette from the bindings, errors shown."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from textual.binding import Binding
from textual.command import CommandPalette

from core.store import Store
from tui.app import AudiencesApp, make_app
from tui.dialogs.help import HelpModal
from tui.dialogs.member_form import MemberFormModal
from tui.dialogs.rename import RenameModal
from tui.screens.audience_list import AudienceListScreen
from tui.screens.member_grid import MemberGridScreen


def descriptions(screen_class: type) -> list[str]:
    """What the help must say for each of a screen's keys."""
    return [
        b.tooltip or b.description
        for b in Binding.make_bindings(screen_class.BINDINGS)
        if b.description
    ]


def test_make_app_starts_in_the_demo_folder(tmp_path: Path):
    store = Store(tmp_path / "store")
    app = make_app(store, demo_folder=tmp_path / "samples")
    assert isinstance(app, AudiencesApp)
    assert app.places.start_dir == tmp_path / "samples"
    assert make_app(store, start_dir=tmp_path).places.start_dir == tmp_path
    assert make_app(store).places.start_dir == Path.cwd()


async def test_demo_says_where_the_samples_are(demo, kit):
    app = make_app(demo.store, demo_folder=demo.folder)
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        assert isinstance(app.screen, AudienceListScreen)
        assert app.screen.places.start_dir == demo.folder
        assert any(str(demo.folder) in m for m in notes.messages)
        assert "demo (a throwaway store)" in await kit.text(pilot)


async def test_help_lists_every_key_of_the_list_screen(demo, kit):
    app = demo.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await kit.settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpModal)
        text = await kit.text(pilot)
        assert "Keys: Audience list" in text
        for description in descriptions(AudienceListScreen):
            assert description in text
        assert "n New audience from a CSV file" in text
        await pilot.press("escape")
        assert isinstance(app.screen, AudienceListScreen)


async def test_help_lists_every_key_of_the_grid_and_of_a_dialog(demo, kit):
    app = demo.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await kit.settle(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        await pilot.press("question_mark")
        text = await kit.text(pilot)
        assert "Keys: Member grid" in text
        lines = kit.squeeze(str(app.screen.query_one("#help-lines").render()))
        for description in descriptions(MemberGridScreen):
            assert description in lines  # (long ones wrap under themselves)
        for move in ("pgdn One page down", "home, ^home First row", "end, ^end Last row"):
            assert move in lines  # under "Moving around"
        assert lines.index("Moving around") < lines.index("One page down")
        assert "e, ⏎ Edit the member" in lines
        assert "A Add members from a CSV file" in lines
        await pilot.press("escape", "a")
        assert isinstance(app.screen, MemberFormModal)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpModal)
        text = await kit.text(pilot)
        assert "Keys: Member form" in text
        assert "⏎, ^s Save (only when core accepts it)" in text
        assert "esc Close without saving" in text


async def test_help_wraps_under_the_descriptions_in_a_narrow_terminal(demo, kit):
    """At 60 columns every line of the help fits the box as wrapped (Textual would wrap a
    longer one again, at the left edge: `diff` under the keys); wider, lines join."""
    app = demo.app()
    async with app.run_test(size=(60, 30)) as pilot:
        await kit.settle(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        await pilot.press("question_mark")
        await kit.settle(pilot)
        help_lines = app.screen.query_one("#help-lines")

        def widest() -> int:
            return max(len(line) for line in str(help_lines.render()).splitlines())

        assert widest() <= help_lines.content_size.width
        narrow = len(str(help_lines.render()).splitlines())
        await pilot.resize_terminal(100, 30)
        await kit.settle(pilot)
        assert widest() <= help_lines.content_size.width
        assert len(str(help_lines.render()).splitlines()) < narrow


async def test_the_palette_offers_every_action_and_runs_it(demo, kit):
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for description in descriptions(AudienceListScreen):
            assert description in titles
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Rename the")
        await pilot.pause(0.3)  # the palette searches in a background task
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, RenameModal)


async def test_a_damaged_store_is_reported_in_the_app(tmp_path: Path, kit):
    store = Store(tmp_path / "store")
    store.path.mkdir(mode=0o700)
    store.catalog_path.write_text('{"store": {"1": {"format": "audiences-st')
    app = make_app(store)
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        assert app.is_running
        assert len(notes.errors) == 1 and "damaged" in notes.errors[0]
        assert "The store could not be read" in await kit.text(pilot)


async def test_a_locked_store_is_reported_in_the_app(demo, kit):
    store = Store(demo.store.path, lock_timeout=0.2)
    app = make_app(store)
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        fd = os.open(store.path / "lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # another process is writing
            await pilot.press("d", "y")
            await kit.settle(pilot)
        finally:
            os.close(fd)
        assert notes.errors == [
            f"the store {store.path} is in use by another audiences process; "
            "try again when it has finished"
        ]
        assert app.is_running
    assert len(demo.store.list_audiences()) == 2


def test_snapshot_help(demo, kit, snap_compare):
    async def before(pilot):
        await kit.settle(pilot)
        await pilot.press("question_mark")

    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=before)


def test_snapshot_light_theme(demo, kit, snap_compare):
    async def before(pilot):
        await kit.settle(pilot)
        pilot.app.theme = "textual-light"
        await pilot.press("enter")
        await kit.settle(pilot)

    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=before)


async def test_end_to_end_create_add_csv_add_edit_delete_undo(demo, kit, tmp_path: Path):
    """The whole path a user walks, with the store checked after every step."""
    from tui.screens.csv_diff import CsvDiffScreen
    from tui.screens.new_audience import NewAudienceScreen

    store = Store(tmp_path / "fresh", lock_timeout=30)
    app = make_app(store, start_dir=demo.folder)
    notes = kit.Notes(app)
    name = "India sales leads"
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        # create: choose the file, keep the suggested phone column and name, then the diff
        await pilot.press("n")
        await kit.settle(pilot)
        assert isinstance(app.screen, NewAudienceScreen)
        await pilot.press("end")
        await kit.paste(pilot, "india_sales_leads.csv")
        await pilot.press("enter")
        await kit.settle(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        await pilot.press("enter")  # refused: invalid and duplicate rows are not skipped yet
        await kit.settle(pilot)
        assert store.list_audiences() == []
        await pilot.press("i", "d", "enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, AudienceListScreen)
        assert store.get(name).member_count == 146
        assert app.screen.current().name == name

        # add by CSV: one row of the batch is already a member
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        await pilot.press("A", "end")
        await kit.paste(pilot, "india_sales_leads_batch2.csv")
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        await pilot.press("d", "enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        assert store.get(name).member_count == 170
        assert any(m.startswith("Added 24 members") for m in notes.messages)
        assert "170 / 10,000" in await kit.text(pilot)

        # add a member with the form
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, MemberFormModal)
        for i, value in enumerate(["919876543210", "Asha Rao", "Pune", "pro"]):
            form.query_one(f"#field-{i}").value = value
        await pilot.press("enter")
        await kit.settle(pilot)
        assert store.get(name).member_count == 171
        assert app.screen.current_key() == "+919876543210"

        # edit it
        await pilot.press("e")
        app.screen.query_one("#field-2").value = "Mumbai"
        await pilot.press("enter")
        await kit.settle(pilot)
        by_key = {m.e164: m for m in store.members(name)}
        assert by_key["+919876543210"].values["city"] == "Mumbai"

        # delete it, then undo the delete, the edit, the add and the CSV add
        await pilot.press("d", "y")
        await kit.settle(pilot)
        assert "+919876543210" not in {m.e164 for m in store.members(name)}
        await pilot.press("u")
        await kit.settle(pilot)
        by_key = {m.e164: m for m in store.members(name)}
        assert by_key["+919876543210"].values["city"] == "Mumbai"
        await pilot.press("u")
        await kit.settle(pilot)
        assert {m.e164: m for m in store.members(name)}["+919876543210"].values["city"] == "Pune"
        await pilot.press("u")
        await kit.settle(pilot)
        assert store.get(name).member_count == 170
        await pilot.press("u")
        await kit.settle(pilot)
        assert store.get(name).member_count == 146
        assert "Undid: add 24 members from india_sales_leads_batch2.csv" in notes
        assert notes.errors == []


async def test_the_demo_proposes_exports_outside_its_throwaway_folder(
    tmp_path: Path, kit, monkeypatch
) -> None:
    from core.demo import seed_demo
    from tui.dialogs.export import ExportModal

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(home)
    throwaway = tmp_path / "audiences-demo-x"  # as `audiences demo` lays it out
    store = Store(throwaway / "store")
    seed_demo(store, throwaway / "samples")
    app = make_app(store, demo_folder=throwaway / "samples")
    assert app.places.export_dir == home and app.places.thrown_away(throwaway / "store")
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ExportModal)
        box = app.screen.query_one("#export-path")
        assert box.value == str(home / "India_sales_leads.csv")
        assert "deleted when the demo ends" not in await kit.text(pilot)
        box.value = str(throwaway / "samples" / "out.csv")
        await pilot.pause()
        assert "this folder is deleted when the demo ends" in await kit.text(pilot)


def footer_labels(screen) -> list[str]:
    """What the footer must show whole on `screen`: `key description`, or for a group of
    keys each key and then the group's word (`u^r Undo`)."""
    app = screen.app
    labels: list[str] = []
    groups: dict[str, list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not (binding.show and active.enabled):
            continue
        key = app.get_key_display(binding)
        if binding.group is not None:
            groups.setdefault(binding.group.description, []).append(key)
        else:
            labels.append(f"{key} {binding.description}")
    labels += [f"{''.join(keys)} {word}" for word, keys in groups.items()]
    return labels


async def test_every_footer_label_shows_whole_at_80x24(demo, kit) -> None:
    import shutil

    from core.demo import SAMPLES

    shutil.copyfile(SAMPLES / "webinar_signups.csv", demo.folder / "webinar_signups.csv")
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await kit.settle(pilot)
        screens = []

        async def check() -> None:
            footer = (await kit.text(pilot))[-200:]
            labels = footer_labels(app.screen)
            screens.append(type(app.screen).__name__)
            # the footer's own spelling glues key and word; compare without spaces
            shown = footer.replace(" ", "")
            for label in labels:
                assert label.replace(" ", "") in shown, (type(app.screen).__name__, label)

        await check()  # the list
        await pilot.press("enter")
        await kit.settle(pilot)
        await check()  # the grid
        await pilot.press("A", "end")
        await kit.paste(pilot, "india_sales_leads_batch2.csv")
        await pilot.press("enter")
        await kit.settle(pilot)
        await check()  # the diff view, with a duplicate to skip
        await pilot.press("escape")
        await kit.settle(pilot)
        await pilot.press("escape")
        await kit.settle(pilot)
        await pilot.press("n")
        await kit.settle(pilot)
        await pilot.press("end", *"webinar_signups.csv", "enter")
        await kit.settle(pilot)
        await check()  # new audience, preview
        assert screens == [
            "AudienceListScreen",
            "MemberGridScreen",
            "CsvDiffScreen",
            "NewAudienceScreen",
        ]


async def test_a_crash_report_shows_where_not_the_data(demo, kit, monkeypatch, capfd) -> None:
    """An unexpected error ends the app with where it happened and its type; the values
    of local variables and the error's text (a member's number and name here), which
    Textual's own report prints, are left out."""
    import pytest

    from tui.screens.audience_list import AudienceListScreen

    def crash(self) -> None:  # type: ignore[no-untyped-def]
        member = "Ann Lee +447400123456"
        raise ValueError(f"cannot open {member}")

    monkeypatch.setattr(AudienceListScreen, "action_open_audience", crash)
    app = demo.app()
    with pytest.raises(ValueError):
        async with app.run_test() as pilot:
            await kit.settle(pilot)
            await pilot.press("enter")
            await pilot.pause()
    report = capfd.readouterr().err
    assert "unexpected error (ValueError)" in report and "in crash" in report
    assert "447400123456" not in report and "Ann Lee" not in report
