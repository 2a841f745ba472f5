"""Issue 9 from the command line, on real files: `check --json` names each fix, `--repair`
applies them on `check`, `create` and `add`, `--default-region` is validated, ambiguous
numbers are warned about and resolved only as the user says, `add` maps headers and fits
the limit. Every test reads back what was stored (or parses the JSON printed)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from exports import HUBSPOT_ROWS, SampleList, hubspot_csv, uk500, us500

from core.audience import MEMBER_LIMIT
from core.cli import main
from core.store import Store

WriteCsv = Callable[..., Path]
HUBSPOT_PHONE = "Phone_Number"  # the HubSpot header as --fix-headers proposes it


def run(store: Store, *args: str | Path) -> Result:
    return CliRunner().invoke(
        main, ["--db", str(store.path), *map(str, args)], catch_exceptions=False
    )


def report(result: Result) -> dict[str, Any]:
    return json.loads(result.stdout)


def stored(store: Store, name: str) -> list[tuple[str, str]]:
    """(phone value as stored, its E.164) of every member, in order."""
    audience, members = store.load(name)
    return [(m.values[audience.phone_column], m.e164) for m in members]


def by_value(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["value"]: p for p in data["problems"]}


# --- 1. check --json: fix and fix_kind --------------------------------------------

FIXES = {
    # value as typed -> (fix, fix_kind), read with --default-region US
    "+44 20 7946 0958": ("+442079460958", "symbols"),
    "tel:+12025550144": ("+12025550144", "symbols"),
    "0044 20 7946 0959": ("+442079460959", "international_prefix"),
    "011 44 20 7946 0960": ("+442079460960", "international_prefix"),
    "(202) 555-0143": ("+12025550143", "national"),
    "202.555.0146": ("+12025550146", "national"),
    "\uff0b\uff14\uff14\uff17\uff14\uff10\uff10\uff11\uff12\uff13\uff14\uff15\uff16": (
        "+447400123456",
        "unicode_digits",
    ),
    "+\u0664\u0664\u0662\u0660\u0667\u0669\u0664\u0666\u0660\u0669\u0665\u0668": (
        "+442079460958",
        "unicode_digits",
    ),
    "12025550147.0": ("+12025550147", "excel_float"),
}


def fixes_file(write_csv: WriteCsv, extra: tuple[str, ...] = ()) -> Path:
    values = ["+12025550123", *FIXES, *extra]
    return write_csv("phone,name\n" + "".join(f"{v},n{i}\n" for i, v in enumerate(values)))


def test_check_json_names_the_fix_and_its_kind_of_every_problem(write_csv: WriteCsv) -> None:
    path = fixes_file(write_csv, ("1.20256E+10",))
    result = run_any(write_csv, "check", path, "--json", "--default-region", "US")
    assert result.exit_code == 1
    data = report(result)
    problems = by_value(data)
    for value, (fix, kind) in FIXES.items():
        assert (problems[value]["fix"], problems[value]["fix_kind"]) == (fix, kind), value
    assert {p["fix_kind"] for p in data["problems"]} == {
        "symbols",
        "international_prefix",
        "national",
        "unicode_digits",
        "excel_float",
        None,
    }
    # Scientific notation lost digits: no fix, and the hint says to re-export as text.
    damaged = problems["1.20256E+10"]
    assert damaged["reason"] == "excel_damaged"
    assert damaged["fix"] is None and damaged["fix_kind"] is None
    assert "text" in damaged["hint"]
    assert data["fixable"] == len(FIXES) == sum(p["fix"] is not None for p in data["problems"])
    assert data["invalid"] == len(FIXES) + 1 and data["valid"] == 1
    assert "repaired" not in data  # only with --repair


def test_the_count_of_fixes_agrees_however_the_report_is_asked_for(write_csv: WriteCsv) -> None:
    """`check` counts fixes alone; `check --all` and `--json` explain every problem row
    first and read the count from those explanations: the three agree."""
    path = fixes_file(write_csv, ("1.20256E+10", "12345"))
    counts = []
    for extra in ((), ("--all",)):
        result = run_any(write_csv, "check", path, "--default-region", "US", *extra)
        line = next(x for x in result.output.splitlines() if x.startswith("fixable:"))
        counts.append(int(line.split()[1]))
        if extra:  # every problem is listed, each fix with it
            assert result.output.count(" - ") >= len(FIXES) + 2
    data = report(run_any(write_csv, "check", path, "--json", "--default-region", "US"))
    assert counts == [data["fixable"], data["fixable"]] == [len(FIXES), len(FIXES)]


def test_a_large_report_counting_fixes_aside_says_what_one_made_in_order_says(
    write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plans of many rows count their fixes on a second thread while the rest of the
    report is made: the report must be the same, line for line."""
    from core.cli import check as check_command

    path = fixes_file(write_csv, ("1.20256E+10", "12345", "+12025550123", ""))
    outputs = []
    for aside in (10**9, 1):
        monkeypatch.setattr(check_command, "COUNT_ASIDE_ROWS", aside)
        outputs.append(run_any(write_csv, "check", path, "--default-region", "US").output)
    assert outputs[0] == outputs[1]
    assert f"fixable: {len(FIXES)}" in outputs[1] and "problems (row" in outputs[1]


def run_any(write_csv: WriteCsv, *args: str | Path) -> Result:
    """A command that needs no store (check)."""
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def test_national_fix_needs_a_region(write_csv: WriteCsv) -> None:
    # Only national numbers: no valid number gives a dominant region, so no fix...
    path = write_csv("phone\n(202) 555-0143\n202.555.0146\n")
    data = report(run_any(write_csv, "check", path, "--json"))
    assert data["fix_region"] is None and data["fixable"] == 0
    assert [p["fix"] for p in data["problems"]] == [None, None]
    # ...until --default-region names the country.
    data = report(run_any(write_csv, "check", path, "--json", "--default-region", "us"))
    assert data["fix_region"] == "US" and data["fixable"] == 2
    assert [(p["fix"], p["fix_kind"]) for p in data["problems"]] == [
        ("+12025550143", "national"),
        ("+12025550146", "national"),
    ]


@pytest.mark.parametrize("region", [None, "DE", "US"])
def test_a_quoted_plus_number_never_gets_another_countrys_hint(
    write_csv: WriteCsv, region: str | None
) -> None:
    # A German file (dominant region DE) with a spreadsheet-quoted British number.
    path = write_csv("phone\n+4930123456\n+4930123457\n+4930123458\n'+447400123457\n")
    args = ["check", path, "--json"] + (["--default-region", region] if region else [])
    data = report(run_any(write_csv, *args))
    (problem,) = data["problems"]
    assert (problem["fix"], problem["fix_kind"]) == ("+447400123457", "symbols")
    assert "+49" not in problem["hint"] and "+1" not in problem["hint"]
    assert "+447400123457" in problem["hint"]
    assert data["warnings"] == []


# --- 2. --repair on check, create, add --------------------------------------------


def test_check_repair_judges_the_repaired_values(write_csv: WriteCsv) -> None:
    path = fixes_file(write_csv, ("1.20256E+10",))
    result = run_any(write_csv, "check", path, "--json", "--default-region", "US", "--repair")
    assert result.exit_code == 1  # the damaged value is left
    data = report(result)
    assert data["repaired"] == len(FIXES)
    fixed = [fix for fix, _ in FIXES.values()]
    repeats = len(fixed) - len(set(fixed))  # two spellings of +442079460958
    assert repeats == 1
    assert (data["valid"], data["duplicates"], data["invalid"]) == (1 + len(FIXES) - 1, 1, 1)
    assert [(p["value"], p["reason"]) for p in data["problems"]] == [
        ("+442079460958", "duplicate_in_file"),
        ("1.20256E+10", "excel_damaged"),
    ]
    assert data["fixable"] == 0


def test_check_repair_exits_0_when_every_problem_was_fixable(write_csv: WriteCsv) -> None:
    path = write_csv("phone\n+12025550123\n(202) 555-0143\n+44 20 7946 0958\n0044 20 7946 0959\n")
    assert run_any(write_csv, "check", path, "--json").exit_code == 1
    result = run_any(write_csv, "check", path, "--json", "--repair")
    assert result.exit_code == 0, result.output
    data = report(result)
    assert (data["valid"], data["invalid"], data["repaired"]) == (4, 0, 3)
    assert data["problems"] == [] and data["fixable"] == 0
    assert data["regions"] == {"US": 2, "GB": 2}


def test_check_repair_counts_a_repaired_repeat_as_a_duplicate(write_csv: WriteCsv) -> None:
    path = write_csv("phone\n+442079460958\n+44 20 7946 0958\n")
    data = report(run_any(write_csv, "check", path, "--json", "--repair"))
    assert (data["valid"], data["invalid"], data["duplicates"], data["repaired"]) == (1, 0, 1, 1)
    (problem,) = data["problems"]
    assert problem["row"] == 2 and problem["reason"] == "duplicate_in_file"


def test_hubspot_export_before_and_after_repair(store: Store, write_csv: WriteCsv) -> None:
    """The 14-contact HubSpot example of issue 9: the rows typed as E.164 reach the
    audience without --repair; with it, every row whose number is known does, as that
    number, in file order."""
    path = write_csv(hubspot_csv(), "hubspot.csv")
    as_typed = [(phone, e164) for _, _, phone, e164 in HUBSPOT_ROWS if phone == e164]
    meant = [e164 for _, _, _, e164 in HUBSPOT_ROWS if e164 is not None]
    assert (len(as_typed), len(meant)) == (1, 11)  # the file's shape, as exports.py says
    base = ("--phone-column", "Phone Number", "--fix-headers", "--skip-invalid")

    before = run(store, "create", "Before", path, *base)
    assert before.exit_code == 0, before.output
    assert stored(store, "Before") == as_typed

    refused = run(store, "create", "After", path, "--phone-column", "Phone Number", "--repair")
    assert refused.exit_code == 1  # the headers still need --fix-headers
    after = run(store, "create", "After", path, *base, "--repair")
    assert after.exit_code == 0, after.output
    assert "repaired: 10" in after.output
    assert stored(store, "After") == [(e164, e164) for e164 in meant]
    names = [m.values["First_Name"] for m in store.load("After")[1]]
    assert names == [first for first, _, _, e164 in HUBSPOT_ROWS if e164 is not None]


def test_create_repair_without_skip_refuses_the_unfixable_rows(
    store: Store, write_csv: WriteCsv
) -> None:
    path = write_csv(hubspot_csv(), "hubspot.csv")
    args = ("create", "H", path, "--phone-column", "Phone Number", "--fix-headers", "--repair")
    result = run(store, *args)
    assert result.exit_code == 1
    assert "nothing was written: 3 invalid rows" in result.output
    for row in (12, 13, 14):  # damaged, extension, empty
        assert f"row {row} " in result.output
    assert store.list_audiences() == []


@pytest.mark.parametrize(("make", "region"), [(us500, "US"), (uk500, "GB")])
def test_sample_lists_with_repair_and_their_region(
    store: Store, write_csv: WriteCsv, make: Callable[[], SampleList], region: str
) -> None:
    """us-500/uk-500-shaped files (formatted national numbers): none is valid as typed;
    repaired in their region, every row is its number, but for those that read as two
    countries' numbers, which are named and, with --ambiguous skip, left out."""
    sample = make()
    path = write_csv(sample.text, "sample.csv")
    data = report(run_any(write_csv, "check", path, "--phone-column", "phone1", "--json"))
    assert data["valid"] == 0
    checked = run_any(
        write_csv,
        "check",
        path,
        "--phone-column",
        "phone1",
        "--json",
        "--repair",
        "--default-region",
        region,
    )
    data = report(checked)
    warned = {w["row"] for w in data["warnings"]}
    assert len(warned) < len(sample.numbers) // 5
    # US area codes that are also other countries' numbers; in GB, 011 is no exit code.
    assert bool(warned) == (region == "US")
    assert data["repaired"] + len(warned) == len(sample.numbers)
    args = ("create", "L", path, "--phone-column", "phone1", "--repair", "--skip-invalid")
    if warned:
        refused = run(store, *args, "--default-region", region)
        assert refused.exit_code == 1 and "--ambiguous" in refused.output
        assert store.list_audiences() == []
    result = run(store, *args, "--default-region", region, "--ambiguous", "skip")
    assert result.exit_code == 0, result.output
    expected = [n for row, n in enumerate(sample.numbers, 1) if row not in warned]
    assert stored(store, "L") == [(e164, e164) for e164 in expected]


def test_uk500_without_a_region_stores_no_wrong_number(store: Store, write_csv: WriteCsv) -> None:
    uk = uk500()
    path = write_csv(uk.text, "uk-500.csv")
    args = ("create", "UK", path, "--phone-column", "phone1", "--repair", "--skip-invalid")
    run(store, *args)
    kept = [e164 for _, e164 in stored(store, "UK")] if store.list_audiences() else []
    assert set(kept) <= set(uk.numbers)


@pytest.mark.parametrize(("make", "region"), [(us500, "US"), (uk500, "GB")])
def test_sample_lists_every_row_reaches_the_audience_read_nationally(
    store: Store, write_csv: WriteCsv, make: Callable[[], SampleList], region: str
) -> None:
    sample = make()
    path = write_csv(sample.text, "sample.csv")
    args = ("create", "L", path, "--phone-column", "phone1", "--repair")
    result = run(store, *args, "--default-region", region, "--ambiguous", "national")
    assert result.exit_code == 0, result.output
    assert [e164 for _, e164 in stored(store, "L")] == sample.numbers


def test_add_repair_stores_e164_with_plus(store: Store, write_csv: WriteCsv) -> None:
    first = write_csv("phone,name\n+12025550123,A\n+12025550124,B\n", "first.csv")
    assert run(store, "create", "L", first, "--phone-column", "phone").exit_code == 0
    more = write_csv("phone,name\n(202) 555-0177,C\n+44 7400 123459,D\n", "more.csv")
    refused = run(store, "add", "L", more)
    assert refused.exit_code == 1 and len(stored(store, "L")) == 2
    result = run(store, "add", "L", more, "--repair")
    assert result.exit_code == 0, result.output
    assert "repaired: 2" in result.output
    assert stored(store, "L")[2:] == [
        ("+12025550177", "+12025550177"),
        ("+447400123459", "+447400123459"),
    ]


def test_add_repair_to_an_audience_stored_without_plus(store: Store, write_csv: WriteCsv) -> None:
    first = write_csv("phone,name\n12025550123,A\n12025550124,B\n", "first.csv")
    assert run(store, "create", "L", first, "--phone-column", "phone").exit_code == 0
    assert store.load("L")[0].style == "no_plus"
    more = write_csv("phone,name\n(202) 555-0177,C\n+44 7400 123459,D\n", "more.csv")
    result = run(store, "add", "L", more, "--repair")
    assert result.exit_code == 0, result.output
    assert stored(store, "L")[2:] == [
        ("12025550177", "+12025550177"),
        ("447400123459", "+447400123459"),
    ]
    assert store.load("L")[0].style == "no_plus"


# --- 3. --default-region is validated ---------------------------------------------


@pytest.mark.parametrize("value", ["XX", "USA"])
@pytest.mark.parametrize("command", ["check", "create", "add"])
def test_unknown_default_region_is_bad_usage(
    store: Store, write_csv: WriteCsv, command: str, value: str
) -> None:
    path = write_csv("phone,name\n+12025550123,A\n")
    if command == "add":
        assert run(store, "create", "L", path, "--phone-column", "phone").exit_code == 0
    args = {
        "check": ("check", path),
        "create": ("create", "New", path, "--phone-column", "phone"),
        "add": ("add", "L", path),
    }[command]
    result = run(store, *args, "--default-region", value)
    assert result.exit_code == 2
    assert f"'{value}' is not a region code" in result.output
    assert [a.name for a in store.list_audiences()] == (["L"] if command == "add" else [])
    if command == "add":
        assert len(stored(store, "L")) == 1


def test_unknown_default_region_as_a_process(write_csv: WriteCsv) -> None:
    path = write_csv("phone\n+12025550123\n")
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "check", str(path), "--default-region", "USA"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "'USA'" in done.stderr
    assert "Traceback" not in done.stderr


# --- 4. ambiguous numbers ---------------------------------------------------------

AMBIGUOUS = "2015550123"  # +20 155 5012 3 (EG) as typed, +1 201 555 0123 (US) nationally
US_FILE = "phone,name\n+12025550123,A\n+12025550124,B\n" + f"{AMBIGUOUS},C\n+12025550125,D\n"


def test_check_json_warns_of_ambiguous_numbers(write_csv: WriteCsv) -> None:
    result = run_any(write_csv, "check", write_csv(US_FILE), "--json")
    # The row is valid by the rule, but `create` needs a choice (--ambiguous) for it:
    # exit 1, so that `check && create` never runs a create that will be refused.
    assert result.exit_code == 1
    data = report(result)
    assert data["valid"] == 4 and data["problems"] == []
    (warning,) = data["warnings"]
    assert set(warning) == {"row", "column", "value", "reason", "readings", "hint"}
    assert (warning["row"], warning["column"], warning["value"]) == (3, "phone", AMBIGUOUS)
    assert warning["reason"] == "ambiguous_country"
    assert warning["readings"] == ["+2015550123", "+12015550123"]
    assert "+2015550123" in warning["hint"] and "+12015550123" in warning["hint"]


def test_create_refuses_ambiguous_numbers_naming_the_rows(
    store: Store, write_csv: WriteCsv
) -> None:
    path = write_csv(US_FILE)
    result = run(store, "create", "L", path, "--phone-column", "phone")
    assert result.exit_code == 1
    assert "rows 3" in result.output or "row 3" in result.output
    assert "--ambiguous" in result.output
    assert store.list_audiences() == []


AMBIGUOUS_CHOICES = {
    "as-typed": [("+12025550123",) * 2, ("+12025550124",) * 2, (AMBIGUOUS, "+2015550123")],
    "national": [("+12025550123",) * 2, ("+12025550124",) * 2, ("+12015550123",) * 2],
    "skip": [("+12025550123",) * 2, ("+12025550124",) * 2],
}


@pytest.mark.parametrize("choice", sorted(AMBIGUOUS_CHOICES))
def test_create_ambiguous_choice_stores_what_it_says(
    store: Store, write_csv: WriteCsv, choice: str
) -> None:
    path = write_csv(US_FILE)
    result = run(store, "create", "L", path, "--phone-column", "phone", "--ambiguous", choice)
    assert result.exit_code == 0, result.output
    assert stored(store, "L") == [*AMBIGUOUS_CHOICES[choice], ("+12025550125",) * 2]


@pytest.mark.parametrize("choice", sorted(AMBIGUOUS_CHOICES))
def test_add_ambiguous_choice_stores_what_it_says(
    store: Store, write_csv: WriteCsv, choice: str
) -> None:
    first = write_csv("phone,name\n+12025550123,A\n+12025550124,B\n", "first.csv")
    assert run(store, "create", "L", first, "--phone-column", "phone").exit_code == 0
    more = write_csv(f"phone,name\n{AMBIGUOUS},C\n+12025550125,D\n", "more.csv")
    refused = run(store, "add", "L", more)
    assert refused.exit_code == 1 and "row 1" in refused.output
    assert len(stored(store, "L")) == 2
    result = run(store, "add", "L", more, "--ambiguous", choice)
    assert result.exit_code == 0, result.output
    assert stored(store, "L") == [*AMBIGUOUS_CHOICES[choice], ("+12025550125",) * 2]


# --- 5. add: --map and --fix-headers ----------------------------------------------

SECOND_EXPORT = [
    ("Ola", "Nowak", "+1 202 555 0190", "+12025550190"),
    ("Pia", "Lund", "+44 20 7946 0961", "+442079460961"),
]


@pytest.fixture
def hubspot_audience(store: Store, write_csv: WriteCsv) -> Store:
    path = write_csv(hubspot_csv(), "hubspot.csv")
    args = ("--phone-column", "Phone Number", "--fix-headers", "--repair", "--skip-invalid")
    assert run(store, "create", "H", path, *args).exit_code == 0
    return store


def test_a_second_export_is_refused_naming_near_headers(
    hubspot_audience: Store, write_csv: WriteCsv
) -> None:
    path = write_csv(hubspot_csv(SECOND_EXPORT), "second.csv")
    result = run(hubspot_audience, "add", "H", path, "--repair")
    assert result.exit_code == 1
    assert "'Phone Number' should be 'Phone_Number'" in result.output
    assert "--fix-headers" in result.output and "--map" in result.output
    assert len(stored(hubspot_audience, "H")) == 11


def test_add_fix_headers_takes_a_second_export_unedited(
    hubspot_audience: Store, write_csv: WriteCsv
) -> None:
    path = write_csv(hubspot_csv(SECOND_EXPORT), "second.csv")
    result = run(hubspot_audience, "add", "H", path, "--fix-headers", "--repair")
    assert result.exit_code == 0, result.output
    _, members = hubspot_audience.load("H")
    assert [(m.values["First_Name"], m.e164) for m in members[11:]] == [
        (first, e164) for first, _, _, e164 in SECOND_EXPORT
    ]
    assert members[11].values["Create_Date"] == "2026-11-01 09:30"


def test_add_fix_headers_reads_names_that_differ_only_in_case(
    store: Store, write_csv: WriteCsv
) -> None:
    """The refusal advises --fix-headers for `Name` against `name`: following it works
    (names a guess would pair, `Nom` for `name`, are left to --map)."""
    first = write_csv("name,phone,notes\nAnn,+12025550123,x\n", "first.csv")
    assert run(store, "create", "L", first, "--phone-column", "phone").exit_code == 0
    cased = write_csv("Name,Phone,Notes\nBo,+12025550124,y\n", "cased.csv")
    refused = run(store, "add", "L", cased)
    assert refused.exit_code == 1 and "--fix-headers" in refused.output
    result = run(store, "add", "L", cased, "--fix-headers")
    assert result.exit_code == 0, result.output
    assert "Name -> name" in result.output
    assert stored(store, "L") == [
        ("+12025550123", "+12025550123"),
        ("+12025550124", "+12025550124"),
    ]
    guessed = write_csv("Nome,phone,notes\nCy,+12025550125,z\n", "guessed.csv")
    refused = run(store, "add", "L", guessed, "--fix-headers")
    assert refused.exit_code == 1 and "--fix-headers" not in refused.output.split("(")[-1]
    assert len(stored(store, "L")) == 2


def test_add_map_renames_each_column_given(hubspot_audience: Store, write_csv: WriteCsv) -> None:
    path = write_csv(hubspot_csv(SECOND_EXPORT), "second.csv")
    renames = [f"{h}={h.replace(' ', '_')}" for h in ("First Name", "Last Name", "Phone Number")]
    maps = [arg for pair in renames for arg in ("--map", pair)]
    partial = run(hubspot_audience, "add", "H", path, "--repair", *maps)
    assert partial.exit_code == 1  # three columns still differ
    assert "'Company Name' should be 'Company_Name'" in partial.output
    assert "'Phone Number'" not in partial.output
    rest = [
        f"{h}={h.replace(' ', '_')}" for h in ("Company Name", "Lifecycle Stage", "Create Date")
    ]
    maps += [arg for pair in rest for arg in ("--map", pair)]
    result = run(hubspot_audience, "add", "H", path, "--repair", *maps)
    assert result.exit_code == 0, result.output
    assert [e164 for _, e164 in stored(hubspot_audience, "H")[11:]] == [
        e164 for *_, e164 in SECOND_EXPORT
    ]


def test_add_map_of_a_column_the_file_lacks_is_refused(
    hubspot_audience: Store, write_csv: WriteCsv
) -> None:
    path = write_csv(hubspot_csv(SECOND_EXPORT), "second.csv")
    result = run(hubspot_audience, "add", "H", path, "--map", "Mobile=Phone_Number")
    assert result.exit_code == 1
    assert "no column 'Mobile'" in result.output
    assert len(stored(hubspot_audience, "H")) == 11


# --- 6. add --up-to-limit ---------------------------------------------------------


def test_add_up_to_limit_adds_the_rows_that_fit(store: Store, write_csv: WriteCsv) -> None:
    near = MEMBER_LIMIT - 2
    big = write_csv(
        "phone,name\n" + "".join(f"+1202{2_000_000 + i},n{i}\n" for i in range(near)), "big.csv"
    )
    assert run(store, "create", "Big", big, "--phone-column", "phone").exit_code == 0
    five = [f"+120255501{i:02d}" for i in range(1, 6)]
    more = write_csv("phone,name\n" + "".join(f"{p},m{i}\n" for i, p in enumerate(five)))
    refused = run(store, "add", "Big", more)
    assert refused.exit_code == 1 and "--up-to-limit" in refused.output
    assert store.load("Big")[0].member_count == near
    result = run(store, "add", "Big", more, "--up-to-limit")
    assert result.exit_code == 0, result.output
    assert "added 2 members" in result.output and "3 of them over the limit" in result.output
    audience, members = store.load("Big")
    assert audience.member_count == MEMBER_LIMIT
    assert [m.e164 for m in members[near:]] == five[:2]  # file order
    full = run(store, "add", "Big", more, "--up-to-limit", "--skip-duplicates")
    assert full.exit_code == 1  # no room left: nothing fits
    assert store.load("Big")[0].member_count == MEMBER_LIMIT


# --- 7. check --phone-column that is not there ------------------------------------


def test_check_unknown_phone_column_is_bad_usage(write_csv: WriteCsv) -> None:
    path = write_csv("phone,name\n+12025550123,A\n")
    result = run_any(write_csv, "check", path, "--phone-column", "NOPE")
    assert result.exit_code == 2
    assert "no column named 'NOPE'" in result.output and "phone, name" in result.output
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "check", str(path), "--phone-column", "NOPE"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "'NOPE'" in done.stderr


@pytest.mark.parametrize("other", ["", "(202) 555-0143\n"])
def test_check_repair_warns_of_a_value_with_two_readings(write_csv: WriteCsv, other: str) -> None:
    path = write_csv("phone\n+12025550123\n+12025550124\n" + other + "514-332-7349\n")
    data = report(run_any(write_csv, "check", path, "--json", "--repair"))
    assert data["fix_region"] == "US"
    (warning,) = data["warnings"]
    assert warning["value"] == "514-332-7349" and warning["reason"] == "ambiguous_country"
    assert warning["readings"] == ["+5143327349", "+15143327349"]


def test_refused_column_names_core_names_no_flag_the_cli_does(store: Store, write_csv) -> None:  # type: ignore[no-untyped-def]
    from core.plan import HeadersRefused, plan_create
    from core.reading import read_file

    path = write_csv("Phone Number,Имя\n+12025550123,Ann\n", "names.csv")
    with pytest.raises(HeadersRefused) as refused:
        plan_create(read_file(path), "Phone Number")
    assert "--" not in str(refused.value)
    assert refused.value.proposed == ["Phone_Number", "Imya"]
    result = run(store, "create", "L", path, "--phone-column", "Phone Number")
    assert result.exit_code == 1
    assert "'Phone Number' -> 'Phone_Number'" in result.output
    assert "(accept them with --fix-headers)" in result.output
    assert store.list_audiences() == []


def test_create_fix_headers_takes_the_phone_column_by_either_name(
    store: Store, write_csv: WriteCsv, tmp_path: Path
) -> None:
    """`create --fix-headers` prints `Телефон -> Telefon`; --phone-column may name either."""
    path = write_csv("Имя,Телефон\nОльга,+79001234567\n", "cyr.csv")
    for i, name in enumerate(("Телефон", "Telefon")):
        db = Store(tmp_path / f"store{i}", lock_timeout=30)
        result = run(db, "create", "C", path, "--fix-headers", "--phone-column", name)
        assert result.exit_code == 0, result.output
        assert db.get("C").phone_column == "Telefon"
    result = run(store, "create", "C", path, "--phone-column", "Telefon")
    assert result.exit_code == 2 and "no column named 'Telefon'" in result.output


def test_fix_headers_renames_only_what_is_no_guess_and_is_advised_only_when_enough(
    store: Store, write_csv: WriteCsv, tmp_path: Path
) -> None:
    """An audience with both first_name and FirstName: `First Name` could be either, so
    it is not renamed; `Name,emails` against `name,email`: renaming Name is not enough,
    so --fix-headers is not advised."""
    from core.headers import diff_headers, near_mapping, renames_suffice

    both = diff_headers(["first_name", "FirstName", "phone"], ["First Name", "phone"])
    assert near_mapping(both) == {}
    partial = diff_headers(["name", "email", "phone"], ["Name", "emails", "phone"])
    assert near_mapping(partial) == {"Name": "name"} and not renames_suffice(partial)
    first = write_csv("name,email,phone\nAnn,a@x.com,+12025550123\n", "first.csv")
    assert run(store, "create", "L", first, "--phone-column", "phone").exit_code == 0
    other = write_csv("Name,emails,phone\nBo,b@x.com,+12025550124\n", "other.csv")
    refused = run(store, "add", "L", other)
    assert refused.exit_code == 1 and "--fix-headers" not in refused.output
