"""core/export.py: an audience back to CSV, byte for byte, and guarded for spreadsheets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.export import excel_safe, to_csv
from core.plan import plan_create
from core.reading import read_file
from core.store import Store

WriteCsv = Callable[..., Path]


def create(store: Store, path: Path, name: str = "Seed") -> None:
    plan = plan_create(read_file(path), "phone")
    store.create(name, plan.columns, plan.phone_column, plan.members(), plan.required_columns())


def test_export_round_trip_is_byte_exact(store: Store, write_csv: WriteCsv, tmp_path: Path) -> None:
    text = (
        'phone,name,note\n+12025550123,"Doe, John","says ""hi""\nline 2"\n919876543210,Zoë,=1+1\n'
    )
    create(store, write_csv(text))
    audience, members = store.load("Seed")
    exported = to_csv(audience, members)
    assert exported == text
    again = write_csv(exported, "again.csv")
    create(store, again, name="Again")
    assert [m.values for m in store.members("Again")] == [m.values for m in members]


def test_excel_safe_guards_non_phone_cells_only(store: Store, write_csv: WriteCsv) -> None:
    create(store, write_csv("phone,name,note\n+12025550123,=HYPERLINK(1),@x\n"))
    audience, members = store.load("Seed")
    safe = to_csv(audience, members, excel_safe_cells=True)
    assert safe.splitlines()[1] == "+12025550123,'=HYPERLINK(1),'@x"
    for start in "=+-@\t\r":
        assert excel_safe(start + "x") == "'" + start + "x"
    assert excel_safe("plain") == "plain"
