"""`split`: one big file into audiences of at most --size members, all created or none."""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run

import core.atomic
import core.store
from core.audience import Member
from core.errors import AudiencesError, RuleViolation, StoreWriteFailed
from core.hours import zones_of_number
from core.reading import read_file
from core.split import NO_REGION, apply_split, plan_split
from core.store import NewAudience, Store

WriteCsv = Callable[..., Path]

# Shaped like a Google Contacts export: headers with spaces and dashes, a type column.
GOOGLE = (
    "Name,Given Name,Family Name,Phone 1 - Type,Phone 1 - Value\n"
    "Ann Lee,Ann,Lee,Mobile,+12125550101\n"
    "Bo Chen,Bo,Chen,Work,+13105550102\n"
    "Cy Dee,Cy,Dee,Mobile,+12125550103\n"
    "Di Eve,Di,Eve,Mobile,(212) 555-0104\n"  # bad characters
    "Ed Fox,Ed,Fox,Home,+12085550105\n"  # Idaho: Boise or Los Angeles
    "Flo Gee,Flo,Gee,Mobile,+13105550106\n"
    "Gus Ho,Gus,Ho,Mobile,+12125550101\n"  # a repeat of row 1
    "Hal Ivy,Hal,Ivy,Mobile,+447911123456\n"
    "Ida Jo,Ida,Jo,Mobile,+13105550107\n"
)


def google_table(write_csv: WriteCsv) -> Any:
    return read_file(write_csv(GOOGLE, "contacts.csv"))


def test_parts_of_at_most_size_in_file_order(write_csv: WriteCsv) -> None:
    split = plan_split(
        google_table(write_csv), "Phone 1 - Value", "Leads", size=2, fix_headers=True
    )
    assert [p.name for p in split.parts] == ["Leads 1", "Leads 2", "Leads 3", "Leads 4"]
    assert [len(p.members) for p in split.parts] == [2, 2, 2, 1]
    numbers = [m.e164 for p in split.parts for m in p.members]
    assert numbers == [
        "+12125550101",
        "+13105550102",
        "+12125550103",
        "+12085550105",
        "+13105550106",
        "+447911123456",
        "+13105550107",
    ]
    assert split.plan.invalid == 1 and split.plan.duplicates_in_file == 1
    assert split.plan.columns == [
        "Name",
        "Given_Name",
        "Family_Name",
        "Phone_1_Type",
        "Phone_1_Value",
    ]
    assert split.parts[0].members[0].values["Given_Name"] == "Ann"
    assert all(m.number_type for p in split.parts for m in p.members)


def test_by_zone_never_mixes_two_zones_in_an_audience(write_csv: WriteCsv) -> None:
    split = plan_split(
        google_table(write_csv), "Phone 1 - Value", "Leads", size=2, by="zone", fix_headers=True
    )
    groups = [(p.group, len(p.members)) for p in split.parts]
    assert groups == [
        ("America/Boise, America/Los_Angeles", 1),
        ("America/Los_Angeles", 2),
        ("America/Los_Angeles", 1),
        ("America/New_York", 2),
        ("Europe/Guernsey, Europe/Isle_of_Man, Europe/Jersey, Europe/London", 1),
    ]
    for part in split.parts:
        assert {", ".join(zones_of_number(m.e164)) for m in part.members} == {part.group}


def test_by_region(write_csv: WriteCsv) -> None:
    text = "phone,name\n+12125550101,A\n+447911123456,B\n+80012345678,C\n+13105550102,D\n"
    split = plan_split(read_file(write_csv(text)), "phone", "R", by="region")
    assert [(p.group, len(p.members)) for p in split.parts] == [("001", 1), ("GG", 1), ("US", 2)]
    # --lenient takes a possible number no region owns (+1 555): its group comes last.
    lenient = plan_split(
        read_file(write_csv(text + "+15555550100,E\n")), "phone", "R", by="region", lenient=True
    )
    groups = [(p.group, len(p.members)) for p in lenient.parts]
    assert groups == [("001", 1), ("GG", 1), ("US", 2), (NO_REGION, 1)]


def test_suppressed_numbers_are_left_out(write_csv: WriteCsv) -> None:
    split = plan_split(
        google_table(write_csv),
        "Phone 1 - Value",
        "Leads",
        fix_headers=True,
        suppressed=frozenset({"+13105550102", "+447911123456"}),
    )
    assert split.suppressed == 2 and split.members == 5
    assert "+13105550102" not in {m.e164 for p in split.parts for m in p.members}


@pytest.mark.parametrize("size", [0, 10_001])
def test_size_above_the_limit_is_refused(write_csv: WriteCsv, size: int) -> None:
    with pytest.raises(AudiencesError, match="between 1 and 10,000") as refused:
        plan_split(google_table(write_csv), "Phone 1 - Value", "L", size=size, fix_headers=True)
    assert refused.value.exit_code == 2


def test_a_file_without_valid_rows_creates_nothing(write_csv: WriteCsv) -> None:
    with pytest.raises(RuleViolation, match="no valid, new rows"):
        plan_split(read_file(write_csv("phone\n2025550123\n")), "phone", "L")


# --- Store.create_many: all or nothing ------------------------------------------------
def new(name: str, first: int, count: int) -> NewAudience:
    members = [
        Member({"phone": f"+1202555{i:04d}"}, f"+1202555{i:04d}", "US", "fixed_line_or_mobile")
        for i in range(first, first + count)
    ]
    return NewAudience(name, ["phone"], "phone", members)


def store_files(store: Store) -> dict[str, bytes]:
    return {
        str(p.relative_to(store.path)): p.read_bytes()
        for p in sorted(store.path.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


def test_create_many_creates_them_all(store: Store) -> None:
    made = store.create_many([new("A 1", 0, 3), new("A 2", 3, 3), new("A 3", 6, 1)])
    assert [a.name for a in made] == ["A 1", "A 2", "A 3"]
    assert [a.member_count for a in store.list_audiences()] == [3, 3, 1]
    assert [m.e164 for m in store.members("A 2")] == [
        "+12025550003",
        "+12025550004",
        "+12025550005",
    ]


def test_a_taken_name_creates_none(store: Store) -> None:
    store.create_many([new("A 2", 0, 1)])
    before = store_files(store)
    with pytest.raises(RuleViolation, match="'A 2' already exists; nothing was created"):
        store.create_many([new("A 1", 0, 3), new("A 2", 3, 3), new("A 3", 6, 1)])
    assert store_files(store) == before


def test_two_new_audiences_with_one_name_are_refused(store: Store) -> None:
    with pytest.raises(RuleViolation, match="two of the new audiences"):
        store.create_many([new("A", 0, 1), new("A", 1, 1)])
    assert store.list_audiences() == []


class FaultyOS:
    """`os` inside core.atomic and core.store: counts write/fsync/replace calls and fails
    the Nth one."""

    FAULTY = ("write", "fsync", "replace")

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in self.FAULTY:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.fail_at:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kwargs)

        return call


def test_a_failure_at_any_write_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disk full at every write, fsync and rename of a three-audience split in turn."""
    seed = Store(tmp_path / "seed")
    seed.create_many([new("Old", 100, 2)])
    batch = [new("A 1", 0, 3), new("A 2", 3, 3), new("A 3", 6, 1)]
    counter = FaultyOS()
    trial = tmp_path / "count"
    shutil.copytree(seed.path, trial)
    for module in (core.atomic, core.store):
        monkeypatch.setattr(module, "os", counter)
    Store(trial).create_many(batch)
    monkeypatch.undo()
    assert counter.calls > 9  # three members files and the catalog, each written and synced
    for fail_at in range(1, counter.calls + 1):
        copy = tmp_path / f"run-{fail_at}"
        shutil.copytree(seed.path, copy)
        store = Store(copy)
        before = store_files(store)
        faulty = FaultyOS(fail_at)
        for module in (core.atomic, core.store):
            monkeypatch.setattr(module, "os", faulty)
        try:
            with pytest.raises(StoreWriteFailed):
                store.create_many(batch)
        finally:
            monkeypatch.undo()
        assert store_files(store) == before, f"failure at call {fail_at} changed the store"
        assert [a.name for a in store.list_audiences()] == ["Old"]


def test_an_interruption_between_audiences_leaves_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create_many([new("Old", 100, 1)])
    before = store_files(store)
    real = Store._write_members
    written: list[str] = []

    def interrupted(self: Store, doc: dict[str, Any], members: Any) -> dict[str, Any]:
        if len(written) == 2:
            raise KeyboardInterrupt
        result = real(self, doc, members)
        written.append(result["members_file"])
        return result

    monkeypatch.setattr(Store, "_write_members", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.create_many([new("A 1", 0, 3), new("A 2", 3, 3), new("A 3", 6, 1)])
    monkeypatch.undo()
    assert len(written) == 2
    assert store_files(store) == before


def test_apply_split(store: Store, write_csv: WriteCsv) -> None:
    split = plan_split(
        google_table(write_csv), "Phone 1 - Value", "Leads", size=4, fix_headers=True
    )
    made = apply_split(store, split)
    assert [(a.name, a.member_count) for a in made] == [("Leads 1", 4), ("Leads 2", 3)]
    audience = store.get("Leads 2")
    assert audience.phone_column == "Phone_1_Value"
    assert audience.required == [
        "Name",
        "Given_Name",
        "Family_Name",
        "Phone_1_Type",
        "Phone_1_Value",
    ]


# --- the command ------------------------------------------------------------------------


def test_split_command(write_csv: WriteCsv, tmp_path: Path) -> None:
    db = tmp_path / "store"
    path = write_csv(GOOGLE, "contacts.csv")
    refused = run("split", path, "--name", "Leads", "--phone-column", "Phone 1 - Value", db=db)
    assert refused.returncode == 1 and "--fix-headers" in refused.stderr
    result = run(
        "split", path, "--name", "Leads", "--phone-column", "Phone 1 - Value",
        "--size", "3", "--by", "zone", "--fix-headers", db=db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The rest is reported as `check` reports it.
    assert "valid and new: 7   invalid: 1   duplicates in file: 1" in result.stdout
    assert "row 4 (line 5): '(212) 555-0104' bad_characters" in result.stdout
    assert "created 'Leads 1' with 1 member (America/Boise, America/Los_Angeles)" in result.stdout
    assert "7 members in 4 audiences; 2 rows left out" in result.stdout
    listed = json.loads(run("list", "--json", db=db).stdout)
    assert [(a["name"], a["members"]) for a in listed] == [
        ("Leads 1", 1),
        ("Leads 2", 3),
        ("Leads 3", 2),
        ("Leads 4", 1),
    ]
    again = run(
        "split", path, "--name", "Leads", "--phone-column", "Phone 1 - Value", "--fix-headers",
        db=db,
    )  # fmt: skip
    assert again.returncode == 1 and again.stdout == ""  # refused before the report
    assert "an audience named 'Leads 1' already exists; nothing was read" in again.stderr
    assert len(json.loads(run("list", "--json", db=db).stdout)) == 4


def test_split_leaves_out_the_do_not_call_list(write_csv: WriteCsv, tmp_path: Path) -> None:
    db = tmp_path / "store"
    run("suppress", "add", "+13105550102", db=db)
    path = write_csv(GOOGLE, "contacts.csv")
    result = run(
        "split", path, "--name", "L", "--phone-column", "Phone 1 - Value", "--fix-headers", db=db
    )
    assert result.returncode == 0, result.stderr
    assert "left out 1 number on the do-not-call list" in result.stdout
    assert json.loads(run("list", "--json", db=db).stdout)[0]["members"] == 6


@pytest.mark.parametrize("size", ["10001", "0"])
def test_split_size_out_of_range_exits_2(write_csv: WriteCsv, tmp_path: Path, size: str) -> None:
    path = write_csv(GOOGLE, "contacts.csv")
    result = run(
        "split", path, "--name", "L", "--phone-column", "Phone 1 - Value", "--size", size,
        db=tmp_path / "store",
    )  # fmt: skip
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_split_an_excel_semicolon_file(write_csv: WriteCsv, tmp_path: Path) -> None:
    text = "telefon;name\r\n+33612345678;Élodie\r\n+33698765432;Zoé\r\n+4915112345678;Jürgen\r\n"
    path = write_csv(text.encode("cp1252"), "excel.csv")
    db = tmp_path / "store"
    assert run("split", path, "--name", "EU", "--phone-column", "telefon", db=db).returncode == 2
    result = run(
        "split", path, "--name", "EU", "--phone-column", "telefon", "--encoding", "cp1252",
        "--by", "region", db=db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    names = {a["name"]: a["regions"] for a in json.loads(run("list", "--json", db=db).stdout)}
    assert names == {"EU 1": {"DE": 1}, "EU 2": {"FR": 2}}


@pytest.mark.parametrize("prefix", ["", "   "])
def test_an_empty_prefix_is_refused_as_an_empty_name_is(write_csv: WriteCsv, prefix: str) -> None:
    """The parts would be named `1`, `2`, ...; `create ""` is refused, so is this."""
    with pytest.raises(RuleViolation, match="cannot be empty"):
        plan_split(google_table(write_csv), "Phone 1 - Value", prefix, size=2, fix_headers=True)


def test_a_file_with_nothing_to_split_is_reported_first(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    """Every valid row on the do-not-call list: the report says what the file holds and
    the refusal why; a bad name is refused before the file is read."""
    from click.testing import CliRunner

    from core.cli import main
    from core.store import Store
    from core.suppress import add_numbers

    store = Store(tmp_path / "store")
    add_numbers(store, ["+12025550199"])
    path = write_csv("phone,name\n+12025550199,Cy\n12,Dee\n", "listed.csv")
    args = ["--db", str(store.path), "split", str(path), "--phone-column", "phone", "--name"]
    result = CliRunner().invoke(main, [*args, "L"])
    assert result.exit_code == 1
    assert "valid and new: 1   invalid: 1" in result.stdout
    assert "row 2 (line 3): '12' too_short" in result.stdout
    assert result.stderr.strip() == (
        "audiences: nothing was created: the file has no valid, new rows to split "
        "(1 number on the do-not-call list)"
    )
    unnamed = CliRunner().invoke(main, [*args, " "])
    assert unnamed.exit_code == 1 and unnamed.stdout == ""
    assert "an audience name cannot be empty" in unnamed.stderr
    assert store.list_audiences() == []
