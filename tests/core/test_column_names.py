"""A file's columns may be named like any column core uses inside (`e164`, `valid`,
`status`, `row`, ...): core keeps its own columns in frames apart from the user's, so
no name of the user's can clash with one of them or change a verdict."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from core.audience import Member, members_frame
from core.export import to_csv
from core.hours import hours_report, member_hours
from core.phones import judge_column
from core.plan import ROWS_SCHEMA, plan_add, plan_check, plan_create
from core.reading import read_bytes
from core.split import apply_split, plan_split
from core.store import Store

# Every name core gives a column of its own (taken from the code, not retyped), and the
# scratch names of the split; only names that are valid audience column names.
INTERNAL = sorted(
    {
        *ROWS_SCHEMA,
        *judge_column(pl.Series(["+12025550123"])).columns,
        *member_hours(["+12025550123"], ["mobile"], at=datetime(2026, 1, 5, tzinfo=UTC)).columns,
        "__i",
        "__group",
    }
    - {"phone"}
)
GB, US, FR = "+447400123456", "+12025550123", "+33612345678"


def csv_bytes(rows: list[tuple[str, str]]) -> bytes:
    """`phone` then every internal name as a column, each cell saying which it is."""
    header = ",".join(["phone", *INTERNAL])
    lines = [header]
    for n, (phone, tag) in enumerate(rows, start=1):
        lines.append(",".join([phone, *(f"{tag}{n}-{c}" for c in INTERNAL)]))
    return ("\n".join(lines) + "\n").encode()


def expected_values(rows: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [
        {"phone": phone, **{c: f"{tag}{n}-{c}" for c in INTERNAL}}
        for n, (phone, tag) in enumerate(rows, start=1)
    ]


def test_the_file_uses_the_internal_names() -> None:
    # The guard of this test: the names cover what a clash would hit.
    assert {"e164", "valid", "status", "row", "line", "value", "reason", "region"} <= set(INTERNAL)


def phone_only(rows: list[tuple[str, str]]) -> bytes:
    return ("phone\n" + "".join(f"{phone}\n" for phone, _ in rows)).encode()


def test_check_judges_as_if_the_file_had_the_phone_column_only() -> None:
    rows = [(GB, "a"), ("not a number", "b"), (GB, "c"), (US, "d"), ("07400123457", "e")]
    plan = plan_check(read_bytes(csv_bytes(rows)), "phone")
    alone = plan_check(read_bytes(phone_only(rows)), "phone")
    assert plan.with_hints().equals(alone.with_hints())
    assert plan.problems() == alone.problems() and len(plan.problems()) == 3
    assert (plan.new, plan.duplicates, plan.invalid) == (alone.new, alone.duplicates, 2)


def test_create_and_add_keep_every_value_and_judge_the_phone(store: Store) -> None:
    first = [(GB, "a"), (US, "b")]
    plan = plan_create(read_bytes(csv_bytes(first)), "phone")
    store.create("A", plan.columns, "phone", plan.members(), plan.required_columns())
    audience, members = store.load("A")
    assert audience.columns == ["phone", *INTERNAL]
    assert [m.values for m in members] == expected_values(first)
    assert [(m.e164, m.region) for m in members] == [(GB, "GB"), (US, "US")]

    more = [(FR, "c"), (GB, "d"), ("12", "e")]
    plan = plan_add(read_bytes(csv_bytes(more)), audience, {m.e164 for m in members})
    assert (plan.new, plan.already_in_audience, plan.invalid) == (1, 1, 1)
    store.add_members("A", plan.members(skip_invalid=True, skip_duplicates=True))
    audience, members = store.load("A")
    assert [m.values for m in members][-1] == expected_values(more)[0]
    assert audience.regions == {"GB": 1, "US": 1, "FR": 1}

    frame = members_frame(audience, members)
    assert frame.select(INTERNAL).rows() == [tuple(m.values[c] for c in INTERNAL) for m in members]
    exported = to_csv(audience, members).encode()
    again = read_bytes(exported)
    assert again.headers == ["phone", *INTERNAL]
    assert again.frame.rows(named=True) == [m.values for m in members]
    report = hours_report(
        [m.e164 for m in members], [m.number_type for m in members], at=datetime.now(UTC)
    )
    assert sum(z.members for z in report.zones) == 3


@pytest.mark.parametrize("by", [None, "region", "zone"])
def test_split_keeps_every_value(store: Store, by: str | None) -> None:
    rows = [(GB, "a"), (US, "b"), (FR, "c"), ("bad", "d")]
    split = plan_split(read_bytes(csv_bytes(rows)), "phone", "Part", size=2, by=by)  # type: ignore[arg-type]
    apply_split(store, split)
    stored = [m.values for a in store.list_audiences() for m in store.members(a.name)]
    assert sorted(stored, key=lambda v: v["phone"]) == sorted(
        expected_values(rows)[:3], key=lambda v: v["phone"]
    )


def test_the_problems_csv_is_the_one_of_the_phone_column_alone(tmp_path: Path) -> None:
    rows = [(GB, "a"), ("bad", "b"), (GB, "c")]
    written = plan_check(read_bytes(csv_bytes(rows)), "phone").write_problems(
        str(tmp_path / "wide.csv")
    )
    alone = plan_check(read_bytes(phone_only(rows)), "phone").write_problems(
        str(tmp_path / "alone.csv")
    )
    text = Path(written).read_text()
    assert text == Path(alone).read_text() and len(text.splitlines()) == 3


def test_a_member_typed_with_internal_names_is_checked_on_its_phone(store: Store) -> None:
    plan = plan_create(read_bytes(csv_bytes([(GB, "a")])), "phone")
    store.create("A", plan.columns, "phone", plan.members())
    values = {"phone": US, **{c: "x" for c in INTERNAL}}
    values["e164"] = GB  # a column called e164 is a value like any other
    store.add_members("A", [Member(values, US, "US")])
    assert [m.e164 for m in store.members("A")] == [GB, US]
