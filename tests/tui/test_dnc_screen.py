"""The do-not-call screen (D on the audience list): the numbers with where they came from
and when, adding (core refuses, nothing changes), removing after a confirm, undo, an
import that asks before leaving out invalid rows, the list's callable count following,
a damaged list said plainly, a locked store reported."""

from __future__ import annotations

import fcntl
import os
from datetime import timedelta

from ready_support import AT, LONDON, NEW_YORK, SUPPRESSED, Clock, dial_store

from core.store import Store
from core.suppress import SuppressionList, add_numbers, import_file
from tui.app import make_app
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.numbers import AddNumbersModal
from tui.screens.audience_list import AudienceListScreen
from tui.screens.do_not_call import DoNotCallScreen
from tui.widgets.frame_table import FrameTable

BAD_ROW = "name,phone\nAnn,+12025550123\nBo,12345\nCy,+447400100101\n"


async def open_list(pilot, kit) -> DoNotCallScreen:
    await kit.settle(pilot)
    await pilot.press("D")
    await kit.settle(pilot)
    assert isinstance(pilot.app.screen, DoNotCallScreen)
    return pilot.app.screen


def rows(screen: DoNotCallScreen) -> list[tuple[str, str, str]]:
    return list(screen.query_one(FrameTable).frame.iter_rows())


def callable_counts(app) -> list[str]:
    assert isinstance(app.screen, AudienceListScreen)
    return app.screen.query_one(FrameTable).frame["callable"].to_list()


def listed(store: Store) -> frozenset[str]:
    return SuppressionList.load(store).keys()


async def test_add_refused_then_added_and_the_list_counts_again(tmp_path, kit):
    store = dial_store(tmp_path, kit)
    app = make_app(store, clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        assert callable_counts(app) == ["5 / 10"]
        screen = await open_list(pilot, kit)
        assert rows(screen) == [(SUPPRESSED, "by hand", "2026-12-02 14:00")]
        text = await kit.text(pilot)
        assert "1 number · no file imported yet (numbers added by hand only)" in text
        await pilot.press("a")
        await kit.paste(pilot, f"{NEW_YORK[0]}, 12345")
        await pilot.press("enter")
        await kit.settle(pilot)
        # Refused whole by core: the dialog comes back with what was typed and why.
        assert isinstance(app.screen, AddNumbersModal)
        assert "number 2: too_short" in kit.squeeze(await kit.text(pilot))
        assert listed(store) == {SUPPRESSED}
        await pilot.press("ctrl+u")  # clears the box
        await kit.paste(pilot, "+1 212 555 0101 +44 7400 100101")  # two, split at the +
        await pilot.press("enter")
        await kit.settle(pilot)
        assert app.screen is screen
        assert listed(store) == {SUPPRESSED, NEW_YORK[0], LONDON[0]}
        assert [r[0] for r in rows(screen)] == sorted([SUPPRESSED, NEW_YORK[0], LONDON[0]])
        assert screen.current() == NEW_YORK[0]  # the cursor on what was added
        await pilot.press("escape")
        await kit.settle(pilot)
        assert callable_counts(app) == ["3 / 10"]


async def test_remove_asks_first_and_undo_puts_it_back(tmp_path, kit):
    store = dial_store(tmp_path, kit)
    app = make_app(store, clock=Clock())
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_list(pilot, kit)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmModal)
        assert f"Take {SUPPRESSED} off the do-not-call list?" in await kit.text(pilot)
        await pilot.press("n")
        await kit.settle(pilot)
        assert listed(store) == {SUPPRESSED}
        await pilot.press("d", "y")
        await kit.settle(pilot)
        assert listed(store) == frozenset() and rows(screen) == []
        await pilot.press("u")  # back, with where it came from and when
        await kit.settle(pilot)
        assert rows(screen) == [(SUPPRESSED, "by hand", "2026-12-02 14:00")]
        await pilot.press("ctrl+r", "escape")
        await kit.settle(pilot)
        assert listed(store) == frozenset()
        assert callable_counts(app) == ["6 / 10"]


async def test_import_asks_before_leaving_out_a_bad_row_and_searches(tmp_path, kit):
    store = dial_store(tmp_path, kit)
    (tmp_path / "dnc.csv").write_text(BAD_ROW, encoding="utf-8")
    clock = Clock()
    app = make_app(store, clock=clock, start_dir=tmp_path)
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_list(pilot, kit)
        await pilot.press("i")
        await kit.settle(pilot)
        await pilot.press("end")
        await kit.paste(pilot, "dnc.csv")
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # refused whole: nothing written yet
        text = kit.squeeze(await kit.text(pilot))
        assert "row 2 (line 3): too_short" in text
        assert "Leave out the 1 invalid row and import the other 2?" in text
        assert "--skip-invalid" not in text and listed(store) == {SUPPRESSED}
        await pilot.press("y")
        await kit.settle(pilot)
        assert listed(store) == {SUPPRESSED, "+12025550123", LONDON[0]}
        assert any(
            "Imported dnc.csv (column phone): 2 new numbers" in m
            and "left out 1 invalid row (no country code 1): row 2 (line 3)" in m
            for m in notes.messages
        )
        text = await kit.text(pilot)
        assert "3 numbers · newest import dnc.csv at 2026-12-02 14:00 (today): fresh" in text
        await pilot.press("slash", *"dnc")
        assert [r[0] for r in rows(screen)] == ["+12025550123", LONDON[0]]
        await pilot.press("escape")
        assert len(rows(screen)) == 3 and isinstance(app.screen, DoNotCallScreen)
        clock.now = AT + timedelta(days=40)
        screen.load_list()
        await kit.settle(pilot)
        assert "(40 days ago): older than 31 days" in kit.squeeze(await kit.text(pilot))


async def test_a_locked_store_is_reported_and_a_damaged_list_is_said(tmp_path, kit):
    dial_store(tmp_path, kit)
    store = Store(tmp_path / "store", lock_timeout=0.2)
    app = make_app(store, clock=Clock())
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_list(pilot, kit)
        fd = os.open(store.path / "lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # another process is writing
            await pilot.press("a")
            await kit.paste(pilot, NEW_YORK[0])
            await pilot.press("enter")
            await kit.settle(pilot)
        finally:
            os.close(fd)
        assert any("in use by another audiences process" in m for m in notes.errors)
        assert app.screen is screen and listed(store) == {SUPPRESSED}
        (store.path / "suppression.json").write_text('{"list": {"1": ')
        screen.load_list()
        await kit.settle(pilot)
        text = kit.squeeze(await kit.text(pilot))
        assert "is damaged" in text and "nothing can be changed here" in text
        assert rows(screen) == [] and "a Add" not in text and "d Remove" not in text
        await pilot.press("a", "d", "i")
        await kit.settle(pilot)
        assert app.screen is screen  # no dialog opens
        await pilot.press("escape")
        await kit.settle(pilot)
        assert callable_counts(app) == ["?"]


def test_snapshot_do_not_call_80x24(tmp_path, kit, snap_compare):
    store = dial_store(tmp_path, kit)
    add_numbers(store, [LONDON[1], "+919876543211"], at=AT - timedelta(days=9))
    (tmp_path / "crm-dnc-export.csv").write_text("phone\n+13105550199\n+12125550188\n")
    import_file(store, tmp_path / "crm-dnc-export.csv", "phone", at=AT - timedelta(days=3))

    async def before(pilot):
        await open_list(pilot, kit)
        await pilot.press("down")

    app = make_app(store, clock=Clock())
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
