"""The diff view's and the grid's own columns never clash with a file's: a file whose
columns are named like them (`status`, `row`, and even `(status)`, accepted as a fixed
name) shows every value under its own name."""

from __future__ import annotations

from core.plan import plan_add, plan_create
from core.reading import read_bytes
from core.store import Store
from tui.screens.member_grid import grid_frame
from tui.screens.plan_view import ROW_LABELS, rows_frame

VIEW = list(ROW_LABELS)  # the diff view's own columns: (row), (status), ...
PLAIN = [name.strip("()") for name in VIEW]  # row, status, hint, region, repair
GB, US = "+447400123456", "+12025550123"


def test_a_create_plan_shows_columns_named_like_the_views() -> None:
    header = ",".join(["phone", *PLAIN, *VIEW])
    data = f"{header}\n{GB},{','.join(f'v{i}' for i in range(10))}\nbad,{',' * 9}\n"
    plan = plan_create(read_bytes(data.encode()), "phone", fix_headers=True)
    frame = rows_frame(plan)
    assert len(set(frame.columns)) == frame.width
    saved = [plan.header_fixes.get(h, h) for h in header.split(",")]
    assert set(saved) - set(VIEW) == set(saved)  # the fixed names are not the view's
    first = frame.row(0, named=True)
    assert [first[c] for c in saved[1:]] == [f"v{i}" for i in range(10)]
    assert frame[VIEW[0]].to_list() == [1, 2]


def test_the_grid_and_an_add_plan_show_columns_named_like_theirs(store: Store) -> None:
    header = ",".join(["phone", *PLAIN, "e164", "valid", "type"])
    row = ",".join(f"{c}-x" for c in header.split(",")[1:])
    plan = plan_create(read_bytes(f"{header}\n{GB},{row}\n".encode()), "phone")
    store.create("A", plan.columns, "phone", plan.members())
    audience, members = store.load("A")
    frame = grid_frame(audience, members)
    assert len(set(frame.columns)) == frame.width
    shown_row = frame.row(0, named=True)
    assert {c: shown_row[c] for c in audience.columns} == {
        "phone": GB,
        **{c: f"{c}-x" for c in header.split(",")[1:]},
    }
    more = plan_add(read_bytes(f"{header}\n{US},{row}\n".encode()), audience, {GB})
    shown = rows_frame(more)
    assert shown.row(0, named=True)["status"] == "status-x"
    assert shown.row(0, named=True)[VIEW[1]] == "new"
