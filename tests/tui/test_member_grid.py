"""The member grid: count, search, sort, marks, add, edit, delete, undo/redo, add by CSV."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest
from textual.widgets import Input

from core.audience import MEMBER_LIMIT, Member, member_label
from core.store import Store
from tui.app import make_app
from tui.dialing import CALL, LINE, LOCAL
from tui.dialogs.check_file import CheckFileModal
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.member_form import MemberFormModal
from tui.screens.member_grid import STATUS, MemberGridScreen
from tui.widgets.frame_table import FrameTable

UK = "UK clinic reminders"


async def open_audience(pilot, kit, name: str) -> MemberGridScreen:
    """From the list, move to the audience and press enter."""
    app = pilot.app
    names = [a.name for a in app.screen.shown]
    for _ in range(names.index(name)):
        await pilot.press("down")
    await pilot.press("enter")
    await kit.settle(pilot)
    assert isinstance(app.screen, MemberGridScreen)
    return app.screen


async def add_csv(pilot, kit, file_name: str) -> None:
    """A, then the file's name after the folder the picker starts in, then enter."""
    await pilot.press("A", "end")
    await kit.paste(pilot, file_name)
    await pilot.press("enter")


def view_column(grid: MemberGridScreen, column: str) -> list[str]:
    return grid.query_one(FrameTable).frame[column].to_list()


async def fill_form(pilot, values: list[str]) -> None:
    form = pilot.app.screen
    assert isinstance(form, MemberFormModal)
    for i, value in enumerate(values):
        form.query_one(f"#field-{i}").value = value
    await pilot.pause()


async def test_every_column_a_status_column_and_the_counter(demo, kit):
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        table = grid.query_one(FrameTable)
        assert table.columns == [
            "phone",
            "first_name",
            "last_name",
            "city",
            "appointment_day",
            LOCAL,
            CALL,
            STATUS,
            LINE,
        ]
        assert set(view_column(grid, STATUS)) == {"GB mobile"}
        text = await kit.text(pilot)
        assert "48 / 10,000 members · callable now: 48 / 48 · room for 9,952" in text
        assert "status" in text and "appointment_day" in text


async def test_search_across_columns_and_escape_clears(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        await pilot.press("slash", *"leeds")
        cities = view_column(grid, "city")
        assert cities and set(cities) == {"Leeds"}
        assert f"{len(cities)} shown" in await kit.text(pilot)
        await pilot.press("escape")
        assert grid.query_one(FrameTable).row_count == 48
        assert isinstance(app.screen, MemberGridScreen)  # escape cleared, did not leave


async def test_sort_by_the_column_under_the_cursor_toggles(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        await pilot.press("right", "s")
        names = view_column(grid, "first_name")
        assert names == sorted(names)
        assert "first_name ↑" in await kit.text(pilot)
        await pilot.press("s")
        assert view_column(grid, "first_name") == sorted(names, reverse=True)


async def test_mark_delete_undo_redo(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        first, second = view_column(grid, "phone")[:2]
        await pilot.press("space", "space")
        # The marks come first on the line, the room left goes (at 80 columns it ran out).
        text = await kit.text(pilot)
        assert "48 / 10,000 members · 2 marked · callable now: 48 / 48" in text
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmModal)
        audience, members = demo.store.load(UK)
        labels = [member_label(audience, m) for m in members[:2]]
        assert labels[0].endswith(")") and "(+44 7" in labels[0]  # "Name Surname (+44 7…)"
        question = kit.squeeze(str(app.screen.query_one("#confirm-question").render()))
        assert question == (
            f"Delete the 2 marked members ({labels[0]}, {labels[1]}) from UK clinic reminders?"
            " (u undoes it)"
        )
        await pilot.press("y")
        await kit.settle(pilot)
        kept = {m.values["phone"] for m in demo.store.members(UK)}
        assert len(kept) == 46 and first not in kept and second not in kept
        assert "Deleted 2 members; u undoes it" in notes
        assert "46 / 10,000" in await kit.text(pilot)
        await pilot.press("u")
        await kit.settle(pilot)
        assert [m.values["phone"] for m in demo.store.members(UK)][:2] == [first, second]
        assert "Undid: remove 2 members" in notes
        await pilot.press("ctrl+r")
        await kit.settle(pilot)
        assert demo.store.get(UK).member_count == 46


async def test_undo_and_redo_put_the_cursor_on_the_member_that_came_back(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        table = grid.query_one(FrameTable)
        await pilot.press(*["down"] * 12)
        phone = view_column(grid, "phone")[12]
        await pilot.press("d", "y")
        await kit.settle(pilot)
        await pilot.press(*["up"] * 12)
        assert table.cursor_row == 0
        await pilot.press("u")
        await kit.settle(pilot)
        assert view_column(grid, "phone")[table.cursor_row] == phone
        await pilot.press(*["up"] * 12, "ctrl+r")  # deleted again: nothing to show
        await kit.settle(pilot)
        assert phone not in view_column(grid, "phone") and table.cursor_row == 0


async def test_a_member_the_search_hides_is_said_to_be_hidden(demo, kit):
    """Added (or brought back by an undo) while a search shows other members: the grid
    says the member is there but hidden, instead of nothing."""
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await pilot.press("slash", *"leeds", "enter", "a")
        await fill_form(pilot, ["+447400123456", "Ada", "Lovelace", "London", "Mon"])
        await pilot.press("enter")
        await kit.settle(pilot)
        assert "Added 1 member; u undoes it" in notes
        assert (
            "That member is not shown: the search or a filter hides it (esc clears them)" in notes
        )


async def test_delete_the_current_member_when_none_is_marked(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        await pilot.press("down")
        phone = view_column(grid, "phone")[1]
        await pilot.press("d")
        audience, members = demo.store.load(UK)
        label = member_label(audience, members[1])
        question = kit.squeeze(str(app.screen.query_one("#confirm-question").render()))
        assert question == f"Delete {label} from UK clinic reminders? (u undoes it)"
        await pilot.press("escape")  # no
        await kit.settle(pilot)
        assert demo.store.get(UK).member_count == 48
        await pilot.press("d", "y")
        await kit.settle(pilot)
        assert phone not in {m.values["phone"] for m in demo.store.members(UK)}


async def test_add_edit_undo_through_the_form(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        await pilot.press("a")
        await fill_form(pilot, ["+447400123456", "Ada", "Lovelace", "London", "Mon"])
        await pilot.press("enter")
        await kit.settle(pilot)
        added = {m.e164: m for m in demo.store.members(UK)}["+447400123456"]
        assert added.values["first_name"] == "Ada"
        assert "Added 1 member; u undoes it" in notes
        assert grid.current_key() == "+447400123456"  # the cursor is on the new member
        assert "49 / 10,000" in await kit.text(pilot)

        await pilot.press("e")
        assert isinstance(app.screen, MemberFormModal)
        form = app.screen
        form.query_one("#field-3").value = "Bath"
        await pilot.press("enter")
        await kit.settle(pilot)
        assert {m.e164: m for m in demo.store.members(UK)}["+447400123456"].values["city"] == "Bath"

        await pilot.press("u")
        await kit.settle(pilot)
        assert {m.e164: m for m in demo.store.members(UK)}["+447400123456"].values[
            "city"
        ] == "London"
        await pilot.press("u")
        await kit.settle(pilot)
        assert "+447400123456" not in {m.e164 for m in demo.store.members(UK)}
        assert "Undid: add member" in notes
        for _ in range(3):
            await pilot.press("u")  # the history is empty now: says so
        await kit.settle(pilot)
        assert "Nothing to undo" in notes
        assert demo.store.get(UK).member_count == 48


async def test_enter_edits_too(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await pilot.press("enter")
        assert isinstance(app.screen, MemberFormModal)


async def test_a_refused_member_is_not_written(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await pilot.press("a")
        await fill_form(pilot, ["447400123456", "Ada", "Lovelace", "London", "Mon"])
        await pilot.press("enter")
        assert isinstance(app.screen, MemberFormModal)
        assert "style_mismatch" in await kit.text(pilot)
        await pilot.press("escape")
        await kit.settle(pilot)
    assert demo.store.get(UK).member_count == 48


def gb_numbers(count: int) -> list[str]:
    numbers: list[str] = []
    candidate = 447400000000
    while len(numbers) < count:
        candidate += 1
        number = phonenumbers.parse(f"+{candidate}")
        if phonenumbers.is_valid_number(number):
            numbers.append(f"+{candidate}")
    return numbers


@pytest.fixture
def nearly_full(tmp_path: Path) -> Store:
    store = Store(tmp_path / "store", lock_timeout=30)
    members = [
        Member({"phone": n, "name": f"m{i}"}, n, "GB", "mobile")
        for i, n in enumerate(gb_numbers(MEMBER_LIMIT - 1))
    ]
    store.create("Full", ["phone", "name"], "phone", members, ["phone"])
    return store


async def test_the_limit_refuses_the_ten_thousand_and_first(nearly_full: Store, kit):
    app = make_app(nearly_full)
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, "Full")
        assert "room for 1" in await kit.text(pilot)
        await pilot.press("a")
        await fill_form(pilot, ["+447411111111", "last one"])
        await pilot.press("enter")
        await kit.settle(pilot)
        assert nearly_full.get("Full").member_count == MEMBER_LIMIT
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, MemberGridScreen)  # no form: the audience is full
        assert "The audience is full (10,000 members): delete members first" in notes


async def test_a_store_error_is_shown_not_raised(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        key = grid.current_key()
        demo.store.remove_members(UK, [key])  # another process removed it meanwhile
        await pilot.press("d", "y")
        await kit.settle(pilot)
        assert notes.errors == [f"nothing was removed: 1 of the numbers is not a member of {UK!r}"]
        assert app.is_running and isinstance(app.screen, MemberGridScreen)


async def test_export_from_the_grid(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await pilot.press("x")
        assert "Writes all 48 members." in await kit.text(pilot)
        await pilot.press("escape", "slash", *"leeds", "enter", "x")
        assert "Writes the 6 members shown." in await kit.text(pilot)  # the search's rows
        await pilot.press("enter")
        await kit.settle(pilot)
    lines = (demo.folder / "UK_clinic_reminders.csv").read_text().splitlines()
    assert len(lines) == 7 and all("Leeds" in line for line in lines[1:])


async def test_add_by_csv_explains_a_file_it_cannot_read_and_stays_open(demo, kit):
    app = demo.app()
    (demo.folder / "binary.csv").write_bytes(b"\x00\x01\x02" * 100)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await add_csv(pilot, kit, "binary.csv")
        await kit.settle(pilot)
        assert isinstance(app.screen, CheckFileModal)  # choose another file at once
        assert "binary data (NUL bytes), not CSV text" in await kit.text(pilot)
        await pilot.press("escape")
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
    assert demo.store.get(UK).member_count == 48


async def test_add_by_csv_converts_another_encoding_only_with_consent(demo, kit):
    from tui.dialogs.encoding import EncodingConsentModal
    from tui.screens.csv_diff import CsvDiffScreen

    text = "phone_number,customer_name,city,plan\n919876543210,José,Pune,pro\n"
    (demo.folder / "latin.csv").write_bytes(text.encode("cp1252"))
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, "India sales leads")
        await add_csv(pilot, kit, "latin.csv")
        await kit.settle(pilot)
        assert isinstance(app.screen, EncodingConsentModal)
        assert "Read as Western European (cp1252)" in await kit.text(pilot)
        await pilot.press("y")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        await pilot.press("enter")
        await kit.settle(pilot)
    members = {m.e164: m for m in demo.store.members("India sales leads")}
    assert members["+919876543210"].values["customer_name"] == "José"


async def test_add_by_csv_shows_the_diff_and_adds(demo, kit):
    from tui.screens.csv_diff import CsvDiffScreen

    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, "India sales leads")
        await add_csv(pilot, kit, "india_sales_leads_batch2.csv")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        await pilot.press("escape")  # cancel: nothing written
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        assert demo.store.get("India sales leads").member_count == 146
        await add_csv(pilot, kit, "india_sales_leads_batch2.csv")
        await kit.settle(pilot)
        await pilot.press("d", "enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, MemberGridScreen)
        assert demo.store.get("India sales leads").member_count == 170
        assert "Added 24 members; 1 skipped as a duplicate" in notes
        assert "170 / 10,000" in await kit.text(pilot)
        await pilot.press("u")
        await kit.settle(pilot)
        assert demo.store.get("India sales leads").member_count == 146


async def test_add_by_csv_with_wrong_header_case_is_refused(demo, kit):
    from tui.screens.csv_diff import CsvDiffScreen

    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, "India sales leads")
        await add_csv(pilot, kit, "india_leads_wrong_headers.csv")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        assert "'Phone_Number' should be 'phone_number'" in await kit.text(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)  # refused: still there
    assert demo.store.get("India sales leads").member_count == 146


async def test_add_by_csv_past_the_limit_is_refused(nearly_full: Store, tmp_path: Path, kit):
    from tui.screens.csv_diff import CsvDiffScreen

    extra = gb_numbers(MEMBER_LIMIT + 2)[-3:]
    (tmp_path / "more.csv").write_text("phone,name\n" + "".join(f"{n},x\n" for n in extra))
    app = make_app(nearly_full, start_dir=tmp_path)
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, "Full")
        await add_csv(pilot, kit, "more.csv")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        assert any("at most 1 more" in m for m in notes.messages)
    assert nearly_full.get("Full").member_count == MEMBER_LIMIT - 1


async def test_hostile_text_shows_literally_and_breaks_nothing(hostile, kit):
    app = make_app(hostile)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        text = await kit.text(pilot)
        assert "[b]Mark[/b] up" in text
        await pilot.press("enter")
        await kit.settle(pilot)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen)
        text = await kit.text(pilot)
        for shown in ("[bold]Zed[/bold]", "[/", "[@click=app.quit]x[/]", "Eve]0;ownedMallory"):
            assert shown in text
        output = await kit.output(pilot)
        assert "\x07" not in output and "\x1b]0;" not in output
        # click on every row, edit one, delete one: nothing is read as markup or actions
        for row in range(4):
            grid.query_one(FrameTable).move_cursor(row=row)
            await pilot.click(FrameTable, offset=(5, row + 1))
        await pilot.press("e")
        assert "[bold]Zed[/bold]" in await kit.text(pilot)
        await pilot.press("escape", "d")
        assert "[b]Mark[/b] up" in await kit.text(pilot)
        await pilot.press("y")
        await kit.settle(pilot)
        assert app.is_running
    assert hostile.get("[b]Mark[/b] up").member_count == 3


def test_snapshot_grid_80x24(demo, kit, snap_compare):
    async def before(pilot):
        await kit.settle(pilot)
        await pilot.press("down", "enter")
        await kit.settle(pilot)
        await pilot.press("space", "space")

    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=before)


def test_snapshot_grid_searched_and_sorted_100x32(demo, kit, snap_compare):
    async def before(pilot):
        await kit.settle(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        await pilot.press("slash", *"pune", "enter", "right", "s")

    assert snap_compare(demo.app(), terminal_size=(100, 32), run_before=before)


def test_snapshot_hostile_grid(hostile, kit, snap_compare):
    async def before(pilot):
        await kit.settle(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)

    assert snap_compare(make_app(hostile), terminal_size=(80, 24), run_before=before)


def test_snapshot_member_form_edit(demo, kit, snap_compare):
    async def before(pilot):
        await kit.settle(pilot)
        await pilot.press("down", "enter")
        await kit.settle(pilot)
        await pilot.press("e")
        await kit.settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture flaky
        await pilot.pause()

    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=before)


async def test_columns_named_like_the_apps_own_work_in_grid_and_diff(tmp_path: Path, kit):
    """Audience columns may be named __e164, __status, __row...: the grid's and the diff
    view's own columns must never clash with them."""
    from tui.screens.csv_diff import CsvDiffScreen

    store = Store(tmp_path / "store", lock_timeout=30)
    names = ["phone", "__e164", "__status", "__row", "__hint", "__region", "__type", "__i"]
    header = ",".join(names)
    kit.add_audience(store, tmp_path, "Odd", f"{header}\n+447400100100,a,b,c,d,e,f,g\n", "phone")
    (tmp_path / "more.csv").write_text(f"{header}\n+447400100101,h,i,j,k,l,m,n\n")
    app = make_app(store, start_dir=tmp_path)
    async with app.run_test(size=(160, 32)) as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, "Odd")
        assert grid.query_one(FrameTable).columns == [*names, LOCAL, CALL, STATUS, LINE]
        assert view_column(grid, "__e164") == ["a"]
        await pilot.press("space")  # a mark is found by the E.164 key, not by "__e164"
        assert "1 marked" in await kit.text(pilot)
        await add_csv(pilot, kit, "more.csv")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        text = await kit.text(pilot)
        assert "Valid and new 1" in text and "__hint" in text
        await pilot.press("enter")
        await kit.settle(pilot)
        assert [m.values["__row"] for m in store.members("Odd")] == ["c", "j"]


# --- what a 10,000-row list needs ------------------------------------------------------


async def test_bulk_marks_follow_the_search_and_the_status_filter(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        await pilot.press("slash", *"leeds", "enter", "asterisk")  # mark the 6 found
        leeds = set(view_column(grid, "(e164)"))
        assert grid.marked == leeds and len(leeds) == 6
        await pilot.press("escape")  # the search goes, the marks stay
        assert "6 marked" in await kit.text(pilot)
        await pilot.press("exclamation_mark")  # invert over all 48
        assert len(grid.marked) == 42 and not grid.marked & leeds
        await pilot.press("minus")
        assert grid.marked == set()
        # the status filter: every member of this demo audience is GB mobile
        await pilot.press("f")
        assert grid.status_filter == "GB mobile" and "status GB mobile" in await kit.text(pilot)
        await pilot.press("asterisk")
        assert len(grid.marked) == 48
        await pilot.press("f")
        assert grid.status_filter is None


async def test_marks_hidden_by_the_search_are_counted_and_deleted_by_name(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        await pilot.press("space", "space", "space", "space")  # four marked
        await pilot.press("slash", *"leeds", "enter")
        text = await kit.text(pilot)
        hidden = len(grid.marked - set(view_column(grid, "(e164)")))
        assert f"4 ({hidden} hidden) marked" in text
        await pilot.press("d")
        question = kit.squeeze(str(app.screen.query_one("#confirm-question").render()))
        assert question.startswith("Delete the 4 marked members (")
        assert "and 1 other)" in question and f"{hidden} of them not shown now" in question
        await pilot.press("y")
        await kit.settle(pilot)
        assert demo.store.get(UK).member_count == 44
        assert "Deleted 4 members; u undoes it" in notes


async def test_export_writes_the_marked_members_and_says_so(demo, kit):
    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        await pilot.press("space", "space", "space", "x")
        assert "Writes the 3 marked members." in await kit.text(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        lines = (demo.folder / "UK_clinic_reminders.csv").read_text().splitlines()
        assert len(lines) == 4
        assert sorted(grid.marked) == sorted(
            "+" + line.split(",")[0].lstrip("+") for line in lines[1:]
        )
        assert any(m.startswith("Exported the 3 marked members of") for m in notes.messages)


async def test_sort_goes_up_down_then_back_to_the_original_order(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        original = view_column(grid, "phone")
        await pilot.press("right", "s")
        assert view_column(grid, "first_name") == sorted(view_column(grid, "first_name"))
        await pilot.press("s")
        assert "first_name ↓" in await kit.text(pilot)
        await pilot.press("s")
        assert view_column(grid, "phone") == original
        assert "↑" not in await kit.text(pilot) and "↓" not in await kit.text(pilot)


async def test_where_am_i_row_of_all_and_of_the_search(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await pilot.press("down", "down")
        assert "Row 3 of 48 ·" in await kit.text(pilot)
        await pilot.press("end")
        assert "Row 48 of 48 ·" in await kit.text(pilot)
        await pilot.press("slash", *"leeds", "enter", "home", "down")
        assert "Row 2 of 6 shown ·" in await kit.text(pilot)


async def test_the_phone_column_comes_first_and_stays_while_scrolling(store: Store, tmp_path, kit):
    wide = ",".join(f"column_{n}" for n in range(10))
    rows = "\n".join(
        f"{'x' * 12}{i},+4474001230{i:02d}," + ",".join(f"value {n}" for n in range(10))
        for i in range(5)
    )
    kit.add_audience(store, tmp_path, "Wide", f"name,phone,{wide}\n{rows}\n", "phone")
    app = make_app(store)
    async with app.run_test(size=(60, 20)) as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, "Wide")
        table = grid.query_one(FrameTable)
        assert table.columns[:2] == ["phone", "name"]
        for _ in range(11):
            await pilot.press("right")
        assert table.scroll_x > 0
        assert "+447400123000" in table.render_line(1).text  # pinned
        assert "name" not in table.render_line(0).text  # scrolled away


async def test_a_search_with_no_match_says_so(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await pilot.press("slash", *"zzzz")
        text = await kit.text(pilot)
        assert "No member matches the search (esc clears it)" in text
        assert "No members yet" not in text


async def test_q_goes_back_then_quits(demo, kit):
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await pilot.press("q")
        await kit.settle(pilot)
        assert not isinstance(app.screen, MemberGridScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_number_listed_while_the_form_is_open_is_not_added(demo, kit):
    """Another process (the CLI) puts the number on the do-not-call list after the form
    judged it: the save is refused with the reason, and nothing is written."""
    from core.suppress import add_numbers

    app = demo.app()
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        await open_audience(pilot, kit, UK)
        await pilot.press("a")
        await fill_form(pilot, ["+447400123456", "Ada", "Lovelace", "London", "Mon"])
        add_numbers(demo.store, ["+447400123456"])
        await pilot.press("enter")
        await kit.settle(pilot)
        assert "+447400123456" not in {m.e164 for m in demo.store.members(UK)}
        assert any("do-not-call list" in m for m in notes.errors), notes.seen
        assert not any("+447400123456" in m for m in notes.messages)
        assert demo.store.get(UK).member_count == 48
        # The form is back with what was typed and why it was not saved.
        form = app.screen  # open again once the members were read again
        assert isinstance(form, MemberFormModal) and form.member is None
        assert form.to_model()["first_name"] == "Ada" and form.to_model()["city"] == "London"
        await pilot.pause()
        summary = form.query_one("#member-form-summary")
        said = kit.squeeze(str(summary.render()))
        assert summary.display and said.startswith("Not saved: ") and "do-not-call list" in said
        assert said.endswith("What you typed is kept: enter saves again")
        # Now the form knows the list: another number saves.
        form.query_one("#field-0").value = "+447400123457"
        await pilot.press("enter")
        await kit.settle(pilot)
        added = {m.e164: m for m in demo.store.members(UK)}["+447400123457"]
        assert added.values["last_name"] == "Lovelace"


async def test_a_save_refused_by_a_locked_store_reopens_the_form_at_once(demo, kit):
    """Another process holds the store's lock: the save is refused once (no reload that
    would wait on the same lock), and the form is back with what was typed."""
    import fcntl
    import os

    store = Store(demo.store.path, lock_timeout=0.2)
    app = make_app(store)
    notes = kit.Notes(app)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        await pilot.press("e")
        app.screen.query_one("#field-3").value = "Bath"
        fd = os.open(store.path / "lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            await pilot.press("enter")
            await kit.settle(pilot)
        finally:
            os.close(fd)
        assert len(notes.errors) == 1 and "in use by another audiences process" in notes.errors[0]
        form = app.screen
        assert isinstance(form, MemberFormModal) and form.member is not None
        assert form.to_model()["city"] == "Bath"
        await pilot.press("enter")  # the lock is gone: it saves
        await kit.settle(pilot)
        assert grid.refused_form is None and isinstance(app.screen, MemberGridScreen)
        assert store.load(UK)[1][0].values["city"] == "Bath"


async def test_an_edit_of_a_member_removed_meanwhile_comes_back_as_an_add(demo, kit):
    """Another process removes the member being edited: the save is refused, and the
    form opens again (as an add, saying so) with what was typed; esc asks first."""
    app = demo.app()
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, UK)
        key = grid.current_key()
        await pilot.press("e")
        app.screen.query_one("#field-3").value = "Bath"
        demo.store.remove_members(UK, [key])
        await pilot.press("enter")
        await kit.settle(pilot)
        form = app.screen  # open again once the members were read again
        assert isinstance(form, MemberFormModal) and form.member is None
        assert form.to_model()["city"] == "Bath"
        await pilot.pause()
        summary = form.query_one("#member-form-summary")
        said = kit.squeeze(str(summary.render()))
        assert summary.display and said == (
            "Not saved: the member is no longer in the audience under this number (another "
            "program removed it or changed its number). What you typed is kept: enter adds "
            "it as a new member"
        )
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmModal)  # what was typed is not dropped silently
        await pilot.press("n")
        await pilot.press("enter")
        await kit.settle(pilot)
        assert {m.e164: m for m in demo.store.members(UK)}[key].values["city"] == "Bath"
