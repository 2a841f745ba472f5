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


def test_excel_safe_text_starts_with_a_bom_and_reads_back(
    store: Store, write_csv: WriteCsv
) -> None:
    """Excel reads UTF-8 without a BOM in the machine's code page (Zoë as ZoÃ«); the tool
    reads the file back with its BOM as the same values."""
    create(store, write_csv("phone,name\n+12025550123,Zoë Ñúñez\n"))
    audience, members = store.load("Seed")
    safe = to_csv(audience, members, excel_safe_cells=True)
    assert safe.encode().startswith(b"\xef\xbb\xbfphone,name\n")
    assert not to_csv(audience, members).startswith("\ufeff")
    table = read_file(write_csv(safe.encode(), "for-excel.csv"))
    assert table.headers == ["phone", "name"]
    assert table.frame.row(0) == ("+12025550123", "Zoë Ñúñez")


def test_a_link_is_written_through_and_special_files_are_refused(
    store: Store, write_csv: WriteCsv, tmp_path: Path
) -> None:
    """An atomic write replaces the file it writes: through a symbolic link it writes the
    link's own file (the link stays a link); a pipe or socket is never replaced by a
    plain file (run as root, a device would have been too)."""
    import os
    import socket

    import pytest
    from click.testing import CliRunner

    from core.cli import main
    from core.errors import AudiencesError, FileExists
    from core.export import export_to_file

    create(store, write_csv("phone,name\n+12025550123,Ann\n"))
    audience, members = store.load("Seed")
    target = tmp_path / "target.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    with pytest.raises(FileExists):
        export_to_file(audience, members, link, overwrite=False)
    assert export_to_file(audience, members, link) == target
    assert link.is_symlink() and target.read_text() == to_csv(audience, members)

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for special in (fifo, sock_path):
            with pytest.raises(AudiencesError, match="not a regular file"):
                export_to_file(audience, members, special)
            assert not special.is_file()
    finally:
        server.close()
    assert fifo.exists() and not fifo.is_file()

    # `-o -` is standard output, as in most tools (not a file named "-").
    result = CliRunner().invoke(
        main, ["--db", str(store.path), "export", "Seed", "-o", "-"], catch_exceptions=False
    )
    assert result.exit_code == 0 and result.stdout == to_csv(audience, members)
    assert not (Path.cwd() / "-").exists()


def test_a_link_to_nothing_needs_force_and_dev_paths_are_never_replaced(
    store: Store, write_csv: WriteCsv, tmp_path: Path
) -> None:
    """A dangling link is something already there (exit 1 without --force); /dev/stdout
    is standard output (a shell's `>> file` keeps what the file held); other /dev and
    /proc paths are never replaced by a plain file."""
    import pytest
    from click.testing import CliRunner

    from core.cli import main
    from core.errors import AudiencesError, FileExists
    from core.export import export_to_file

    create(store, write_csv("phone,name\n+12025550123,Ann\n"))
    audience, members = store.load("Seed")
    link = tmp_path / "dangling.csv"
    link.symlink_to(tmp_path / "nothere.csv")
    with pytest.raises(FileExists):
        export_to_file(audience, members, link, overwrite=False)
    assert not (tmp_path / "nothere.csv").exists()
    assert export_to_file(audience, members, link) == tmp_path / "nothere.csv"
    assert link.is_symlink() and link.read_text() == to_csv(audience, members)
    for special in ("/proc/self/fd/1", "/dev/stderr"):
        with pytest.raises(AudiencesError, match="not a regular file"):
            export_to_file(audience, members, special)
    result = CliRunner().invoke(
        main, ["--db", str(store.path), "export", "Seed", "-o", "/dev/stdout"]
    )
    assert result.exit_code == 0 and result.stdout == to_csv(audience, members)


def test_a_one_part_export_names_every_part_an_earlier_one_left(tmp_path: Path) -> None:
    """After FILE-1.csv and FILE-2.csv, an export of one part writes FILE.csv: both old
    parts are stale (FILE-1.csv was left out of the warning)."""
    from core.export import stale_parts

    target = tmp_path / "r.csv"
    for n in (1, 2):
        (tmp_path / f"r-{n}.csv").write_text("old\n")
    assert stale_parts(target, 0) == [tmp_path / "r-1.csv", tmp_path / "r-2.csv"]
    assert stale_parts(target, 1) == [tmp_path / "r-1.csv", tmp_path / "r-2.csv"]
    assert stale_parts(target, 2) == []
    (tmp_path / "r-3.csv").write_text("old\n")
    assert stale_parts(target, 2) == [tmp_path / "r-3.csv"]
    target.write_text("old\n")  # a one-part export before: not replaced by parts
    assert stale_parts(target, 2) == [target, tmp_path / "r-3.csv"]
    assert stale_parts(target, 0) == [
        tmp_path / "r-1.csv",
        tmp_path / "r-2.csv",
        tmp_path / "r-3.csv",
    ]


def test_a_device_is_refused_as_such_with_or_without_force(
    store: Store, write_csv: WriteCsv
) -> None:
    """/dev/null was 'already exists (--force replaces it)', then refused with --force."""
    import pytest

    from core.errors import AudiencesError
    from core.export import export_to_file

    create(store, write_csv("phone,name\n+12025550123,Ann\n"))
    audience, members = store.load("Seed")
    for overwrite in (False, True):
        with pytest.raises(AudiencesError, match="not a regular file"):
            export_to_file(audience, members, "/dev/null", overwrite=overwrite)
