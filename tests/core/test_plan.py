"""Import plans end to end on a real store: create, add by CSV, manual entry, limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from core.audience import MEMBER_LIMIT, Member
from core.errors import LimitExceeded, RuleViolation
from core.headers import diff_headers
from core.member_check import check_member
from core.phones import PHONE_REASONS, Reason
from core.plan import plan_add, plan_create
from core.reading import read_file
from core.store import Store

WriteCsv = Callable[..., Path]

SEED = "phone,name\n+12025550123,John Doe\n919876543210,Sarah Chen\n"


def us_numbers(start: int, count: int) -> list[str]:
    """Distinct valid US numbers (+1 201 555 xxxx style ranges)."""
    out = []
    n = start
    while len(out) < count:
        out.append(f"+1{201 + n // 10_000:03d}555{n % 10_000:04d}")
        n += 1
    return out


def create(
    store: Store, path: Path, name: str = "Seed", phone: str = "phone", **skip: bool
) -> None:
    plan = plan_create(read_file(path), phone)
    store.create(
        name, plan.columns, plan.phone_column, plan.members(**skip), plan.required_columns()
    )


def test_create_keeps_values_as_typed(store: Store, write_csv: WriteCsv) -> None:
    create(store, write_csv(SEED))
    audience, members = store.load("Seed")
    assert [m.values["phone"] for m in members] == ["+12025550123", "919876543210"]
    assert [m.e164 for m in members] == ["+12025550123", "+919876543210"]
    assert audience.style == "mixed"
    assert audience.regions == {"US": 1, "IN": 1}
    assert audience.required == ["phone", "name"]


def test_create_is_refused_whole_when_a_row_has_a_problem(
    store: Store, write_csv: WriteCsv
) -> None:
    path = write_csv(SEED + "(202) 555-0123,Mike\n+12025550123,Again\n")
    plan = plan_create(read_file(path), "phone")
    with pytest.raises(RuleViolation, match="1 invalid row; 1 duplicate row"):
        plan.members()
    problems = plan.problems()
    assert [(p.row, p.value, p.reason) for p in problems] == [
        (3, "(202) 555-0123", Reason.BAD_CHARACTERS),
        (4, "+12025550123", Reason.DUPLICATE_IN_FILE),
    ]
    assert store.list_audiences() == []
    assert len(plan.members(skip_invalid=True, skip_duplicates=True)) == 2


def test_duplicates_are_judged_on_e164(store: Store, write_csv: WriteCsv) -> None:
    plan = plan_create(read_file(write_csv("phone\n+919876543210\n919876543210\n")), "phone")
    assert plan.duplicates_in_file == 1
    assert plan.problems()[0].row == 2


def test_required_columns_come_from_the_creating_file(store: Store, write_csv: WriteCsv) -> None:
    create(store, write_csv("phone,name,city\n+12025550123,Ann,\n+12025550124,Bo,Leeds\n"))
    assert store.get("Seed").required == ["phone", "name"]


def test_header_fixes_only_with_consent(write_csv: WriteCsv) -> None:
    path = write_csv("Phone Number,First Name\n+12025550123,Ann\n")
    with pytest.raises(RuleViolation, match="'First Name' -> 'First_Name'"):
        plan_create(read_file(path), "Phone Number")
    plan = plan_create(read_file(path), "Phone Number", fix_headers=True)
    assert plan.columns == ["Phone_Number", "First_Name"]
    assert plan.phone_column == "Phone_Number"
    assert plan.members()[0].values == {"Phone_Number": "+12025550123", "First_Name": "Ann"}


@pytest.mark.parametrize(
    ("existing", "incoming", "near"),
    [
        (["phone", "name"], ["Phone", "name"], ("Phone", "phone")),
        (
            ["phone_number", "customer_name"],
            ["PhoneNumber", "customer_name"],
            ("PhoneNumber", "phone_number"),
        ),
        (
            ["phone_number", "customer_name"],
            ["phone_number", "CustomerName"],
            ("CustomerName", "customer_name"),
        ),
    ],
)
def test_add_by_csv_needs_exact_names(
    existing: list[str], incoming: list[str], near: tuple[str, str]
) -> None:
    diff = diff_headers(existing, incoming)
    assert not diff.ok
    assert near in diff.near
    assert f"{near[0]!r} should be {near[1]!r}" in diff.message()


def test_add_by_csv_names_missing_and_extra_columns() -> None:
    diff = diff_headers(["phone", "name", "city"], ["phone", "name", "notes", "zz"])
    assert diff.missing == ["city"] and diff.extra == ["notes", "zz"]
    assert not diff.ok


def test_add_by_csv_order_may_differ(store: Store, write_csv: WriteCsv) -> None:
    create(store, write_csv(SEED))
    audience, members = store.load("Seed")
    table = read_file(write_csv("name,phone\nNew,+447911123456\nDup,+919876543210\n", "add.csv"))
    plan = plan_add(table, audience, {m.e164 for m in members})
    assert plan.already_in_audience == 1
    with pytest.raises(RuleViolation):
        plan.members()
    new = plan.members(skip_duplicates=True)
    store.add_members("Seed", new)
    assert store.load("Seed")[1][-1].values == {"phone": "+447911123456", "name": "New"}


def test_trailing_empty_unnamed_columns_need_no_names(store: Store, write_csv: WriteCsv) -> None:
    """A spreadsheet's `;;` at the end of each line: the audience is created without
    --fix-headers and without the empty columns; a later file of the same shape adds to
    it; and an audience created before they were left out (with `column_3`, `column_4`,
    the names --fix-headers gave them) still takes such a file, its columns empty."""
    shaped = "phone;name;;\n+12025550123;Ann;;\n"
    create(store, write_csv(shaped, "first.csv"))
    audience, members = store.load("Seed")
    assert audience.columns == ["phone", "name"]
    later = read_file(write_csv("phone;name;;\n+12025550124;Bob;;\n", "later.csv"))
    plan = plan_add(later, audience, {m.e164 for m in members})
    assert (
        plan.header_diff is not None
        and plan.header_diff.ok
        and [m.values for m in plan.members()] == [{"phone": "+12025550124", "name": "Bob"}]
    )
    create(store, write_csv("phone,name,column_3,column_4\n+12025550125,Cy,,\n", "old.csv"), "Old")
    old, members = store.load("Old")
    plan = plan_add(later, old, {m.e164 for m in members})
    assert (
        plan.header_diff is not None
        and plan.header_diff.ok
        and [m.values for m in plan.members()]
        == [{"phone": "+12025550124", "name": "Bob", "column_3": "", "column_4": ""}]
    )
    assert plan.table.left_out == ()  # both are back: none is said to be left out


def _store_with(store: Store, count: int) -> None:
    members = [
        Member({"phone": n, "name": "x"}, n, "US", "fixed_line_or_mobile")
        for n in us_numbers(0, count)
    ]
    store.create("Big", ["phone", "name"], "phone", members, ["phone"])


def _file_of(write_csv: WriteCsv, start: int, count: int) -> Path:
    rows = "".join(f"{n},y\n" for n in us_numbers(start, count))
    return write_csv("phone,name\n" + rows, f"add-{count}.csv")


def test_limit_9000_plus_1001_is_refused_and_nothing_added(
    store: Store, write_csv: WriteCsv
) -> None:
    _store_with(store, 9_000)
    audience, members = store.load("Big")
    plan = plan_add(
        read_file(_file_of(write_csv, 9_000, 1_001)), audience, {m.e164 for m in members}
    )
    with pytest.raises(LimitExceeded) as refused:
        plan.members()
    assert "9,000 members: at most 1,000 more" in refused.value.message
    with pytest.raises(LimitExceeded):
        store.add_members(
            "Big", [Member({"phone": n, "name": "y"}, n) for n in us_numbers(9_000, 1_001)]
        )
    assert store.get("Big").member_count == 9_000


def test_limit_9000_plus_1000_reaches_exactly_10000(store: Store, write_csv: WriteCsv) -> None:
    _store_with(store, 9_000)
    audience, members = store.load("Big")
    plan = plan_add(
        read_file(_file_of(write_csv, 9_000, 1_000)), audience, {m.e164 for m in members}
    )
    store.add_members("Big", plan.members())
    assert store.get("Big").member_count == MEMBER_LIMIT
    full, current = store.load("Big")
    one_more = check_member(full, {"phone": "+14155550123", "name": "z"}, {m.e164 for m in current})
    assert one_more.ok  # the form's rules pass; the store enforces the limit
    with pytest.raises(LimitExceeded):
        store.add_members("Big", [one_more.member])  # type: ignore[list-item]


def test_create_over_the_limit_is_refused(store: Store, write_csv: WriteCsv) -> None:
    plan = plan_create(read_file(_file_of(write_csv, 0, 10_001)), "phone")
    with pytest.raises(LimitExceeded):
        plan.members()


def test_manual_entry_rules(store: Store, write_csv: WriteCsv) -> None:
    create(store, write_csv("phone,name,city\n+12025550123,Ann,Leeds\n+447911123456,Bo,York\n"))
    audience, members = store.load("Seed")
    keys = {m.e164 for m in members}
    assert audience.style == "plus"
    missing = check_member(audience, {"phone": "+12025550124", "name": "", "city": "x"}, keys)
    assert [p.reason for p in missing.problems] == ["missing_required"]
    style = check_member(audience, {"phone": "12025550124", "name": "C", "city": "x"}, keys)
    assert [p.reason for p in style.problems] == ["style_mismatch"]
    assert "+12025550124" in style.problems[0].message
    dup = check_member(audience, {"phone": "+12025550123", "name": "C", "city": "x"}, keys)
    assert [p.reason for p in dup.problems] == ["already_in_audience"]
    bad = check_member(audience, {"phone": "2025550124", "name": "C", "city": "x"}, keys)
    assert bad.problems[0].reason == "invalid_number"
    assert "+12025550124" in bad.problems[0].message  # the audience's regions give the hint
    ok = check_member(audience, {"phone": "+12025550124", "name": "C", "city": "Bath"}, keys)
    assert ok.ok and ok.member is not None
    store.add_members("Seed", [ok.member])
    assert store.get("Seed").member_count == 3


def test_names_are_unique(store: Store, write_csv: WriteCsv) -> None:
    create(store, write_csv(SEED))
    with pytest.raises(RuleViolation, match="already exists"):
        create(store, write_csv(SEED), name="Seed")


def test_hints_are_made_when_asked_and_match_judging_with_hints(write_csv: WriteCsv) -> None:
    """A plan judges every row at once but hints only the rows that are shown or written;
    the hints it makes are the ones judging the column with hints gives."""
    from core.phones import judge_column
    from core.plan import plan_check
    from core.profile import profile_table

    text = "phone,name\n" + "".join(
        f"{v},n{i}\n"
        for i, v in enumerate(
            [
                "+12025550123",
                "2025550123",
                "+44 20 7946 0000",
                "",
                "+9999",
                "4.41E+11",
                "+12025550123",
                "919876543210",
                "98765 43210",
                "+1202555012399",
            ]
            * 3
        )
    )
    table = read_file(write_csv(text))
    plan = plan_check(table, "phone", profile=profile_table(table), default_region="in")
    assert plan.hint_regions[0] == "IN"
    invalid = plan.rows.filter(pl.col("status").is_in([str(r) for r in PHONE_REASONS]))
    not_empty = invalid.filter(pl.col("status") != str(Reason.EMPTY))
    assert not_empty.height and not_empty["hint"].null_count() == not_empty.height
    first = plan.problems(3)
    assert [p.row for p in first] == [2, 3, 4] and all(p.hint for p in first)
    expected = judge_column(
        table.frame["phone"], hint_regions=plan.hint_regions, fix_region=plan.fix_region
    )["hint"].to_list()
    problems = plan.problems_frame()
    for row, hint, reason in problems.select("row", "hint", "reason").iter_rows():
        if reason in {str(r) for r in PHONE_REASONS}:
            assert hint == expected[row - 1]
        else:
            assert hint  # repeats say which earlier row they repeat
    explained = plan.with_hints()
    assert explained["hint"].null_count() == plan.new  # every problem row now has one
    assert plan.with_hints() is explained  # kept: made once


def test_create_with_the_profile_judges_like_without(write_csv: WriteCsv) -> None:
    from core.profile import profile_table

    # Valid numbers from six regions (the first five are tried for hints, in both ways).
    valid = [
        "+12025550123",
        "+12025550124",
        "+442079460000",
        "+442079460001",
        "+919876543210",
        "+61212345678",
        "+33123456789",
        "+4930123456",
    ]
    text = "phone,name\n" + "".join(f"{v},x\n" for v in valid) + "2025550123,B\n+44 20,D\n"
    table = read_file(write_csv(text))
    with_profile = plan_create(table, "phone", profile=profile_table(table))
    without = plan_create(table, "phone")
    assert with_profile.hint_regions == without.hint_regions
    assert len(with_profile.hint_regions) == 5
    assert with_profile.with_hints().equals(without.with_hints())
    # Profiles judge without number types; the members written get theirs.
    from core.phones import judge

    members = with_profile.members(skip_invalid=True, skip_duplicates=True)
    assert [m.number_type for m in members] == [
        judge(m.values["phone"]).number_type for m in members
    ]
    assert all(m.number_type for m in members)


def test_a_row_leaving_required_columns_empty_is_told_which(
    store: Store, write_csv: WriteCsv
) -> None:
    """An export where only some rows fill Email: each refused row names its empty
    columns (a blank of spaces counts), the others are added."""
    first = write_csv("name,phone,email,city\nAnn,+12025550123,a@x.com,Oslo\n", "first.csv")
    create(store, first)
    audience, members = store.load("Seed")
    more = read_file(
        write_csv(
            "name,phone,email,city\nBo,+12025550124,,Rome\nCy,+12025550125,, \n"
            "Di,+12025550126,d@x.com,Bern\n",
            "more.csv",
        )
    )
    plan = plan_add(more, audience, {m.e164 for m in members})
    assert plan.rows["status"].to_list() == ["missing_required", "missing_required", "new"]
    assert [p.hint for p in plan.problems()] == [
        "email is empty here; every member of the audience fills it",
        "email, city are empty here; every member of the audience fills them",
    ]


def test_a_complete_row_after_an_incomplete_one_with_the_same_number_is_new(
    store: Store, write_csv: WriteCsv
) -> None:
    """A CRM export lists a contact twice, once without the email every member has: the
    complete row is the one to add (it was refused as a repeat of the refused one)."""
    create(store, write_csv("name,phone,email\nAnn,+12025550123,a@x.com\n", "first.csv"))
    audience, members = store.load("Seed")
    more = read_file(
        write_csv(
            "name,phone,email\nBo,+12025550124,\nBo,+12025550124,bo@x.com\n"
            "Bo,+12025550124,bo@y.com\n",
            "more.csv",
        )
    )
    plan = plan_add(more, audience, {m.e164 for m in members})
    assert plan.rows["status"].to_list() == ["missing_required", "new", "duplicate_in_file"]
    added = plan.members(skip_invalid=True, skip_duplicates=True)
    assert [m.values["email"] for m in added] == ["bo@x.com"]
