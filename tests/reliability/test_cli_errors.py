"""Command-line exit codes and error sentences for bad inputs.

0 done; 1 refused by the rules (nothing written); 2 bad usage or unreadable input. A
`core` error is one sentence on one line of stderr ("audiences: ..."), never a traceback;
click's own usage errors are one line too, naming the command's --help.
"""

from __future__ import annotations

from pathlib import Path

from ._support import in_number, one_line_error, run_cli, run_cli_many, store_bytes, us_number

GOOD = f"phone,name\n{us_number(1)},A\n{us_number(2)},B\n"
BAD = GOOD + "(202) 555-0199,C\n"


def test_exit_codes_and_one_sentence_errors(tmp_path: Path) -> None:
    db = tmp_path / "store"
    good, bad, wrong, big = (tmp_path / f"{n}.csv" for n in ("good", "bad", "wrong", "big"))
    good.write_text(GOOD)
    bad.write_text(BAD)
    wrong.write_text(f"Phone,Name\n{us_number(3)},C\n")
    big.write_text("phone,name\n" + "".join(f"{in_number(i)},x\n" for i in range(10_000)))
    assert run_cli("--db", db, "create", "S", good, "--phone-column", "phone").returncode == 0
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    before = store_bytes(db)

    # (arguments, exit code, part of the one-line error or None when the command succeeds)
    cases: list[tuple[tuple[str, ...], int, str | None]] = [
        # (check's 0 / 1 / 2 on good, bad and missing files: tests/core/test_cli.py)
        (("create", "T", str(bad), "--phone-column", "phone"), 1, "nothing was written: 1 invalid"),
        (("add", "S", str(wrong)), 1, "'Phone' should be 'phone'"),
        (("add", "S", str(big)), 1, "at most 9,998 more"),
        (("add", "NOPE", str(good)), 2, "no audience named 'NOPE'"),
        (("add-member", "S", "phone=12", "name=x"), 1, "too_short"),
        (("show", "NOPE"), 2, "no audience named 'NOPE'"),
        (("rename", "S", ""), 1, "cannot be empty"),
        (("remove-member", "S", "+999"), 2, "no member has that number"),
        (("check", str(good), "--encoding", "klingon"), 2, "unknown encoding 'klingon'"),
    ]
    results = run_cli_many([("--db", str(db), *args) for args, _, _ in cases])
    for (args, code, part), result in zip(cases, results, strict=True):
        assert result.returncode == code, (args, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr
        if part is None:
            assert result.stderr == "", (args, result.stderr)
        else:
            assert one_line_error(result.stderr), (args, result.stderr)
            assert result.stderr.startswith("audiences: ") and part in result.stderr, (
                args,
                result.stderr,
            )
    # Nothing the refused commands did changed the store.
    assert store_bytes(db) == before

    # A --db that is a file, not a folder.
    result = run_cli("--db", a_file, "list")
    assert result.returncode == 2 and one_line_error(result.stderr) and "is a file" in result.stderr


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "store")
    for args in (("delete", "S"), ("frobnicate",), ("add-member",), ("create", "S")):
        result = run_cli("--db", db, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert one_line_error(result.stderr), (args, result.stderr)
        assert "--help'" in result.stderr  # says where help is
