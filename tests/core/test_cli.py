"""The command line, run as a real process: exit codes, JSON shapes, one-sentence errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run

WriteCsv = Callable[..., Path]
SEED = "phone,name\n+12025550123,John Doe\n919876543210,Sarah Chen\n"
BAD = SEED + "(202) 555-0123,Mike Johnson\n202.555.0123,Sarah Chen\n2025550123,Mike Johnson\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store"


def test_check_json_report(write_csv: WriteCsv) -> None:
    result = run("check", write_csv(BAD), "--json", "--default-region", "us")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert set(report) >= {
        "file",
        "rows",
        "columns",
        "delimiter",
        "encoding",
        "phone_column",
        "suggested_phone_column",
        "valid",
        "invalid",
        "duplicates",
        "problems",
        "regions",
    }
    assert report["rows"] == 5 and report["valid"] == 2 and report["invalid"] == 3
    assert report["valid"] + report["invalid"] + report["duplicates"] == report["rows"]
    assert report["phone_column"] == report["suggested_phone_column"] == "phone"
    assert report["regions"] == {"US": 1, "IN": 1}
    assert report["fix_region"] == "US" and report["fixable"] == 3
    assert report["warnings"] == []
    by_row = {p["row"]: p for p in report["problems"]}
    assert by_row[3]["reason"] == by_row[4]["reason"] == "bad_characters"
    assert by_row[5]["reason"] == "invalid_number"
    # The default region reads the national numbers: each has one valid reading.
    assert [(by_row[r]["fix"], by_row[r]["fix_kind"]) for r in (3, 4, 5)] == [
        ("+12025550123", "national")
    ] * 3
    assert by_row[5]["hint"] == "add the country code of US: +12025550123"
    assert by_row[5]["value"] == "2025550123" and by_row[5]["column"] == "phone"


def test_check_exit_codes(write_csv: WriteCsv, tmp_path: Path) -> None:
    assert run("check", write_csv(SEED)).returncode == 0
    assert run("check", write_csv(SEED + "+12025550123,Again\n", "dup.csv")).returncode == 1
    missing = run("check", tmp_path / "missing.csv")
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr


def test_create_list_show_export_round_trip(write_csv: WriteCsv, db: Path, tmp_path: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    created = run("create", "Seed", write_csv(SEED), "--phone-column", "phone", db=db)
    assert created.returncode == 0, created.stderr
    after = datetime.now(UTC)
    listed = json.loads(run("list", "--json", db=db).stdout)
    changed = listed[0]["changed_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)", changed), changed
    assert before <= datetime.fromisoformat(changed.replace("Z", "+00:00")) <= after
    assert listed == [
        {
            "name": "Seed",
            "members": 2,
            "phone_column": "phone",
            "columns": ["phone", "name"],
            "style": "mixed",
            "regions": {"US": 1, "IN": 1},
            "changed_at": listed[0]["changed_at"],
        }
    ]
    shown = json.loads(run("show", "Seed", "--json", db=db).stdout)
    assert shown["members"] == [
        {"phone": "+12025550123", "name": "John Doe"},
        {"phone": "919876543210", "name": "Sarah Chen"},
    ]
    out = tmp_path / "out.csv"
    assert run("export", "Seed", "-o", out, db=db).returncode == 0
    assert out.read_text() == SEED
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_create_refused_lists_every_problem_and_writes_nothing(
    write_csv: WriteCsv, db: Path
) -> None:
    result = run("create", "Bad", write_csv(BAD), "--phone-column", "phone", db=db)
    assert result.returncode == 1
    for row in (3, 4, 5):
        assert f"row {row} " in result.stdout
    assert "nothing was written" in result.stderr
    assert json.loads(run("list", "--json", db=db).stdout) == []
    skipped = run(
        "create", "Bad", write_csv(BAD), "--phone-column", "phone", "--skip-invalid", db=db
    )
    assert skipped.returncode == 0
    assert json.loads(run("list", "--json", db=db).stdout)[0]["members"] == 2


def test_create_over_the_limit_points_to_split(write_csv: WriteCsv, db: Path) -> None:
    rows = "".join(f"+1202555{i:04d},n\n" for i in range(10_000))
    rows += "".join(f"+1303555{i:04d},n\n" for i in range(5))
    result = run(
        "create", "Big", write_csv("phone,name\n" + rows), "--phone-column", "phone", db=db
    )
    assert result.returncode == 1
    assert "this would add 10,005" in result.stderr
    assert "(make several audiences of it with `audiences split FILE --name NAME`)" in (
        result.stderr
    )


def test_add_member_edit_remove(write_csv: WriteCsv, db: Path) -> None:
    run("create", "Seed", write_csv(SEED), "--phone-column", "phone", db=db)
    bad = run("add-member", "Seed", "phone=2025550199", "name=X", db=db)
    assert bad.returncode == 1 and "phone: invalid_number" in bad.stderr
    assert "2025550199" not in bad.stderr  # values go to the report (stdout), not stderr
    # The audience holds US and IN numbers: both readings are offered, in region order.
    assert (
        "missing country code? in IN it would be +912025550199, "
        "in US it would be +12025550199" in bad.stdout
    )
    assert run("add-member", "Seed", "phone=+12025550199", "name=X", db=db).returncode == 0
    assert run("add-member", "Seed", "phone=12025550199", "name=Y", db=db).returncode == 1
    assert run("edit-member", "Seed", "12025550199", "name=Renamed", db=db).returncode == 0
    members = json.loads(run("show", "Seed", "--json", db=db).stdout)["members"]
    assert {"phone": "+12025550199", "name": "Renamed"} in members
    assert run("remove-member", "Seed", "+12025550199", "919876543210", db=db).returncode == 0
    members = json.loads(run("show", "Seed", "--json", db=db).stdout)["members"]
    assert members == [{"phone": "+12025550123", "name": "John Doe"}]


def test_add_by_csv_wrong_case_is_refused_with_hint(write_csv: WriteCsv, db: Path) -> None:
    run("create", "Seed", write_csv(SEED), "--phone-column", "phone", db=db)
    result = run("add", "Seed", write_csv("Phone,name\n+447911123456,Z\n", "new.csv"), db=db)
    assert result.returncode == 1
    assert "'Phone' should be 'phone'" in result.stderr
    ok = run("add", "Seed", write_csv("name,phone\nZ,+447911123456\n", "ok.csv"), db=db)
    assert ok.returncode == 0, ok.stderr


def test_rename_delete(write_csv: WriteCsv, db: Path) -> None:
    run("create", "Seed", write_csv(SEED), "--phone-column", "phone", db=db)
    assert run("rename", "Seed", "New", db=db).returncode == 0
    assert run("delete", "New", db=db).returncode == 2  # needs --yes
    assert run("delete", "New", "--yes", db=db).returncode == 0
    missing = run("show", "New", db=db)
    assert missing.returncode == 2 and "no audience named 'New'" in missing.stderr


def test_demo_report_runs() -> None:
    result = run("demo", "--report")
    assert result.returncode == 0, result.stderr
    assert "India sales leads" in result.stdout and "bad_characters" in result.stdout


def test_help_does_not_import_polars_or_textual() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from core.cli import main\n"
        "CliRunner().invoke(main, ['--help'])\n"
        "loaded = ('polars', 'textual', 'rich', 'phonenumbers')\n"
        "print(sorted(m for m in loaded if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_core_never_imports_the_ui() -> None:
    code = (
        "import sys, pkgutil, importlib, core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich', 'tui')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_json_output_escapes_c1_and_bidi_but_keeps_the_values(db: Path) -> None:
    from core.audience import Member
    from core.store import Store

    hostile = "Ann\u202eLee\x9b31m"
    Store(db).create(
        "Raw",
        ["phone", "name"],
        "phone",
        [Member({"phone": "+12025550123", "name": hostile}, "+12025550123", "US")],
        ["phone"],
    )
    result = run("show", "Raw", "--json", db=db)
    assert result.returncode == 0
    assert "\u202e" not in result.stdout and "\x9b" not in result.stdout
    assert json.loads(result.stdout)["members"][0]["name"] == hostile


def test_check_prints_the_first_problems_and_all_with_all(write_csv: WriteCsv) -> None:
    """A file with 100,000s of problem rows must not flood the terminal: 20 are shown and
    the rest counted; --all lists every one."""
    rows = "".join(f"+1202555{i:04d}9,Name {i}\n" for i in range(45))  # too long: 45 problems
    path = write_csv("phone,name\n+12025550123,Ann\n" + rows)
    short = run("check", path)
    assert short.returncode == 1
    assert short.stdout.count("too_long") == 20 + 1  # 20 rows and the count by reason
    assert "... and 25 more problem rows (--all lists every one)" in short.stdout
    full = run("check", path, "--all")
    assert full.stdout.count("too_long -") == 45 and "more problem rows" not in full.stdout


def test_export_refuses_an_existing_file_unless_force(
    write_csv: WriteCsv, db: Path, tmp_path: Path
) -> None:
    """Issue 10, defect 13: `export -o` overwrote silently. Exit 1 (refused, nothing
    written), as a taken audience name is."""
    run("create", "Seed", write_csv(SEED), "--phone-column", "phone", db=db)
    out = tmp_path / "out.csv"
    out.write_text("my own work\n")
    refused = run("export", "Seed", "-o", out, db=db)
    assert refused.returncode == 1
    assert (
        refused.stderr
        == f"audiences: {out} already exists; nothing was written (--force replaces it)\n"
    )
    assert out.read_text() == "my own work\n"
    forced = run("export", "Seed", "-o", out, "--force", db=db)
    assert forced.returncode == 0 and out.read_text() == SEED
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_ready_commands_are_listed_in_help() -> None:
    result = run("--help")
    for command in ("hours", "suppress", "split"):
        assert command in result.stdout


_AS_A_PROCESS = """
import atexit, sys
from pathlib import Path
atexit.register(lambda: Path(sys.argv[1]).write_text("torn down"))
from core.cli.base import run
run(sys.argv[2:])
"""


def test_reports_end_their_process_without_teardown_once_their_output_is_out(
    tmp_path: Path,
) -> None:
    """`check`, `hours`, and `create`/`add` once the store is written, end the process
    without Python's teardown (50-100 ms once Polars has run): the whole report still
    reaches a pipe, with the exit code, and the store holds what was written; other
    commands end as usual (their atexit handlers run)."""
    rows = [f"+4420794609{i:02d},Person {i}" for i in range(100)] + ["12,Broken"] * 2_000
    path = tmp_path / "big.csv"
    path.write_text("phone,name\n" + "\n".join(rows) + "\n")
    marker = tmp_path / "marker"
    db = str(tmp_path / "db")

    def audiences(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", _AS_A_PROCESS, str(marker), "--db", db, *args]
        return subprocess.run(command, capture_output=True, text=True)

    out = audiences("check", str(path), "--json")
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)  # more than a pipe's buffer, all of it
    assert len(out.stdout) > 65_536
    assert (report["valid"], len(report["problems"])) == (100, 2_000)
    assert not marker.exists()  # no teardown: the atexit handler never ran
    created = audiences("create", "UK", str(path), "--phone-column", "phone", "--skip-invalid")
    assert created.returncode == 0, created.stderr
    assert "created 'UK' with 100 members" in created.stdout
    assert not marker.exists()
    hours = audiences("hours", "UK", "--json")
    assert hours.returncode == 0, hours.stderr
    said = json.loads(hours.stdout)
    assert said["callable"] + said["not_callable"] + said["unknown"] == 100
    assert not marker.exists()
    listed = audiences("show", "UK", "--json")  # a command that does not ask
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["members"]) == 100  # the store holds them all
    assert marker.read_text() == "torn down"


def test_every_command_is_found_by_its_module_and_only_its_module_is_imported() -> None:
    """Commands load with their module (`base.COMMAND_MODULES`): the table names every
    command, each where it is defined, and a check imports no other command's module."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from core.cli import main\n"
        "CliRunner().invoke(main, ['check', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('core.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(["core.cli.base", "core.cli.check", "core.cli.options"])
    import click

    from core.cli.base import COMMAND_MODULES, main

    listed = main.list_commands(click.Context(main))  # imports every module
    assert sorted(COMMAND_MODULES) == listed
    for name, module in COMMAND_MODULES.items():
        assert main.commands[name].callback.__module__ == module, name  # type: ignore[union-attr]


def test_a_mistyped_command_gets_a_suggestion(db: Path) -> None:
    """Commands load with their module; a name not in the table loads them all, so
    click can still say which command was meant."""
    result = run("chek", "x.csv", db=db)
    assert result.returncode == 2
    assert "Did you mean 'check'?" in result.stderr


def test_check_without_stdout_or_stderr_ends_as_before(tmp_path: Path) -> None:
    """Started with stdout or stderr closed (cron, supervisors), a clean check still
    exits 0 without a traceback: a missing stream is not flushed."""
    path = tmp_path / "clean.csv"
    path.write_text("phone\n+442079460958\n+12025550123\n")
    for closed in (">&-", "2>&-"):
        shell = f"{sys.executable} -m core.cli check {path} {closed}; echo rc=$?"
        out = subprocess.run(["bash", "-c", shell], capture_output=True, text=True)
        assert "rc=0" in out.stdout, (closed, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr


def test_create_refuses_a_bad_or_taken_name_before_reading_the_file(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    """No report of the file's rows is printed only to be followed by the name's refusal."""
    from click.testing import CliRunner

    from core.cli import main

    def create(name: str, path: Path) -> Any:
        args = ["--db", str(tmp_path / "store"), "create", name, str(path)]
        return CliRunner().invoke(main, [*args, "--phone-column", "phone"])

    with_a_bad_row = write_csv(SEED + "12,Dee\n", "bad.csv")
    empty = create(" ", with_a_bad_row)
    assert empty.exit_code == 1 and empty.stdout == ""
    assert empty.stderr == "audiences: an audience name cannot be empty\n"
    assert create("Seed", write_csv(SEED)).exit_code == 0
    taken = create("Seed", with_a_bad_row)
    assert taken.exit_code == 1 and taken.stdout == ""
    assert "an audience named 'Seed' already exists; nothing was read" in taken.stderr


def test_member_commands_refuse_a_column_twice_and_an_edit_of_nothing(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from core.cli import main

    db = ["--db", str(tmp_path / "store")]
    created = CliRunner().invoke(
        main, [*db, "create", "Seed", str(write_csv(SEED)), "--phone-column", "phone"]
    )
    assert created.exit_code == 0
    twice = CliRunner().invoke(
        main, [*db, "add-member", "Seed", "phone=+12025550111", "phone=+12025550112", "name=x"]
    )
    assert twice.exit_code == 2 and "'phone' is given twice" in twice.stderr
    nothing = CliRunner().invoke(main, [*db, "edit-member", "Seed", "+12025550123"])
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr
    shown = CliRunner().invoke(main, [*db, "show", "Seed", "--json"])
    assert json.loads(shown.stdout)["members"][0] == {"phone": "+12025550123", "name": "John Doe"}
    assert len(json.loads(shown.stdout)["members"]) == 2


def test_an_error_after_a_progress_line_starts_on_its_own_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from core.cli.base import reports_errors, show_progress

    @reports_errors
    def interrupted() -> None:
        show_progress("big.csv: 170,000 rows read and judged (17%)", last=False)
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as exited:
        interrupted()
    assert exited.value.code == 130
    assert capsys.readouterr().err == (
        "\rbig.csv: 170,000 rows read and judged (17%)\n"
        "audiences: interrupted; nothing more was written\n"
    )
    show_progress("done (100%)", last=True)  # the line is closed for the tests after
    capsys.readouterr()


def test_check_reads_standard_input_given_as_dash() -> None:
    from click.testing import CliRunner

    from core.cli import main

    piped = CliRunner().invoke(main, ["check", "-"], input=SEED + "12,Dee\n")
    assert piped.exit_code == 1
    assert "standard input: 3 rows, 2 columns, comma-separated, utf-8" in piped.stdout
    assert "row 3 (line 4): '12' too_short" in piped.stdout
    clean = CliRunner().invoke(main, ["check", "-", "--json"], input=SEED)
    assert clean.exit_code == 0 and json.loads(clean.stdout)["valid"] == 2
