"""Large files are checked in batches (`core.large`): the same report as a file read whole.

The batched path is forced on small files by lowering the size limit and the batch size,
so that every report (text, --json, --all) of both paths can be compared line by line:
the same verdicts, hints and fixes, repeats found across batches, problem rows named by
the file's row and line numbers.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from benchmarks.data import phone_values
from core import reading
from core.cli import main
from core.errors import MalformedRow
from core.large import check_large
from core.reading import read_batches, read_file


def _contacts(path: Path, rows: int, seed: int = 3) -> Path:
    """A contact CSV with what batches must carry across their edges: quoted fields with
    commas and newlines, blank lines, CRLF, control characters, numbers written without
    + (ambiguous in a fix region), and repeats far apart."""
    rng = random.Random(seed)
    phones = phone_values(rows, seed=seed)
    for i in range(0, rows, 97):  # repeats of rows far before them
        phones[i] = phones[rng.randrange(0, max(i, 1))]
    lines = ["name,notes,phone"]
    for i, phone in enumerate(phones):
        note = rng.choice(["plain", '"a, quoted\nnote"', '"said ""hi"""', "tab\there", "bell\x07"])
        lines.append(f"Person {i},{note},{phone}")
        if i % 250 == 0:
            lines.append("")  # a blank line
    text = "\r\n".join(lines[: rows // 2]) + "\r\n" + "\n".join(lines[rows // 2 :]) + "\n"
    path.write_bytes(text.encode())
    return path


def _both(path: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The output of `check` on a file read whole, then read in batches of ~6 KB."""
    runner = CliRunner()
    whole = runner.invoke(main, ["check", str(path), *args])
    with monkeypatch.context() as patch:
        patch.setattr(reading, "MAX_FILE_BYTES", 1_000)
        patch.setattr(reading, "BATCH_BYTES", 6_000)
        batched = runner.invoke(main, ["check", str(path), *args])
    assert whole.exit_code == batched.exit_code, (whole.output, batched.output)
    return whole.output, batched.output


@pytest.fixture(scope="module")
def contacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _contacts(tmp_path_factory.mktemp("large") / "contacts.csv", 2_000)


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--all",),
        ("--all", "--default-region", "GB"),
        ("--lenient", "--all"),
        ("--phone-column", "phone", "--default-region", "us", "--all"),
    ],
)
def test_batched_report_is_the_whole_files(
    contacts: Path, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, batched = _both(contacts, *args, monkeypatch=monkeypatch)
    assert batched == whole
    assert "duplicates in file: 0" not in whole  # repeats were there to be found


def test_batched_json_is_the_whole_files(contacts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, batched = _both(contacts, "--json", "--default-region", "IN", monkeypatch=monkeypatch)
    a, b = json.loads(whole), json.loads(batched)
    assert a == b
    assert a["duplicates"] and a["invalid"] and a["problems"]
    # Every row is accounted for, with the file's own row numbers.
    rows = {p["row"] for p in a["problems"]}
    assert len(rows) == a["invalid"] + a["duplicates"]
    assert max(rows) <= a["rows"]


@pytest.mark.parametrize("late_value", [False, True])
def test_empty_unnamed_columns_at_the_end_are_judged_over_every_batch(
    tmp_path: Path, late_value: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spreadsheet's `;;` at the end of each line is left out on both paths, and a
    value in such a column in the last batch only keeps it (on both paths)."""
    phones = phone_values(600, seed=5)
    lines = ["First Name;phone;;"] + [f"P {i};{v};;" for i, v in enumerate(phones)]
    if late_value:
        lines[-1] = lines[-1] + "x"
    path = tmp_path / "semicolons.csv"
    path.write_text("\n".join(lines) + "\n")
    whole, batched = _both(path, "--json", monkeypatch=monkeypatch)
    a, b = json.loads(whole), json.loads(batched)
    assert a == b
    if late_value:
        assert a["left_out_columns"] == [] and len(a["columns"]) == 4
    else:
        assert a["left_out_columns"] == [3, 4] and a["columns"] == ["First Name", "phone"]
        assert [c["column"] for c in a["profile"]] == ["First Name", "phone"]
    whole, batched = _both(path, monkeypatch=monkeypatch)
    assert whole == batched


@pytest.mark.parametrize("column", ["Phone Number", "Phone_Number", "column_3"])
def test_the_phone_column_named_is_judged_as_the_whole_file_judges_it(
    tmp_path: Path, column: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `;;` at the end of each line the first batch's columns had made-up names
    (`Phone_Number`, `column_3`): the batched check takes the same names the whole file
    read takes, and refuses the same ones."""
    phones = phone_values(400, seed=7)
    lines = ["Phone Number;Name;;"] + [f"{v};P {i};;" for i, v in enumerate(phones)]
    path = tmp_path / "crm.csv"
    path.write_text("\n".join(lines) + "\n")
    whole, batched = _both(path, "--phone-column", column, monkeypatch=monkeypatch)
    assert whole == batched
    assert ("phone column: Phone Number" in whole) == (column == "Phone Number")


def test_repeats_across_batches_are_found(tmp_path: Path) -> None:
    path = tmp_path / "repeats.csv"
    numbers = ["+442071838750", "+12025550123", "+33142685300"]
    rows = [f"{numbers[i % 3]},{i}" for i in range(600)]
    path.write_text("phone,n\n" + "\n".join(rows) + "\n")
    found = check_large(path, batch_bytes=500, keep_hints=True)
    assert found.total == 600
    assert found.new == 3 and found.duplicates_in_file == 597
    problems = found.problems(5)
    assert [p.row for p in problems] == [4, 5, 6, 7, 8]
    assert [p.line for p in problems] == [5, 6, 7, 8, 9]
    assert all(p.reason == "duplicate_in_file" for p in problems)
    assert problems[0].value == numbers[0]


@pytest.mark.parametrize("batch_bytes", [1, 7, 64, 1_000, 1 << 20])
def test_batches_are_the_file_read_whole(contacts: Path, batch_bytes: int) -> None:
    whole = read_file(contacts)
    batches = list(read_batches(contacts, batch_bytes=batch_bytes * 10))
    frame = pl.concat([b.table.frame for b in batches])
    lines = pl.concat([pl.Series(b.table.lines) for b in batches]).to_list()
    assert frame.equals(whole.frame)
    assert lines == whole.lines
    assert [b.first_row for b in batches][0] == 1
    assert sum(b.table.cleaned_cells for b in batches) == whole.cleaned_cells
    assert batches[-1].offset == contacts.stat().st_size


def test_a_shape_error_names_the_files_row_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    rows = [f"+4420718387{i % 100:02d},x" for i in range(400)]
    rows[300] = "+442071838750,x,extra"
    path.write_text("phone,n\n\n" + "\n".join(rows) + "\n")
    with pytest.raises(MalformedRow) as whole:
        read_file(path)
    with pytest.raises(MalformedRow) as batched:
        for _ in read_batches(path, batch_bytes=700):
            pass
    assert (batched.value.row, batched.value.line) == (whole.value.row, whole.value.line)
    assert batched.value.message == whole.value.message
    assert (whole.value.row, whole.value.line) == (301, 303)


def test_repair_is_refused_for_a_large_file(
    contacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1_000)
    result = CliRunner().invoke(main, ["check", str(contacts), "--repair"])
    assert result.exit_code == 2
    assert "--repair" in result.output and "MB" in result.output
