"""FrameTable: a Line-API table over a Polars frame (paging, cursor, marks, literal text)."""

from __future__ import annotations

import polars as pl
from textual.app import App, ComposeResult
from textual.widgets import Footer

from tui.display import clean
from tui.widgets.frame_table import FrameTable, fit_cell


def people(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": [f"Person {i}" for i in range(n)],
            "phone": [f"+44770090{i:04d}" for i in range(n)],
            "city": ["London" if i % 2 else "Mumbai" for i in range(n)],
        }
    )


class TableApp(App[None]):
    """A screen holding one FrameTable (and the Footer), recording its messages."""

    def __init__(self, frame: pl.DataFrame | None, **kwargs: object) -> None:
        super().__init__()
        self.frame = frame
        self.kwargs = kwargs
        self.moved: list[int] = []
        self.activated: list[int] = []

    def compose(self) -> ComposeResult:
        yield FrameTable(self.frame, id="table", **self.kwargs)  # type: ignore[arg-type]
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FrameTable).focus()

    def on_frame_table_cursor_moved(self, message: FrameTable.CursorMoved) -> None:
        self.moved.append(message.row)

    def on_frame_table_row_activated(self, message: FrameTable.RowActivated) -> None:
        self.activated.append(message.row)


def screen_text(app: App[None]) -> str:
    """The plain text on screen now."""
    table = app.query_one(FrameTable)
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def visible_rows(table: FrameTable) -> int:
    return table.scrollable_content_region.height - 1


async def test_arrows_pages_and_ends_move_the_cursor() -> None:
    app = TableApp(people(100))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FrameTable)
        await pilot.press("down", "down", "right")
        assert (table.cursor_row, table.cursor_column) == (2, 1)
        page = visible_rows(table)
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + page
        assert table.scroll_y > 0
        assert f"Person {table.cursor_row}" in screen_text(app)
        await pilot.press("pageup")
        assert table.cursor_row == 2
        await pilot.press("end")
        assert table.cursor_row == 99
        assert "Person 99" in screen_text(app)
        assert "Person 0 " not in screen_text(app)
        await pilot.press("down", "right", "right", "right")
        assert (table.cursor_row, table.cursor_column) == (99, 2)  # clamped
        await pilot.press("home")
        assert table.cursor_row == 0
        assert table.scroll_y == 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.activated == [0]
        assert 99 in app.moved


async def test_a_million_rows_open_and_page() -> None:
    n = 1_000_000
    frame = pl.DataFrame({"phone": pl.int_range(0, n, eager=True).cast(pl.String)})
    app = TableApp(frame)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FrameTable)
        assert table.virtual_size.height == n + 1
        for _ in range(3):
            await pilot.press("pagedown")
        assert table.cursor_row == 3 * visible_rows(table)
        await pilot.press("end")
        assert table.cursor_row == n - 1
        assert str(n - 1) in screen_text(app)
        await pilot.press("pageup")
        assert table.cursor_row == n - 1 - visible_rows(table)


async def test_marks_show_in_the_gutter() -> None:
    app = TableApp(people(10))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FrameTable)
        table.set_marked({1, 3})
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[2].startswith("●") and lines[4].startswith("●")
        assert not lines[1].startswith("●")
        assert table.marked == {1, 3}


async def test_user_text_is_shown_literally_never_as_markup() -> None:
    frame = pl.DataFrame(
        {
            "name": ["[bold]Zed[/bold]", "[/", "\x1b]0;owned\x07Eve", "abc\u202edef", "a\nb"],
            "phone": ["+447700900001"] * 5,
        }
    )
    app = TableApp(frame, labels={"name": "[red]Name"})
    async with app.run_test(size=(80, 24)):
        text = screen_text(app)
        assert "[bold]Zed[/bold]" in text
        assert "[red]Name" in text
        assert "[/" in text
        assert "]0;ownedEve" in text
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "abcdef" in text
        assert "a b" in text


async def test_long_values_end_in_an_ellipsis_and_columns_can_be_chosen() -> None:
    frame = pl.DataFrame({"a": ["x" * 100], "b": ["hidden"], "c": ["shown"]})
    app = TableApp(frame, columns=["c", "a"], labels={"a": "Long"})
    async with app.run_test(size=(80, 24)):
        table = app.query_one(FrameTable)
        assert table.columns == ["c", "a"]
        text = screen_text(app)
        assert "hidden" not in text
        assert "x" * 39 + "…" in text
        assert table.row(0) == {"a": "x" * 100, "b": "hidden", "c": "shown"}


async def test_set_frame_resets_or_keeps_the_cursor_and_empty_frames_show_a_placeholder() -> None:
    app = TableApp(people(50))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FrameTable)
        await pilot.press("pagedown")
        row = table.cursor_row
        table.set_marked({1})
        table.set_frame(people(40), keep_cursor=True)
        assert table.cursor_row == row and table.marked == {1}
        table.set_frame(people(5), keep_cursor=True)
        assert table.cursor_row == 4
        table.set_frame(people(30))
        assert table.cursor_row == 0 and table.marked == set()
        table.set_frame(people(0))
        await pilot.pause()
        assert "No rows" in screen_text(app)
        await pilot.press("down", "enter")
        assert app.activated == []


async def test_clicking_a_cell_moves_the_cursor() -> None:
    app = TableApp(people(20))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FrameTable)
        # Row 3 is on line 4 (the header is line 0); x=20 is in the second column.
        await pilot.click(FrameTable, offset=(20, 4))
        assert (table.cursor_row, table.cursor_column) == (3, 1)


async def test_row_style_hook_is_used() -> None:
    app = TableApp(people(10))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FrameTable)
        plain = table.render_line(3)
        table.row_style = lambda i: "error" if i == 2 else None
        table.set_frame(table.frame, keep_cursor=True)  # redraws with the hook
        await pilot.pause()
        styled = table.render_line(3)
        assert styled.text == plain.text
        assert styled != plain


def test_cell_helpers() -> None:
    assert clean(None) == ""
    assert clean(12) == "12"
    assert clean("a\tb\x1b") == "a b"
    assert clean("one\r\ntwo\nthree") == "one two three"
    assert fit_cell("abcdef", 4) == "abc…"
    assert fit_cell("ab", 4) == "ab  "
    assert fit_cell("7", 3, right=True) == "  7"
    assert fit_cell("日本語", 4) == "日 …"  # wide characters: exactly 4 cells


async def test_columns_grow_when_longer_values_scroll_into_view() -> None:
    values = ["x"] * 3000
    values[1500] = "a much longer value"
    app = TableApp(pl.DataFrame({"v": values}))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FrameTable)
        assert "a much" not in screen_text(app)
        table.move_cursor(row=1500)
        await pilot.pause()
        assert "a much longer value" in screen_text(app)


def cursor_in_view(table: FrameTable) -> bool:
    top = int(table.scroll_y)
    return top <= table.cursor_row < top + visible_rows(table)


async def test_after_a_resize_the_cursor_row_is_brought_back_into_view() -> None:
    app = TableApp(people(30))
    async with app.run_test(size=(80, 40)) as pilot:
        table = app.query_one(FrameTable)
        await pilot.press("end")  # the last row, at the bottom of a tall window
        assert table.cursor_row == 29 and cursor_in_view(table)
        await pilot.resize_terminal(80, 12)
        await pilot.pause()
        assert table.cursor_row == 29
        assert cursor_in_view(table)  # (it was left below the window)
        # Scrolled away (a mouse wheel), down on the last row still shows the cursor.
        table.scroll_to(y=0, animate=False, immediate=True)
        await pilot.press("down")
        assert table.cursor_row == 29 and cursor_in_view(table)
        table.scroll_to(y=0, animate=False, immediate=True)
        await pilot.press("end")
        assert cursor_in_view(table)


async def test_fixed_columns_stay_while_the_others_scroll_sideways() -> None:
    frame = pl.DataFrame(
        {
            "phone": [f"+44770090{i:04d}" for i in range(5)],
            **{f"column_{n}": [f"value {n}-{i}" for i in range(5)] for n in range(12)},
        }
    )
    app = TableApp(frame, fixed_columns=1)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(FrameTable)
        for _ in range(11):
            await pilot.press("right")
        await pilot.pause()
        assert table.scroll_x > 0
        header, first = table.render_line(0).text, table.render_line(1).text
        assert header.lstrip().startswith("phone")  # pinned
        assert "+447700900000" in first
        assert "value 10-0" in first and "value 0-0" not in first  # the rest scrolled
        assert len(first) == table.scrollable_content_region.width
        await pilot.press("left")  # still one row of cells per line, cursor cell in view
        assert "value 9-0" in table.render_line(1).text
        for _ in range(11):
            await pilot.press("left")
        await pilot.pause()
        assert table.cursor_column == 0
        assert "+447700900000" in table.render_line(1).text


def test_snapshot_hostile_text_marks_and_problem_rows(snap_compare) -> None:  # type: ignore[no-untyped-def]
    frame = pl.DataFrame(
        {
            "name": [
                "[bold]Zed[/bold]",
                "[/",
                "\x1b]0;owned\x07Eve",
                "abc\u202edef",
                "日本語の名前",
            ]
            * 6,
            "phone": [f"+44770090{i:04d}" for i in range(30)],
            "note": ["a fairly long note that will be cut off with an ellipsis somewhere"] * 30,
        }
    )

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        table = pilot.app.query_one(FrameTable)
        table.set_marked({1, 2})
        table.row_style = lambda i: "error" if i == 3 else None
        await pilot.press("down", "right")

    assert snap_compare(TableApp(frame), terminal_size=(80, 24), run_before=run_before)


async def test_whole_numbers_show_thousands_separators_right_aligned() -> None:
    """Counts read as the command line prints them (3,001), in a column wide enough."""
    frame = pl.DataFrame({"zone": ["ET", "PT"], "members": [3001, 1_234_567]})
    app = TableApp(frame)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[1].rstrip().endswith("    3,001")
        assert lines[2].rstrip().endswith("1,234,567")
