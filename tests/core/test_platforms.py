"""Exports each voice platform accepts, read back with Polars and compared.

Where each platform's facts come from (the `docs` of core/platforms.py):
- Vapi: https://docs.vapi.ai/outbound-campaigns/contact-data ("The header must include a
  lowercase `number` column"; 10,000 contact rows per campaign; CSV up to 5 MB).
- Retell: https://docs.retellai.com/deploy/make-batch-call (a header row including a
  "phone number" column; other columns are dynamic variables).
- Bland: https://docs.bland.ai/tutorials/batch-calls (a column titled `phone_number`).
- ElevenLabs: https://elevenlabs.io/docs/eleven-agents/phone-numbers/batch-calls (the
  recipients' `phone_number`; other columns become dynamic variables; the `system__`
  prefix for the platform's own variables is not confirmed there).
- Atoms: the Audiences page (shared/spec/atoms-audiences-seed.txt): any column may be
  chosen as the phone column; 10,000 members. The 5 MB limit comes from issue 11.
"""

from __future__ import annotations

import dataclasses
import errno
import os
from pathlib import Path

import polars as pl
import pytest
from cli_runner import run

import core.export
from core.audience import Audience, Member
from core.errors import RuleViolation, StoreWriteFailed
from core.export import part_paths, platform_export, write_parts
from core.phones import judge
from core.platforms import PLATFORMS, column_refusals, phone_header, platform
from core.store import Store

HEADERS = {
    "atoms": "mobile",  # the audience's own phone column
    "vapi": "number",
    "retell": "phone number",
    "bland": "phone_number",
    "elevenlabs": "phone_number",
}
ROWS = [
    # (phone as typed, first_name, notes): no plus, plus, quotes, commas, newlines, Cyrillic.
    ("919876543210", "Sarah", 'said "call after 5", thanks'),
    ("+12025550123", "Иван", "line one\nline two"),
    ("447911123456", "Zoë", '=HYPERLINK("x")'),
]


def make_member(phone: str, **values: str) -> Member:
    verdict = judge(phone)
    assert verdict.e164 is not None
    return Member({"mobile": phone, **values}, verdict.e164, verdict.region, verdict.number_type)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    members = [make_member(p, first_name=f, notes=n) for p, f, n in ROWS]
    Store(path).create("Leads", ["mobile", "first_name", "notes"], "mobile", members, ["mobile"])
    return path


def read_back(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def test_every_platform_has_its_facts() -> None:
    assert set(PLATFORMS) == set(HEADERS)
    for key, target in PLATFORMS.items():
        assert target.docs and target.notes, key
        assert phone_header(target, "mobile") == HEADERS[key]
    assert (PLATFORMS["vapi"].max_rows, PLATFORMS["vapi"].max_bytes) == (10_000, 5_000_000)
    assert (PLATFORMS["atoms"].max_rows, PLATFORMS["atoms"].max_bytes) == (10_000, 5_000_000)


@pytest.mark.parametrize("key", sorted(HEADERS))
def test_export_for_each_platform_reads_back(db: Path, tmp_path: Path, key: str) -> None:
    out = tmp_path / f"{key}.csv"
    result = run("export", "Leads", "--for", key, "-o", out, db=db)
    assert result.returncode == 0, result.stderr
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    frame = read_back(out)
    assert frame.columns == [HEADERS[key], "first_name", "notes"]
    assert frame[HEADERS[key]].to_list() == ["+919876543210", "+12025550123", "+447911123456"]
    assert frame["first_name"].to_list() == [r[1] for r in ROWS]
    assert frame["notes"].to_list() == [r[2] for r in ROWS]


def test_excel_safe_keeps_working_with_a_platform(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "vapi.csv"
    # The platform's name in any case; its uploader reads the header: no BOM before it.
    assert run("export", "Leads", "--for", "VAPI", "--excel-safe", "-o", out, db=db).returncode == 0
    assert out.read_bytes().startswith(b"number,")
    frame = read_back(out)
    assert frame["notes"][2] == '\'=HYPERLINK("x")'
    assert frame["number"][1] == "+12025550123"  # the phone is never prefixed


def test_to_stdout(db: Path) -> None:
    result = run("export", "Leads", "--for", "bland", db=db)
    assert result.returncode == 0
    assert result.stdout.startswith("phone_number,first_name,notes\n+919876543210,Sarah,")


def wide_audience(db: Path, members: int = 10_000, width: int = 600) -> None:
    rows = [
        Member(
            {"phone": f"+1202555{i:04d}", "notes": f"{i:05d}" + "x" * width},
            f"+1202555{i:04d}",
            "US",
            "fixed_line_or_mobile",
        )
        for i in range(members)
    ]
    Store(db).create("Wide", ["phone", "notes"], "phone", rows, ["phone"])


def test_a_file_over_5_mb_is_cut_into_parts(tmp_path: Path) -> None:
    db = tmp_path / "store"
    wide_audience(db)  # 10,000 rows of about 625 bytes: 6.2 MB
    out = tmp_path / "vapi.csv"
    result = run("export", "Wide", "--for", "vapi", "-o", out, db=db)
    assert result.returncode == 0, result.stderr
    first, second = tmp_path / "vapi-1.csv", tmp_path / "vapi-2.csv"
    assert not out.exists() and first.exists() and second.exists()
    assert "in 2 files (Vapi takes at most 10,000 rows and 5 MB a file)" in result.stderr
    assert all(p.stat().st_size <= 5_000_000 for p in (first, second))
    parts = [read_back(first), read_back(second)]
    assert all(p.columns == ["number", "notes"] for p in parts)
    joined = pl.concat(parts)
    assert joined.height == 10_000
    assert joined["number"].to_list() == [f"+1202555{i:04d}" for i in range(10_000)]
    assert f"{first} ({parts[0].height:,} members)" in result.stderr


def test_every_part_is_checked_before_any_is_written(tmp_path: Path) -> None:
    db = tmp_path / "store"
    wide_audience(db)
    (tmp_path / "vapi-2.csv").write_text("keep me\n")
    result = run("export", "Wide", "--for", "vapi", "-o", tmp_path / "vapi.csv", db=db)
    assert result.returncode == 1
    assert "vapi-2.csv already exists; nothing was written (--force replaces it)" in result.stderr
    assert not (tmp_path / "vapi-1.csv").exists()
    assert (tmp_path / "vapi-2.csv").read_text() == "keep me\n"
    forced = run("export", "Wide", "--for", "vapi", "-o", tmp_path / "vapi.csv", "--force", db=db)
    assert forced.returncode == 0 and read_back(tmp_path / "vapi-2.csv").height > 0


def test_parts_that_need_a_file_are_not_printed(tmp_path: Path) -> None:
    db = tmp_path / "store"
    wide_audience(db)
    result = run("export", "Wide", "--for", "atoms", db=db)
    assert result.returncode == 1 and result.stdout == ""
    assert "needs 2 files; give -o FILE.csv" in result.stderr


def test_rows_limit_cuts_parts_in_order() -> None:
    audience = Audience("A", ["phone", "name"], "phone", ["phone"], member_count=7)
    members = [
        Member({"phone": f"1202555{i:04d}", "name": f"n{i}"}, f"+1202555{i:04d}") for i in range(7)
    ]
    three = dataclasses.replace(platform("vapi"), max_rows=3)
    made = platform_export(audience, members, three)
    assert made.rows == [3, 3, 1]
    assert [part.count(b"\n") for part in made.parts] == [4, 4, 2]
    assert all(part.startswith(b"number,name\n") for part in made.parts)
    assert made.parts[2].endswith(b"+12025550006,n6\n")


def test_a_row_larger_than_the_limit_is_refused() -> None:
    audience = Audience("A", ["phone", "notes"], "phone", ["phone"], member_count=1)
    members = [Member({"phone": "+12025550123", "notes": "x" * 200}, "+12025550123")]
    tiny = dataclasses.replace(platform("vapi"), max_bytes=100)
    with pytest.raises(RuleViolation, match="member 1 alone"):
        platform_export(audience, members, tiny)


def test_part_paths() -> None:
    assert part_paths("out.csv", 1) == [Path("out.csv")]
    assert part_paths("dir/out.csv", 3) == [Path(f"dir/out-{n}.csv") for n in (1, 2, 3)]


def test_a_failed_part_removes_the_parts_written_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audience = Audience("A", ["phone"], "phone", ["phone"], member_count=4)
    members = [Member({"phone": f"+1202555{i:04d}"}, f"+1202555{i:04d}") for i in range(4)]
    made = platform_export(audience, members, dataclasses.replace(platform("bland"), max_rows=2))
    real = core.export.atomic_write
    calls = []

    def failing(path: Path, data: bytes, **kwargs: str) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise StoreWriteFailed(f"could not save: {os.strerror(errno.ENOSPC)}")
        real(path, data, **kwargs)

    monkeypatch.setattr(core.export, "atomic_write", failing)
    with pytest.raises(StoreWriteFailed):
        write_parts(made, tmp_path / "out.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("key", "columns", "phone", "expected"),
    [
        # Another column already named like the platform's phone header: two phone columns.
        ("vapi", ["phone", "Number"], "phone", "column 2 'Number' is the name Vapi gives"),
        ("bland", ["mobile", "phone_number"], "mobile", "column 2 'phone_number' is the name"),
        ("elevenlabs", ["phone", "system__caller_id"], "phone", "starts with 'system__'"),
        ("atoms", ["phone", "First Name"], "phone", "may hold only letters, digits and _"),
    ],
)
def test_column_names_the_platform_refuses(
    key: str, columns: list[str], phone: str, expected: str
) -> None:
    problems = column_refusals(platform(key), columns, phone)
    assert len(problems) == 1 and expected in problems[0]


def test_refused_columns_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    db = tmp_path / "store"
    members = [Member({"phone": "+12025550123", "number": "7"}, "+12025550123", "US")]
    Store(db).create("Clash", ["phone", "number"], "phone", members, ["phone"])
    out = tmp_path / "out.csv"
    result = run("export", "Clash", "--for", "vapi", "-o", out, db=db)
    assert result.returncode == 1
    assert "Vapi would refuse this column name: column 2 'number'" in result.stderr
    assert not out.exists()
    assert run("export", "Clash", "--for", "retell", "-o", out, db=db).returncode == 0


def test_platform_keys_are_checked() -> None:
    with pytest.raises(ValueError, match="choose one of"):
        platform("synthflow")
