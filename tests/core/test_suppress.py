"""The do-not-call list: judged on E.164, kept as safely as audiences, applied to exports."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run

import core.atomic
import core.store
from core.audience import Member
from core.errors import NotFound, RuleViolation, StoreDamaged, StoreWriteFailed
from core.export import leave_out
from core.phones import judge
from core.store import Store
from core.suppress import (
    BY_HAND,
    SuppressionList,
    add_numbers,
    import_file,
    remove_numbers,
)

WriteCsv = Callable[..., Path]
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# Shaped like a HubSpot contacts export (quoted headers with spaces, a date column).
HUBSPOT = (
    '"Record ID","First Name","Last Name","Phone Number","Create Date"\n'
    '"101","Ann","Lee","+12025550123","2026-10-01 10:00"\n'
    '"102","Bo","Chen","+447911123456","2026-10-02 11:00"\n'
    '"103","Cy","Dee","919876543210","2026-10-03 12:00"\n'
)


def test_add_by_hand_keeps_e164_source_and_time(store: Store) -> None:
    change = add_numbers(store, ["+12025550123", "12025550123", "+447911123456"], at=MONDAY)
    assert (change.added, change.refreshed, change.total) == (2, 0, 2)  # one number twice
    listed = SuppressionList.load(store)
    assert listed.keys() == frozenset({"+12025550123", "+447911123456"})
    assert listed.contains("+12025550123") and not listed.contains("+12025550124")
    entry = listed.entries()[0]
    assert (entry.e164, entry.source, entry.kind, entry.added_at) == (
        "+12025550123",
        BY_HAND,
        "hand",
        "2026-11-02T09:00:00Z",
    )


def test_invalid_numbers_are_refused_by_position_and_nothing_changes(store: Store) -> None:
    add_numbers(store, ["+12025550123"], at=MONDAY)
    before = store.suppression_path.read_bytes()
    with pytest.raises(RuleViolation) as refused:
        add_numbers(store, ["+447911123456", "2025550199", "(202) 555-0100"])
    message = refused.value.message
    assert "number 2: invalid_number" in message and "number 3: bad_characters" in message
    assert "2025550199" not in message and "555-0100" not in message
    assert store.suppression_path.read_bytes() == before


def test_formatted_numbers_written_with_their_country_code_are_listed(
    store: Store, write_csv: WriteCsv
) -> None:
    """`+1 202-555-0199` (a CRM's "Mobile Phone Number") names one number whatever the
    regions: listed as its digits, by hand and from a file, with or without a region. A
    formatted value without + still needs --default-region."""
    add_numbers(store, ["+1 202-555-0199", "+44 20 7946 0958"], at=MONDAY)
    path = write_csv('phone\n"+1 (202) 555-0198"\n+91 98765 43210\n', "crm.csv")
    import_file(store, path, "phone", default_region="US", at=MONDAY)
    assert SuppressionList.load(store).keys() == {
        "+12025550199",
        "+442079460958",
        "+12025550198",
        "+919876543210",
    }
    with pytest.raises(RuleViolation) as refused:
        add_numbers(store, ["(202) 555-0100"])
    assert "number 1: bad_characters" in refused.value.message


def test_a_refusal_advises_what_fits_each_value(store: Store) -> None:
    """A value written with + and a country code that is simply not a valid number is
    told so, not told to add a country code; an extension is named as such. Each advice
    names no number. (A possible one written with +, `+1 211 555 0123`, is listed: an
    audience created with --lenient takes it.)"""
    with pytest.raises(RuleViolation) as refused:
        add_numbers(store, ["+1211555012"])
    message = refused.value.message
    assert "number 1: too_short" in message
    assert "written with + and a country code, it is still not a valid number" in message
    assert "country code, e.g." not in message and "211555012" not in message
    with pytest.raises(RuleViolation) as refused:
        add_numbers(store, ["+1 646 555 0113 ext. 5"])
    assert "it holds an extension, which a call cannot dial" in refused.value.message
    assert "country code, e.g." not in refused.value.message
    with pytest.raises(RuleViolation) as refused:
        add_numbers(store, ["+1211555012", "2115550123", "", "+12025550123"])
    message = refused.value.message
    assert message.startswith("nothing was changed: 3 values are not valid numbers")
    assert "written with + and a country code, 1 is still not a valid number" in message
    assert "written without +, 1 needs the country code, e.g. +1 for the US" in message
    assert "1 is empty" in message
    assert len(SuppressionList.load(store)) == 0
    assert add_numbers(store, ["+12115550123"]).added == 1


def test_a_number_with_plus_in_a_link_or_spreadsheet_marker_is_listed(store: Store) -> None:
    """`tel:+1...`, a spreadsheet's `'+1...` or `="+1..."`: written with + and the country
    code, so listed as their digits like `+1 646-555-0113`, without a region."""
    values = ["tel:+16465550113", "'+1 646 555 0114", '="+16465550115"', "TEL:+44 20 7946 0958"]
    change = add_numbers(store, values, at=MONDAY)
    assert change.added == 4
    assert SuppressionList.load(store).keys() == {
        "+16465550113",
        "+16465550114",
        "+16465550115",
        "+442079460958",
    }


def test_import_a_hubspot_export(store: Store, write_csv: WriteCsv) -> None:
    path = write_csv(HUBSPOT, "hubspot-dnc.csv")
    change = import_file(store, path, "Phone Number", at=MONDAY)
    assert (change.added, change.total) == (3, 3)
    listed = SuppressionList.load(store)
    assert listed.keys() == {"+12025550123", "+447911123456", "+919876543210"}
    assert {e.source for e in listed.entries()} == {"hubspot-dnc.csv"}
    newest = listed.newest_import()
    assert newest is not None and (newest.source, newest.count) == ("hubspot-dnc.csv", 3)


def test_import_excel_semicolon_cp1252_with_consent(store: Store, write_csv: WriteCsv) -> None:
    text = "Téléphone;Nom\r\n+33612345678;Élodie\r\n+33698765432;Zoé\r\n"
    path = write_csv(text.encode("cp1252"), "excel.csv")
    with pytest.raises(Exception) as unread:  # not UTF-8: refused until the user consents
        import_file(store, path, "Téléphone")
    assert unread.value.__class__.__name__ == "EncodingNeedsConsent"
    assert not store.suppression_path.exists()
    change = import_file(store, path, "Téléphone", encoding="cp1252")
    assert change.added == 2


def test_import_names_the_bad_rows_not_their_values(store: Store, write_csv: WriteCsv) -> None:
    path = write_csv("phone\n+12025550123\n2025550199\n\n(202) 555-0144\n", "dnc.csv")
    with pytest.raises(RuleViolation) as refused:
        import_file(store, path, "phone")
    message = refused.value.message
    assert "row 2 (line 3): invalid_number" in message
    assert "row 3 (line 5): bad_characters" in message  # the blank line is no row
    assert "2025550199" not in message and "0144" not in message
    assert not store.suppression_path.exists()


def test_a_file_without_header_row_is_refused(store: Store, write_csv: WriteCsv) -> None:
    """Read with its first number as the header, that number would be silently missing."""
    path = write_csv("+12025550123\n+12025550124\n", "bare.csv")
    with pytest.raises(RuleViolation, match="no header row"):
        import_file(store, path, "+12025550123")


def test_import_again_refreshes_source_and_time(store: Store, write_csv: WriteCsv) -> None:
    first = write_csv("phone\n+12025550123\n+12025550124\n", "october.csv")
    second = write_csv("phone\n+12025550124\n+12025550125\n", "november.csv")
    import_file(store, first, "phone", at=MONDAY - timedelta(days=40))
    change = import_file(store, second, "phone", at=MONDAY)
    assert (change.added, change.refreshed, change.total) == (1, 1, 3)
    sources = {e.e164: e.source for e in SuppressionList.load(store).entries()}
    assert sources == {
        "+12025550123": "october.csv",
        "+12025550124": "november.csv",
        "+12025550125": "november.csv",
    }


def test_staleness_is_judged_on_the_newest_import(store: Store, write_csv: WriteCsv) -> None:
    path = write_csv("phone\n+12025550123\n", "dnc.csv")
    import_file(store, path, "phone", at=MONDAY)
    listed = SuppressionList.load(store)
    assert not listed.is_stale(MONDAY + timedelta(days=31))
    assert listed.is_stale(MONDAY + timedelta(days=31, seconds=1))
    # Numbers typed by hand later do not make the imported list fresh again.
    add_numbers(store, ["+12025550199"], at=MONDAY + timedelta(days=40))
    assert SuppressionList.load(store).is_stale(MONDAY + timedelta(days=41))


def test_a_list_typed_by_hand_only_is_never_called_stale(store: Store) -> None:
    add_numbers(store, ["+12025550123"], at=MONDAY)
    listed = SuppressionList.load(store)
    assert listed.newest_import() is None and not listed.is_stale(MONDAY + timedelta(days=400))


def test_remove_is_all_or_nothing(store: Store) -> None:
    add_numbers(store, ["+12025550123", "+12025550124"], at=MONDAY)
    with pytest.raises(NotFound, match=r"number 2\)"):
        remove_numbers(store, ["+12025550123", "+12025550199"])
    assert len(SuppressionList.load(store)) == 2
    change = remove_numbers(store, ["12025550123"])
    assert (change.removed, change.total) == (1, 1)
    assert SuppressionList.load(store).keys() == {"+12025550124"}


def test_a_store_without_a_list_has_an_empty_one(store: Store) -> None:
    listed = SuppressionList.load(store)
    assert len(listed) == 0 and listed.keys() == frozenset()


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"   \n",
        b"\x00" * 64,
        b'{"list": {"1": {"format": "audiences-suppression"',
        b'{"list": {"1": {"format": "something-else", "version": 1}}}',
        b'{"list": {"1": {"format": "audiences-suppression", "version": 1}}, "batches": {},'
        b' "entries": {"+12025550123": {"b": 9}}}',  # an entry from no batch
    ],
)
def test_a_damaged_list_is_refused_never_read_as_empty(store: Store, damage: bytes) -> None:
    add_numbers(store, ["+12025550123"], at=MONDAY)
    store.suppression_path.write_bytes(damage)
    with pytest.raises(StoreDamaged):
        SuppressionList.load(store)
    with pytest.raises(StoreDamaged):
        add_numbers(store, ["+12025550124"])
    assert store.suppression_path.read_bytes() == damage


def test_an_edited_list_fails_its_checksum(store: Store) -> None:
    add_numbers(store, ["+12025550123"], at=MONDAY)
    raw = store.suppression_path.read_bytes()
    store.suppression_path.write_bytes(raw.replace(b"+12025550123", b"+12025550124"))
    with pytest.raises(StoreDamaged, match="checksum"):
        SuppressionList.load(store)


def test_the_list_file_is_private_whatever_the_umask(store: Store) -> None:
    old = os.umask(0o022)
    try:
        add_numbers(store, ["+12025550123"])
    finally:
        os.umask(old)
    assert oct(store.suppression_path.stat().st_mode & 0o777) == "0o600"


class FailingOS:
    """`os` inside core.atomic and core.store, with its Nth `fsync` failing (disk full)."""

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name != "fsync":
            return real

        def fsync(fd: int) -> None:
            self.calls += 1
            if self.calls == self.fail_at:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(fd)

        return fsync


@pytest.mark.parametrize("fail_at", [1, 2])
def test_a_failed_write_leaves_the_old_list(
    store: Store, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    add_numbers(store, ["+12025550123"], at=MONDAY)
    before = store.suppression_path.read_bytes()
    failing = FailingOS(fail_at)
    for module in (core.atomic, core.store):
        monkeypatch.setattr(module, "os", failing)
    with pytest.raises(StoreWriteFailed, match="disk is full"):
        add_numbers(store, ["+12025550124"])
    monkeypatch.undo()
    assert store.suppression_path.read_bytes() == before
    assert not [p for p in store.path.iterdir() if p.name.endswith(".tmp")]


ADDER = """
import sys
from core.store import Store
from core.suppress import add_numbers
store = Store(sys.argv[1], lock_timeout=60)
base = int(sys.argv[2])
for i in range(25):
    add_numbers(store, [f"+1202555{base + i:04d}"])
"""


def test_concurrent_adds_lose_nothing(store: Store, tmp_path: Path) -> None:
    """Four processes add 25 numbers each, one change at a time, under the store lock."""
    script = tmp_path / "adder.py"
    script.write_text(ADDER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [
        subprocess.Popen([sys.executable, str(script), str(store.path), str(base)], env=env)
        for base in (1000, 2000, 3000, 4000)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    listed = SuppressionList.load(store)
    assert len(listed) == 100 and len(listed.batches) == 100


def test_leave_out_suppressed_members() -> None:
    members = [Member({"phone": n}, n, "US") for n in ("+12025550123", "+12025550124")]
    kept, left = leave_out(members, frozenset({"+12025550124"}))
    assert [m.e164 for m in kept] == ["+12025550123"] and left == 1


# --- the commands -----------------------------------------------------------------------


def member(number: str, name: str) -> Member:
    verdict = judge(number)
    return Member(
        {"phone": number, "name": name}, verdict.e164 or "", verdict.region, verdict.number_type
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    Store(path).create(
        "Leads",
        ["phone", "name"],
        "phone",
        [
            member("+12025550123", "Ann Lee"),
            member("919876543210", "Sarah Chen"),
            member("+447911123456", "Bo Dee"),
        ],
        ["phone"],
    )
    return path


def test_suppress_commands(db: Path, write_csv: WriteCsv) -> None:
    added = run("suppress", "add", "+12025550123", "12025550199", db=db)
    assert added.returncode == 0, added.stderr
    assert "2 added" in added.stdout
    bad = run("suppress", "add", "+12025550123", "2025550100", db=db)
    assert bad.returncode == 1 and "number 2: invalid_number" in bad.stderr
    assert "2025550100" not in bad.stderr and bad.stderr.count("\n") == 1
    path = write_csv(HUBSPOT, "hubspot.csv")
    imported = run("suppress", "import", path, "--phone-column", "Phone Number", db=db)
    assert imported.returncode == 0, imported.stderr
    assert "imported hubspot.csv (column Phone Number): 2 added, 1 already on" in imported.stdout
    guessed = run("suppress", "import", path, db=db)  # the phone column is suggested
    assert guessed.returncode == 0 and "3 already on the list" in guessed.stdout
    listed = json.loads(run("suppress", "list", "--json", db=db).stdout)
    assert listed["count"] == 4 and listed["stale"] is False
    assert listed["newest_import"]["source"] == "hubspot.csv"
    assert {e["e164"]: e["source"] for e in listed["entries"]}["+12025550199"] == "by hand"
    text = run("suppress", "list", db=db)
    assert "do-not-call list: 4 numbers; newest import hubspot.csv" in text.stdout
    assert "warning" not in text.stderr
    removed = run("suppress", "remove", "+12025550199", db=db)
    assert removed.returncode == 0 and "the list holds 3 numbers" in removed.stdout
    missing = run("suppress", "remove", "+12025550177", db=db)
    assert missing.returncode == 2 and "not on the do-not-call list" in missing.stderr


def test_list_warns_when_the_newest_import_is_older_than_31_days(
    db: Path, write_csv: WriteCsv
) -> None:
    import_file(
        Store(db),
        write_csv("phone\n+12025550123\n", "dnc.csv"),
        "phone",
        at=MONDAY - timedelta(days=400),
    )
    result = run("suppress", "list", db=db)
    assert result.returncode == 0
    assert "warning: the newest import is" in result.stderr and "31 days" in result.stderr
    assert json.loads(run("suppress", "list", "--json", db=db).stdout)["stale"] is True


def test_show_flags_suppressed_members_and_gives_types(db: Path) -> None:
    run("suppress", "add", "+919876543210", db=db)
    shown = json.loads(run("show", "Leads", "--json", db=db).stdout)
    assert shown["members"][1] == {"phone": "919876543210", "name": "Sarah Chen"}
    assert shown["suppressed"] == 1
    assert shown["numbers"] == [
        {
            "e164": "+12025550123",
            "region": "US",
            "type": "fixed_line_or_mobile",
            "suppressed": False,
        },
        {"e164": "+919876543210", "region": "IN", "type": "mobile", "suppressed": True},
        {"e164": "+447911123456", "region": "GG", "type": "mobile", "suppressed": False},
    ]


def test_export_leaves_suppressed_members_out_and_says_how_many(db: Path, tmp_path: Path) -> None:
    run("suppress", "add", "+919876543210", "+447911123456", db=db)
    out = tmp_path / "out.csv"
    result = run("export", "Leads", "-o", out, db=db)
    assert result.returncode == 0, result.stderr
    assert out.read_text() == "phone,name\n+12025550123,Ann Lee\n"
    assert "left out 2 members on the do-not-call list" in result.stderr
    assert "9876543210" not in result.stderr and "7911" not in result.stderr
    kept = run("export", "Leads", "-o", out, "--force", "--include-suppressed", db=db)
    assert kept.returncode == 0 and "left out" not in kept.stderr
    assert out.read_text().count("\n") == 4
    piped = run("export", "Leads", db=db)  # to stdout: the count still goes to stderr
    assert piped.stdout == "phone,name\n+12025550123,Ann Lee\n"
    assert "left out 2 members" in piped.stderr


def test_hours_counts_suppressed_members_apart(db: Path) -> None:
    run("suppress", "add", "+919876543210", db=db)
    report = json.loads(
        run("hours", "Leads", "--at", "2026-12-02T14:00:00Z", "--json", db=db).stdout
    )
    assert report["suppressed"] == 1
    assert report["callable"] + report["not_callable"] + report["unknown"] == 2
    assert "Asia/Calcutta" not in [z["zone"] for z in report["zones"]]


# --- typed in the app, refused with counts, undone ----------------------------------------
def test_numbers_typed_in_one_box_are_split_where_one_number_ends() -> None:
    from core.suppress import split_typed

    assert split_typed("+1 202 555 0199") == ["+1 202 555 0199"]
    assert split_typed("+12025550199 +447911123456") == ["+12025550199", "+447911123456"]
    assert split_typed("+1 202 555 0199 +44 20 7946 0958") == [
        "+1 202 555 0199",
        "+44 20 7946 0958",
    ]
    assert split_typed(" +44 20 7946 0958, (202) 555-0100;\n+919876543210 ,, ") == [
        "+44 20 7946 0958",
        "(202) 555-0100",
        "+919876543210",
    ]
    assert split_typed("202-555-0199 202-555-0123") == ["202-555-0199", "202-555-0123"]
    assert split_typed("+1 646 555 0113 ext. 5") == ["+1 646 555 0113 ext. 5"]  # core judges it
    assert split_typed(" , ") == []


def test_a_refusal_counts_what_skip_invalid_would_leave_out(
    store: Store, write_csv: WriteCsv
) -> None:
    from core.reading import read_file
    from core.suppress import NumbersRefused, import_table

    path = write_csv("name,phone\nAnn,+12025550123\nBo,12345\nCy,\n", "dnc.csv")
    with pytest.raises(NumbersRefused) as refused:
        import_table(store, read_file(path), "dnc.csv", skip_invalid=None)  # column suggested
    assert (refused.value.invalid, refused.value.ambiguous, refused.value.values) == (2, 0, 3)
    assert refused.value.skippable and "--skip-invalid" not in refused.value.message
    with pytest.raises(NumbersRefused) as refused:
        add_numbers(store, ["12345"])
    assert not refused.value.skippable  # nothing valid would be left
    change = import_table(store, read_file(path), "dnc.csv", skip_invalid=True, at=MONDAY)
    assert change.added == 1 and change.left_out is not None and change.left_out.count == 2
    with pytest.raises(RuleViolation, match="no column of the file holds phone numbers"):
        import_table(store, read_file(write_csv("name\nAnn\n", "names.csv")), "names.csv")


def test_undo_takes_back_an_addition_and_redo_does_it_again(
    store: Store, write_csv: WriteCsv
) -> None:
    from core.suppress import redo_edit, undo_edit

    add_numbers(store, ["+12025550123"], at=MONDAY)
    path = write_csv("phone\n+12025550123\n+447911123456\n", "dnc.csv")
    later = MONDAY + timedelta(days=3)
    imported = import_file(store, path, "phone", at=later)
    assert imported.edit is not None and imported.edit.first == "+12025550123"
    undo_edit(store, imported.edit)
    listed = SuppressionList.load(store)
    assert [(e.e164, e.source, e.added_at) for e in listed.entries()] == [
        ("+12025550123", BY_HAND, "2026-11-02T09:00:00Z")  # as it was before the import
    ]
    assert listed.newest_import() is None  # the import no longer makes the list look fresh
    redo_edit(store, imported.edit)
    listed = SuppressionList.load(store)
    assert {e.source for e in listed.entries()} == {"dnc.csv"} and len(listed) == 2
    assert listed.newest_import() is not None


def test_undo_puts_back_a_removed_number_with_its_source_and_time(store: Store) -> None:
    from core.suppress import redo_edit, undo_edit

    add_numbers(store, ["+12025550123", "+447911123456"], at=MONDAY)
    removed = remove_numbers(store, ["+1 202 555 0123"])
    assert removed.edit is not None and removed.edit.numbers == (("+12025550123", 1, None),)
    undo_edit(store, removed.edit)
    entry = SuppressionList.load(store).entries()[0]
    assert (entry.e164, entry.source, entry.added_at) == (
        "+12025550123",
        BY_HAND,
        "2026-11-02T09:00:00Z",
    )
    redo_edit(store, removed.edit)
    assert SuppressionList.load(store).keys() == {"+447911123456"}


def test_undo_is_refused_when_another_program_changed_those_numbers(store: Store) -> None:
    from core.suppress import undo_edit

    added = add_numbers(store, ["+12025550123"], at=MONDAY)
    add_numbers(store, ["+12025550123"], at=MONDAY + timedelta(days=1))  # listed again
    before = store.suppression_path.read_bytes()
    assert added.edit is not None
    with pytest.raises(RuleViolation, match="the do-not-call list has changed since"):
        undo_edit(store, added.edit)
    assert store.suppression_path.read_bytes() == before


def test_an_import_without_a_column_reads_every_column_of_phone_numbers(
    store: Store, write_csv: WriteCsv
) -> None:
    """A mobile and a work number: neither may be called. An empty work cell is no fault;
    a bad one is named by row and column. --phone-column reads that column alone."""
    text = "id,mobile,work\n1,+12025550170,+12025550171\n2,+12025550172,\n3,+12025550174,+1202\n"
    path = write_csv(text, "two.csv")
    with pytest.raises(RuleViolation) as refused:
        import_file(store, path, None)
    assert "row 3 (line 4), column work: too_short" in refused.value.message
    change = import_file(store, path, None, skip_invalid=True)
    assert change.columns == ("mobile", "work")
    assert SuppressionList.load(store).keys() == {
        "+12025550170",
        "+12025550171",
        "+12025550172",
        "+12025550174",
    }
    assert import_file(store, path, "work", skip_invalid=True).columns == ("work",)
