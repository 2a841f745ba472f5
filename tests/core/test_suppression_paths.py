"""A number on the do-not-call list is refused on every path that adds a member:
`create`, `add`, `add-member`, `edit-member` (CLI), the plans the app uses, and the
member form. Each refusal names the reason `suppressed` and writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.audience import Member
from core.cli import main
from core.member_check import check_member
from core.plan import plan_add, plan_check, plan_create, refused_rows_text
from core.reading import read_file
from core.store import Store
from core.suppress import SuppressionList, add_numbers

WriteCsv = Callable[..., Path]
LISTED = "+12025550143"  # on the list in every test
FILE = "phone,name\n+12025550123,Ann Lee\n+12025550143,Bo Chen\n+447400123456,Cy Dee\n"


def run(store: Store, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(store.path), *args], catch_exceptions=False)


@pytest.fixture
def listed(store: Store) -> Store:
    add_numbers(store, [LISTED])
    return store


def members_of(store: Store, name: str) -> list[str]:
    return [m.e164 for m in store.load(name)[1]]


def test_create_refuses_a_listed_number_and_writes_nothing(listed: Store, write_csv: WriteCsv):
    path = write_csv(FILE, "leads.csv")
    result = run(listed, "create", "Leads", str(path), "--phone-column", "phone")
    assert result.exit_code == 1
    assert "suppressed" in result.output
    # A valid number on the list is not called invalid in the refusal.
    assert "nothing was written: 1 row on the do-not-call list (leave them out" in result.output
    assert listed.list_audiences() == []


def test_refusals_name_each_kind_of_row_skip_invalid_leaves_out() -> None:
    by = {"too_short": 2, "suppressed": 1, "missing_required": 3}
    assert refused_rows_text(6, by) == (
        "2 invalid rows, 3 rows with a required column empty, 1 row on the do-not-call list"
    )
    assert refused_rows_text(2, {"too_short": 1, "bad_characters": 1}) == "2 invalid rows"


def test_create_skip_invalid_leaves_the_listed_number_out(listed: Store, write_csv: WriteCsv):
    path = write_csv(FILE, "leads.csv")
    result = run(listed, "create", "Leads", str(path), "--phone-column", "phone", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert members_of(listed, "Leads") == ["+12025550123", "+447400123456"]


def test_a_repaired_number_on_the_list_is_refused_too(listed: Store, write_csv: WriteCsv):
    path = write_csv("phone,name\n+12025550123,Ann\n(202) 555-0143,Bo\n", "leads.csv")
    args = ("create", "Leads", str(path), "--phone-column", "phone", "--repair")
    result = run(listed, *args, "--default-region", "US")
    assert result.exit_code == 1 and "suppressed" in result.output
    assert listed.list_audiences() == []


def test_add_refuses_a_listed_number(listed: Store, write_csv: WriteCsv):
    first = write_csv("phone,name\n+12025550123,Ann Lee\n", "first.csv")
    assert run(listed, "create", "Leads", str(first), "--phone-column", "phone").exit_code == 0
    more = write_csv("phone,name\n+12025550143,Bo Chen\n+447400123456,Cy Dee\n", "more.csv")
    result = run(listed, "add", "Leads", str(more))
    assert result.exit_code == 1 and "suppressed" in result.output
    assert members_of(listed, "Leads") == ["+12025550123"]
    result = run(listed, "add", "Leads", str(more), "--skip-invalid")
    assert result.exit_code == 0
    assert members_of(listed, "Leads") == ["+12025550123", "+447400123456"]


def test_add_member_refuses_a_listed_number_written_any_way(listed: Store, write_csv: WriteCsv):
    first = write_csv("phone,name\n+12025550123,Ann Lee\n", "first.csv")
    run(listed, "create", "Leads", str(first), "--phone-column", "phone")
    for typed in ("+12025550143", "12025550143"):
        result = run(listed, "add-member", "Leads", f"phone={typed}", "name=Bo")
        assert result.exit_code == 1, typed
        assert "suppressed" in result.output
    assert members_of(listed, "Leads") == ["+12025550123"]


def test_edit_member_refuses_a_new_listed_number_but_keeps_a_flagged_one(
    store: Store, write_csv: WriteCsv
):
    first = write_csv("phone,name\n+12025550123,Ann Lee\n+12025550144,Di\n", "first.csv")
    run(store, "create", "Leads", str(first), "--phone-column", "phone")
    add_numbers(store, [LISTED, "+12025550144"])  # Di's number is listed after she joined
    result = run(store, "edit-member", "Leads", "+12025550123", f"phone={LISTED}")
    assert result.exit_code == 1 and "suppressed" in result.output
    assert members_of(store, "Leads") == ["+12025550123", "+12025550144"]
    # Changing another field of a member already flagged is not adding the number.
    result = run(store, "edit-member", "Leads", "+12025550144", "name=Dee")
    assert result.exit_code == 0, result.output
    shown = json.loads(run(store, "show", "Leads", "--json").output)
    assert shown["members"][1]["name"] == "Dee"


# --- the plans the app builds (new audience, add by CSV, remap, repair) -----------------


def test_plans_mark_listed_rows_suppressed(listed: Store, write_csv: WriteCsv):
    table = read_file(write_csv(FILE, "leads.csv"))
    keys = SuppressionList.load(listed).keys()
    for plan in (
        plan_check(table, "phone", suppressed=keys),
        plan_create(table, "phone", suppressed=keys),
    ):
        assert plan.rows["status"].to_list() == ["new", "suppressed", "new"]
        assert plan.invalid_by_reason() == {"suppressed": 1}
        assert "do-not-call" in plan.problems()[0].hint
    audience = listed.create("Leads", ["phone", "name"], "phone", [])
    plan = plan_add(table, audience, set(), suppressed=keys)
    assert plan.rows["status"].to_list() == ["new", "suppressed", "new"]
    assert len(plan.members(skip_invalid=True)) == 2


def test_a_repair_that_lands_on_a_listed_number_is_suppressed(listed: Store, write_csv: WriteCsv):
    table = read_file(write_csv("phone\n+12025550123\n(202) 555-0143\n", "leads.csv"))
    keys = SuppressionList.load(listed).keys()
    plan = plan_check(table, "phone", default_region="US", suppressed=keys, repair=True)
    assert plan.rows["status"].to_list() == ["new", "suppressed"]
    assert plan.rows["value"].to_list() == ["+12025550123", "+12025550143"]


def test_check_member_refuses_listed_numbers_and_their_national_reading(listed: Store):
    audience = listed.create("Leads", ["phone", "name"], "phone", [])
    result = check_member(audience, {"phone": LISTED, "name": "Bo"}, set(), suppressed={LISTED})
    assert not result.ok
    assert [p.reason for p in result.problems] == ["suppressed"]
    assert check_member(audience, {"phone": LISTED, "name": "Bo"}, set()).ok


# --- numbers written without + -------------------------------------------------------------


def test_a_listed_number_without_plus_is_never_filed_under_the_wrong_country(
    store: Store, write_csv: WriteCsv
) -> None:
    """US do-not-call files hold 10-digit numbers. 2015550123 is also a valid Egyptian
    number as typed: listed as typed only, +1 201 555 0123 would still be dialled. With US
    members in the store it is refused, naming the row and not the number; with
    --default-region US both readings are listed, and the member is left out of exports."""
    first = write_csv("phone,name\n+12015550123,Ann\n+12025550199,Bo\n", "m.csv")
    assert run(store, "create", "M", str(first), "--phone-column", "phone").exit_code == 0
    dnc = write_csv("phone\n2015550123\n", "dnc.csv")
    refused = run(store, "suppress", "import", str(dnc))
    assert refused.exit_code == 1
    assert "row 1 (line 2): reads as two numbers" in refused.output
    assert "--default-region" in refused.output and "2015550123" not in refused.output
    assert SuppressionList.load(store).keys() == frozenset()
    done = run(store, "suppress", "import", str(dnc), "--default-region", "US")
    assert done.exit_code == 0, done.output
    assert SuppressionList.load(store).keys() == {"+2015550123", "+12015550123"}
    exported = run(store, "export", "M", "--for", "vapi")
    assert "+12015550123" not in exported.stdout and "+12025550199" in exported.stdout
    # A national number that is not valid as typed is read in the region given.
    assert run(store, "suppress", "add", "2025550123", "--default-region", "US").exit_code == 0
    assert SuppressionList.load(store).contains("+12025550123")
    assert run(store, "suppress", "add", "2025550124", "--default-region", "USA").exit_code == 2


def test_every_reading_is_listed_across_the_stores_regions(store: Store, write_csv: WriteCsv):
    """Members in the US and the UK: 2015550123 is +20 as typed, and a national number of
    both. Refused naming both regions; with --default-region US every reading is listed,
    a formatted value's digits as typed too, so no member with any of them is exported."""
    members = "phone,name\n+12015550123,Ann\n+442015550123,Gb\n+2015550123,Eg\n+12025550199,Bo\n"
    assert (
        run(
            store, "create", "M", str(write_csv(members, "m.csv")), "--phone-column", "phone"
        ).exit_code
        == 0
    )
    refused = run(store, "suppress", "add", "2015550123")
    assert refused.exit_code == 1 and "national numbers of GB, US" in refused.output
    done = run(store, "suppress", "add", "201 555 0123", "--default-region", "US")
    assert done.exit_code == 0, done.output
    assert SuppressionList.load(store).keys() == {"+12015550123", "+442015550123", "+2015550123"}
    exported = run(store, "export", "M", "--for", "vapi").stdout
    assert exported.splitlines()[1:] == ["+12025550199,Bo"]


def test_remove_reads_a_value_as_add_does(store: Store, write_csv: WriteCsv):
    """`add --default-region US 2015550123` lists every reading; `remove` takes the same
    option and removes the same readings, and refuses the ambiguous value without it as
    `add` does (nothing removed, no number in the message)."""
    members = "phone,name\n+12015550199,Ann\n+442079460958,Gb\n+81312345678,Jp\n"
    path = write_csv(members, "m.csv")
    assert run(store, "create", "M", str(path), "--phone-column", "phone").exit_code == 0
    run(store, "suppress", "add", "--default-region", "US", "2015550123")
    run(store, "suppress", "add", "+12025550199")
    before = store.suppression_path.read_bytes()
    assert len(SuppressionList.load(store)) == 5
    refused = run(store, "suppress", "remove", "2015550123")
    assert refused.exit_code == 1
    assert "national numbers of GB, JP, US" in refused.output
    assert "--default-region" in refused.output and "removed" in refused.output
    assert "2015550123" not in refused.output
    assert store.suppression_path.read_bytes() == before
    done = run(store, "suppress", "remove", "--default-region", "US", "201 555 0123")
    assert done.exit_code == 0, done.output
    assert done.output == "removed 4; the list holds 1 number\n"
    assert SuppressionList.load(store).keys() == {"+12025550199"}
    # None of its readings listed any more: not on the list, as before.
    again = run(store, "suppress", "remove", "--default-region", "US", "2015550123")
    assert again.exit_code == 2 and "not on the do-not-call list" in again.output


def test_remove_never_takes_another_persons_number_off_the_list(store: Store, write_csv: WriteCsv):
    """`(353) 240-1219` read in the US means +1 353 240 1219; read as typed it is an Irish
    number another file listed. Removing the US one leaves the Irish entry, whether or
    not the US one is listed."""
    irish = write_csv("phone\n+3532401219\n", "ie.csv")
    assert run(store, "suppress", "import", str(irish)).exit_code == 0
    missing = run(store, "suppress", "remove", "(353) 240-1219", "--default-region", "US")
    assert missing.exit_code == 2 and "not on the do-not-call list" in missing.output
    assert SuppressionList.load(store).keys() == {"+3532401219"}
    assert run(store, "suppress", "add", "+1 353 240 1219").exit_code == 0
    done = run(store, "suppress", "remove", "3532401219", "--default-region", "US")
    assert done.exit_code == 0 and done.output.startswith("removed 1;")
    assert SuppressionList.load(store).keys() == {"+3532401219"}


def test_the_group_without_a_command_shows_its_help(store: Store):
    """`audiences suppress` alone prints the group's help on stdout (as --help does) and
    exits 2 as click does, not its usage squeezed into one error line."""
    shown = run(store, "suppress")
    help_text = run(store, "suppress", "--help")
    assert shown.exit_code == 2 and help_text.exit_code == 0
    assert shown.stdout == help_text.stdout and "Commands:" in shown.stdout
    assert shown.stderr == ""


def test_import_skip_invalid_lists_the_valid_rows_and_says_what_it_left_out(
    store: Store, write_csv: WriteCsv
):
    """A list with invalid `+1 211...` rows is refused naming --skip-invalid, with an
    advice that fits (not "add the country code"); with --skip-invalid the valid rows
    are listed and the rows left out are counted by reason and placed, never shown."""
    dnc = "phone,name\n+12025550123,a\n+12115550123,b\n,c\n+12025550124,d\n+12115550124,e\n"
    path = write_csv(dnc, "dnc.csv")
    refused = run(store, "suppress", "import", str(path))
    assert refused.exit_code == 1
    assert "1 value is not a valid number (row 3 (line 4): empty)" in refused.output
    assert refused.output.rstrip().endswith("; or leave them out with --skip-invalid")
    assert len(SuppressionList.load(store)) == 0
    done = run(store, "suppress", "import", str(path), "--skip-invalid")
    assert done.exit_code == 0, done.output
    # The +1 211 numbers are possible, if not valid: an audience created with --lenient
    # takes them, so they are listed rather than left out (and dialled).
    assert done.stdout.splitlines() == [
        "imported dnc.csv (column phone): 4 added; the list holds 4 numbers",
        "left out 1 invalid row (empty 1): row 3 (line 4)",
        "listed 2 numbers that are possible but not valid (an audience created with --lenient "
        "takes such numbers)",
    ]
    assert SuppressionList.load(store).keys() == {
        "+12025550123",
        "+12025550124",
        "+12115550123",
        "+12115550124",
    }
    # Nothing valid: nothing imported (an empty import would pass for a fresh list).
    none = write_csv("phone\n+1211555\n", "none.csv")
    refused = run(store, "suppress", "import", str(none), "--skip-invalid")
    assert refused.exit_code == 1 and "nothing was changed" in refused.output
    assert "--skip-invalid" not in refused.output
    newest = SuppressionList.load(store).newest_import()
    assert newest is not None and newest.source == "dnc.csv"


def test_skip_invalid_lists_what_a_lenient_audience_would_dial(store: Store, write_csv: WriteCsv):
    """`12115550198` (no +) and `2115550197` read in the US are possible, not valid: an
    audience created with --lenient takes them, so --skip-invalid lists them rather than
    leaving them out, and the audience's export leaves those members out."""
    members = write_csv("phone,name\n+12115550198,A\n+12115550197,B\n+12025550123,C\n")
    created = run(store, "create", "L", str(members), "--phone-column", "phone", "--lenient")
    assert created.exit_code == 0, created.output
    dnc = write_csv("phone\n12115550198\n2115550197\n1\n", "dnc.csv")
    args = ("suppress", "import", str(dnc), "--skip-invalid", "--default-region", "US")
    done = run(store, *args)
    assert done.exit_code == 0, done.output
    assert "left out 1 invalid row (no country code 1): row 3 (line 4)" in done.output
    assert "listed 2 numbers that are possible but not valid" in done.output
    assert {"+12115550198", "+12115550197"} <= SuppressionList.load(store).keys()
    exported = run(store, "export", "L", "-o", "-")
    assert exported.stdout == "phone,name\n+12025550123,C\n"


def test_skip_invalid_never_leaves_out_a_number_that_reads_as_two(
    store: Store, write_csv: WriteCsv
):
    """A valid value without + that is also a national number of the store's regions is
    not invalid: left out, the number meant would be dialled. Still refused."""
    members = write_csv("phone,name\n+12015550199,Ann\n", "m.csv")
    assert run(store, "create", "M", str(members), "--phone-column", "phone").exit_code == 0
    path = write_csv("phone\n+12025550123\n2015550123\n+12115550123\n", "dnc.csv")
    refused = run(store, "suppress", "import", str(path), "--skip-invalid")
    assert refused.exit_code == 1
    assert "1 value cannot be listed as written (row 2 (line 3): reads as two numbers)" in (
        refused.output
    )
    assert "--default-region" in refused.output
    assert len(SuppressionList.load(store)) == 0


def test_an_export_with_every_member_on_the_list_writes_nothing(
    listed: Store, write_csv: WriteCsv, tmp_path: Path
):
    """A file of headers alone would read as an export done: refused, nothing written."""
    one = Member({"phone": LISTED, "name": "Bo Chen"}, LISTED, "US", "fixed_line_or_mobile")
    listed.create("One", ["phone", "name"], "phone", [one], restoring=True)
    out = tmp_path / "one-out.csv"
    refused = run(listed, "export", "One", "-o", str(out))
    assert refused.exit_code == 1 and not out.exists()
    assert refused.stderr == (
        "audiences: nothing was written: the 1 member is on the do-not-call list "
        "(--include-suppressed keeps them)\n"
    )
    assert run(listed, "export", "One", "-o", str(out), "--include-suppressed").exit_code == 0
