"""A read-only table over a Polars DataFrame that renders only the rows on screen.

`FrameTable` uses Textual's Line API: the virtual size is (rows + header) x width and
`render_line` draws one line from a small window of rows sliced out of the frame, so a
1,000,000-row frame opens and pages as fast as a 100-row one. Cells are user data: they
are cleaned with `tui.display.clean` and drawn as plain segments, never markup. The first
`fixed_columns` columns stay in place while the others scroll sideways.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import polars as pl
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.display import clean

SAMPLE_ROWS = 500
"""Rows sampled (from the top) to size the columns."""
MAX_COLUMN_WIDTH = 40
"""Widest a column gets; longer values end in an ellipsis."""
GUTTER_WIDTH = 2
"""The leading column that shows the mark glyph."""
MARK_GLYPH = "●"
ELLIPSIS = "…"
ROW_CLASSES = ("error", "warning", "success", "muted")
"""What a `row_style` hook may return (each a themed component class)."""


def cell_text(value: object) -> str:
    """A cell as display text: a whole number with thousands separators (3,001, as the
    command line prints counts), anything else as `clean` makes it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return clean(value)


def fit_cell(text: str, width: int, right: bool = False) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` cells."""
    length = cell_len(text)
    if length > width:
        if width <= 1:
            return ELLIPSIS[:width]
        return set_cell_size(text, width - 1) + ELLIPSIS
    pad = " " * (width - length)
    return pad + text if right else text + pad


class FrameTable(ScrollView, can_focus=True):
    """A keyboard-driven, read-only view of a Polars DataFrame (O(visible rows))."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Hidden from the footer; the tooltips put them in the help screen.
        Binding("up", "cursor_up", "Up", show=False, tooltip="Row up"),
        Binding("down", "cursor_down", "Down", show=False, tooltip="Row down"),
        Binding("left", "cursor_left", "Left", show=False, tooltip="Column left"),
        Binding("right", "cursor_right", "Right", show=False, tooltip="Column right"),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="One page up"),
        Binding("pagedown", "page_down", "Page down", show=False, tooltip="One page down"),
        Binding("home,ctrl+home", "cursor_first_row", "First row", show=False, tooltip="First row"),
        Binding("end,ctrl+end", "cursor_last_row", "Last row", show=False, tooltip="Last row"),
        Binding("enter", "activate_row", "Select row", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "frame-table--header",
        "frame-table--cursor",
        "frame-table--cursor-row",
        "frame-table--even-row",
        "frame-table--mark",
        "frame-table--marked",
        "frame-table--placeholder",
        "frame-table--row-error",
        "frame-table--row-warning",
        "frame-table--row-success",
        "frame-table--row-muted",
    }

    DEFAULT_CSS = """
    FrameTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .frame-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .frame-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .frame-table--cursor-row {
            background: $boost;
        }
        & > .frame-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .frame-table--mark {
            color: $accent;
            text-style: bold;
        }
        & > .frame-table--marked {
            background: $accent 25%;
        }
        & > .frame-table--placeholder {
            color: $text-muted;
            text-style: italic;
        }
        & > .frame-table--row-error { color: $text-error; }
        & > .frame-table--row-warning { color: $text-warning; }
        & > .frame-table--row-success { color: $text-success; }
        & > .frame-table--row-muted { color: $text-muted; }
        &:focus {
            background-tint: $foreground 5%;
            & > .frame-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        &:dark > .frame-table--even-row {
            background: $surface-darken-1 40%;
        }
        &:ansi > .frame-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False, init=False)
    """Index (in the frame) of the row under the cursor."""
    cursor_column: reactive[int] = reactive(0, always_update=False, init=False)
    """Index (among the shown columns) of the column under the cursor."""

    class CursorMoved(Message):
        """The cursor moved to another row or column."""

        def __init__(self, table: FrameTable, row: int, column: int = 0) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.column = column

        @property
        def control(self) -> FrameTable:
            return self.table

    class RowActivated(Message):
        """The user pressed enter (or double-clicked) on a row."""

        def __init__(self, table: FrameTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> FrameTable:
            return self.table

    def __init__(
        self,
        frame: pl.DataFrame | None = None,
        *,
        columns: list[str] | None = None,
        labels: dict[str, str] | None = None,
        placeholder: str = "No rows",
        show_marks: bool = True,
        show_cursor: bool = True,
        max_column_width: int = MAX_COLUMN_WIDTH,
        fixed_columns: int = 0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._frame: pl.DataFrame = frame if frame is not None else pl.DataFrame()
        self._wanted_columns = columns
        self._labels: dict[str, str] = dict(labels or {})
        self.placeholder = placeholder
        self.show_marks = show_marks
        self.show_cursor = show_cursor
        self.max_column_width = max_column_width
        self.fixed_columns = fixed_columns
        """How many of the first columns stay in place while scrolling sideways."""
        self.marked: set[int] = set()
        self.row_style: Callable[[int], str | None] | None = None
        """Optional hook: row index -> one of ROW_CLASSES (themed colour) or None."""
        self._columns: list[str] = []
        self._widths: list[int] = []
        self._offsets: list[int] = []  # x of each column after the gutter
        self._right: list[bool] = []
        self._window_start = 0
        self._window: list[tuple[str, ...]] = []
        self._line_cache: dict[tuple[Any, ...], Strip] = {}
        self._styles: dict[tuple[str, bool], Style] = {}
        self._content_width = 0
        self._layout()

    # public API ---------------------------------------------------------------------------
    @property
    def frame(self) -> pl.DataFrame:
        """The frame shown (all its columns, not only the shown ones)."""
        return self._frame

    @property
    def columns(self) -> list[str]:
        """The frame columns shown, in order."""
        return list(self._columns)

    @property
    def row_count(self) -> int:
        return self._frame.height

    def set_frame(
        self,
        frame: pl.DataFrame,
        *,
        keep_cursor: bool = False,
        columns: list[str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> None:
        """Show another frame; keep the cursor (clamped) and marks, or start at the top."""
        self._frame = frame
        if columns is not None:
            self._wanted_columns = columns
        if labels is not None:
            self._labels = dict(labels)
        self._layout()
        if keep_cursor:
            self.marked = {i for i in self.marked if i < frame.height}
            row = min(self.cursor_row, max(frame.height - 1, 0))
            column = min(self.cursor_column, max(len(self._columns) - 1, 0))
        else:
            self.marked = set()
            row = column = 0
        self.set_reactive(FrameTable.cursor_row, row)
        self.set_reactive(FrameTable.cursor_column, column)
        if not keep_cursor:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.CursorMoved(self, row, column))

    def row(self, index: int) -> dict[str, Any]:
        """The frame row at `index` (every frame column, by name)."""
        return self._frame.row(index, named=True)

    def set_marked(self, rows: set[int]) -> None:
        """Mark these rows (glyph in the gutter); replaces the previous marks."""
        self.marked = set(rows)
        self._line_cache.clear()
        self.refresh()

    def move_cursor(self, row: int | None = None, column: int | None = None) -> None:
        """Put the cursor on a row and/or column (clamped), scrolling it into view."""
        if column is not None:
            self.cursor_column = column
        if row is not None:
            self.cursor_row = row

    # layout -------------------------------------------------------------------------------
    @property
    def _gutter(self) -> int:
        return GUTTER_WIDTH if self.show_marks else 0

    def _layout(self) -> None:
        frame = self._frame
        wanted = self._wanted_columns
        if wanted is None:
            self._columns = list(frame.columns)
        else:
            self._columns = [c for c in wanted if c in frame.columns]
        sample = None
        if self._columns:
            picked = frame.select(self._columns)
            if frame.height > 2 * SAMPLE_ROWS:
                picked = pl.concat([picked.head(SAMPLE_ROWS), picked.tail(SAMPLE_ROWS)])
            sample = picked
        self._widths = [max(1, cell_len(self._label(name))) for name in self._columns]
        self._right = [frame.schema[name].is_numeric() for name in self._columns]
        if sample is not None:
            self._widen(sample)
        self._place_columns()
        self._window_start, self._window = 0, []

    def _widen(self, sample: pl.DataFrame) -> bool:
        """Grow columns (up to the cap) to fit the values of `sample`; True if any grew."""
        grew = False
        for i, name in enumerate(self._columns):
            width = self._widths[i]
            if width >= self.max_column_width or not sample.height:
                continue
            column = sample[name]
            if column.dtype.is_integer():
                texts = pl.Series([cell_text(v) for v in column], dtype=pl.String)
            else:
                texts = column.cast(pl.String, strict=False).fill_null("")
            lengths = texts.str.len_chars()
            longest = lengths.max()
            # A code point takes one or two cells: only values that may not fit are measured.
            if not isinstance(longest, int) or 2 * longest <= width:
                continue
            candidates = texts.filter(lengths * 2 > width)
            needed = max(cell_len(clean(v)) for v in candidates)
            needed = min(needed, self.max_column_width)
            if needed > width:
                self._widths[i] = needed
                grew = True
        return grew

    def _place_columns(self) -> None:
        offsets, x = [], 0
        for w in self._widths:
            offsets.append(x)
            x += w + 2  # one cell of padding each side
        self._offsets = offsets
        self._content_width = x
        self._line_cache.clear()
        self.virtual_size = Size(self._gutter + x, self._frame.height + 1)

    def _label(self, name: str) -> str:
        return clean(self._labels.get(name, name))

    # data window --------------------------------------------------------------------------
    def _row_cells(self, index: int) -> tuple[str, ...]:
        """The padded display text of each shown cell of a row (from a cached window)."""
        start = self._window_start
        if not (start <= index < start + len(self._window)):
            page = max(self.size.height, 10)
            start = max(index - page, 0)
            chunk = self._frame.slice(start, page * 3).select(self._columns)
            if self._widen(chunk):
                # Columns only grow (never shrink) so the layout stays steady while paging.
                self._place_columns()
                self.refresh()
            widths, right = self._widths, self._right
            self._window_start = start
            self._window = [
                tuple(f" {fit_cell(cell_text(v), widths[i], right[i])} " for i, v in enumerate(r))
                for r in chunk.iter_rows()
            ]
        return self._window[index - start]

    # rendering ----------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()
        self._styles.clear()
        self.refresh()

    def _on_resize(self, _: events.Resize) -> None:
        self._line_cache.clear()
        # A smaller window can leave the cursor row out of view: bring it back once the
        # new size is laid out (the scroll limits change with it).
        self.call_after_refresh(self._scroll_cursor_into_view)

    def _style(self, name: str) -> Style:
        """A component's style (or the widget's for "base"), cached until the theme changes."""
        key = (name, self.has_focus)
        style = self._styles.get(key)
        if style is None:
            if name == "base":
                style = self.rich_style
            elif name == "mark":
                style = self.get_component_rich_style("frame-table--mark", partial=True)
            else:
                style = self.get_component_rich_style(f"frame-table--{name}")
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            return self._render_header(scroll_x, width)
        index = y - 1 + scroll_y
        if index >= self._frame.height:
            if index == 0 and self.placeholder:
                return self._render_placeholder(width)
            return Strip.blank(width, self._style("base"))
        return self._render_row(index, scroll_x, width)

    @property
    def _fixed_width(self) -> int:
        """Cells taken by the columns that do not scroll."""
        count = min(self.fixed_columns, len(self._columns))
        if not count:
            return 0
        return self._offsets[count] if count < len(self._offsets) else self._content_width

    def _cut(
        self, gutter: Segment | None, cells: list[Segment], scroll_x: int, width: int, style: Style
    ) -> Strip:
        """Gutter and fixed columns in place, the other cells cropped to the horizontal
        scroll window."""
        body_width = width - (self._gutter if gutter else 0)
        content = self._content_width
        fixed_width = self._fixed_width
        if scroll_x == 0 and content <= body_width:
            if content < body_width:
                cells.append(Segment(" " * (body_width - content), style))
            body = cells
        elif fixed_width and scroll_x:
            count = min(self.fixed_columns, len(cells))
            shown = min(fixed_width, body_width)
            fixed = Strip(cells[:count], fixed_width).crop(0, shown)
            rest = Strip(cells[count:], content - fixed_width)
            # Screen column c shows content x = scroll_x + c, as without fixed columns.
            body = [*fixed, *rest.crop_extend(scroll_x, scroll_x + body_width - shown, style)]
        else:
            body = list(Strip(cells, content).crop_extend(scroll_x, scroll_x + body_width, style))
        return Strip([gutter, *body] if gutter else body, width)

    def _render_header(self, scroll_x: int, width: int) -> Strip:
        key = ("header", scroll_x, width)
        if (cached := self._line_cache.get(key)) is not None:
            return cached
        style = self._style("header")
        gutter = Segment(" " * self._gutter, style) if self._gutter else None
        cells = [
            Segment(f" {fit_cell(self._label(name), self._widths[i], self._right[i])} ", style)
            for i, name in enumerate(self._columns)
        ]
        strip = self._cut(gutter, cells, scroll_x, width, style)
        self._line_cache[key] = strip
        return strip

    def _render_placeholder(self, width: int) -> Strip:
        style = self._style("placeholder")
        text = " " * self._gutter + " " + clean(self.placeholder)
        return Strip([Segment(fit_cell(text, width), style)], width)

    def _row_class(self, index: int) -> str | None:
        if self.row_style is None:
            return None
        name = self.row_style(index)
        return name if name in ROW_CLASSES else None

    def _render_row(self, index: int, scroll_x: int, width: int) -> Strip:
        is_cursor_row = self.show_cursor and index == self.cursor_row
        marked = index in self.marked
        row_class = self._row_class(index)
        focused = self.has_focus
        key = (
            index,
            scroll_x,
            width,
            marked,
            row_class,
            self.cursor_column if is_cursor_row else None,
            focused,
        )
        if (cached := self._line_cache.get(key)) is not None:
            return cached
        style = self._style("even-row") if index % 2 else self._style("base")
        if marked:
            style += Style(bgcolor=self._style("marked").bgcolor)
        if is_cursor_row:
            style += Style(bgcolor=self._style("cursor-row").bgcolor)
        if row_class is not None:
            style += Style(color=self._style(f"row-{row_class}").color)
        gutter = None
        if self._gutter:
            if marked:
                gutter = Segment(fit_cell(MARK_GLYPH, self._gutter), style + self._style("mark"))
            else:
                gutter = Segment(" " * self._gutter, style)
        cells = [Segment(text, style) for text in self._row_cells(index)]
        if is_cursor_row and cells:
            column = min(self.cursor_column, len(cells) - 1)
            cells[column] = Segment(cells[column].text, self._style("cursor"))
        strip = self._cut(gutter, cells, scroll_x, width, style)
        if len(self._line_cache) > 2000:
            self._line_cache.clear()
        self._line_cache[key] = strip
        return strip

    # cursor -------------------------------------------------------------------------------
    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, self._frame.height - 1))

    def validate_cursor_column(self, column: int) -> int:
        return max(0, min(column, len(self._columns) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_cursor_into_view()
        self.post_message(self.CursorMoved(self, new, self.cursor_column))

    def watch_cursor_column(self, old: int, new: int) -> None:
        self._refresh_row(self.cursor_row)
        self._scroll_cursor_into_view()
        self.post_message(self.CursorMoved(self, self.cursor_row, new))

    def _on_focus(self, event: events.Focus) -> None:
        self._line_cache.clear()
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self._line_cache.clear()
        self.refresh()

    def _refresh_row(self, index: int) -> None:
        y = index + 1 - int(self.scroll_y)
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    @property
    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_cursor_into_view(self) -> None:
        if not self._columns:
            return
        column = self.cursor_column
        fixed = column < self.fixed_columns
        # A fixed column is always in view sideways: keep the horizontal scroll as it is.
        x = self._gutter + (int(self.scroll_x) if fixed else self._offsets[column])
        width = 1 if fixed else self._widths[column] + 2
        region = Region(x, self.cursor_row + 1, width, 1)
        self.scroll_to_region(
            region,
            animate=False,
            spacing=Spacing(1, 0, 0, self._gutter + (0 if fixed else self._fixed_width)),
            force=True,
            immediate=True,
        )

    # actions ------------------------------------------------------------------------------
    def _move(self, row: int | None = None, column: int | None = None) -> None:
        """Move the cursor, and show it even when it cannot move (at the last row, say,
        after a resize or a mouse wheel left it out of view)."""
        if column is not None:
            self.cursor_column = column
        if row is not None:
            self.cursor_row = row
        self._scroll_cursor_into_view()

    def action_cursor_up(self) -> None:
        self._move(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._move(row=self.cursor_row + 1)

    def action_cursor_left(self) -> None:
        self._move(column=self.cursor_column - 1)

    def action_cursor_right(self) -> None:
        self._move(column=self.cursor_column + 1)

    def action_page_up(self) -> None:
        page = self._page
        self.scroll_to(y=max(self.scroll_y - page, 0), animate=False, immediate=True)
        self._move(row=self.cursor_row - page)

    def action_page_down(self) -> None:
        page = self._page
        self.scroll_to(y=self.scroll_y + page, animate=False, immediate=True)
        self._move(row=self.cursor_row + page)

    def action_cursor_first_row(self) -> None:
        self._move(row=0)

    def action_cursor_last_row(self) -> None:
        self._move(row=self._frame.height - 1)

    def action_activate_row(self) -> None:
        if self._frame.height:
            self.post_message(self.RowActivated(self, self.cursor_row))

    # mouse --------------------------------------------------------------------------------
    def _cell_at(self, x: int, y: int) -> tuple[int | None, int | None]:
        """(row, column) under a content offset; None where there is none."""
        if y < 1:
            return None, None
        row = y - 1 + int(self.scroll_y)
        if row >= self._frame.height:
            return None, None
        virtual_x = x - self._gutter
        if virtual_x >= self._fixed_width:
            virtual_x += int(self.scroll_x)
        column = None
        if x >= self._gutter:
            for i, offset in enumerate(self._offsets):
                if offset <= virtual_x < offset + self._widths[i] + 2:
                    column = i
                    break
        return row, column

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row, column = self._cell_at(offset.x, offset.y)
        if row is None:
            return
        if column is not None:
            self.cursor_column = column
        already = row == self.cursor_row
        self.cursor_row = row
        if already and event.chain >= 2:
            self.post_message(self.RowActivated(self, row))
