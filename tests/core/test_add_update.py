"""`add --update`: rows whose number is already a member update that member's other
columns (blank cells keep its values, the phone stays as stored), in one write that
undo takes back whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.audience import Member
from core.cli import main
from core.errors import NotFound, RuleViolation
from core.history import Session
from core.plan import plan_add
from core.reading import read_file
from core.store import Store

WriteCsv = Callable[..., Path]
FIRST = "phone,name,city\n+12025550123,Ann,Boston\n+12025550124,Bo,Denver\n"
# Ann's row renames her and leaves the city blank; Bo's changes nothing; Cy is new.
SECOND = "phone,name,city\n12025550123,Ann Lee,\n+12025550125,Cy,Austin\n+12025550124,Bo,Denver\n"


def run(store: Store, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(store.path), *args], catch_exceptions=False)


def rows(store: Store, name: str = "L") -> list[dict[str, str]]:
    return [m.values for m in store.load(name)[1]]


@pytest.fixture
def audience(store: Store, write_csv: WriteCsv) -> Store:
    assert (
        run(
            store, "create", "L", str(write_csv(FIRST, "a.csv")), "--phone-column", "phone"
        ).exit_code
        == 0
    )
    return store


def test_without_update_members_already_in_are_refused(audience: Store, write_csv: WriteCsv):
    result = run(audience, "add", "L", str(write_csv(SECOND, "b.csv")))
    assert result.exit_code == 1
    assert "--update" in result.output
    assert len(rows(audience)) == 2


def test_update_changes_what_the_file_changes_and_adds_the_rest(audience: Store, write_csv):
    result = run(audience, "add", "L", str(write_csv(SECOND, "b.csv")), "--update")
    assert result.exit_code == 0, result.output
    assert "updated 1 member" in result.output
    assert "name: 'Ann' -> 'Ann Lee'" in result.output
    assert rows(audience) == [
        {"phone": "+12025550123", "name": "Ann Lee", "city": "Boston"},  # blank kept Boston
        {"phone": "+12025550124", "name": "Bo", "city": "Denver"},
        {"phone": "+12025550125", "name": "Cy", "city": "Austin"},
    ]


def test_with_skips_the_rows_that_update_members_are_not_listed_as_problems(
    audience: Store, write_csv: WriteCsv
):
    """`--update --skip-invalid`: the problem list names the invalid row only; the rows
    that updated members are listed as updates, not as `already_in_audience`."""
    text = SECOND + "12,Broken,Nowhere\n"
    result = run(audience, "add", "L", str(write_csv(text, "c.csv")), "--update", "--skip-invalid")
    assert result.exit_code == 0, result.output
    problems = result.output.split("problems (row, line, value, reason, hint):")[1]
    listed = [line for line in problems.splitlines() if line.startswith("  row ")]
    assert len(listed) == 1 and "'12' too_short" in listed[0]
    assert "already_in_audience" not in result.output
    assert "more problem rows" not in result.output
    assert "updated +12025550123: name: 'Ann' -> 'Ann Lee'" in result.output
    assert "1 row skipped" in result.output


def test_a_later_row_of_the_same_number_wins(audience: Store, write_csv: WriteCsv):
    text = "phone,name,city\n+12025550123,Ann A,Austin\n+12025550123,Ann B,\n"
    result = run(audience, "add", "L", str(write_csv(text, "b.csv")), "--update")
    assert result.exit_code == 0, result.output
    assert rows(audience)[0] == {"phone": "+12025550123", "name": "Ann B", "city": "Austin"}


def test_updates_follow_the_plan_and_undo_takes_the_whole_step_back(audience: Store, write_csv):
    current_audience, current = audience.load("L")
    plan = plan_add(
        read_file(write_csv(SECOND, "b.csv")), current_audience, {m.e164 for m in current}
    )
    [(before, after)] = plan.updates(current)
    assert before.values["name"] == "Ann" and after.values["name"] == "Ann Lee"
    assert after.values["phone"] == "+12025550123"  # as stored, not as the file wrote it
    session = Session(audience)
    history = session.members(audience.get("L").id)
    history.merge_members("L", plan.members(update=True), [after], "add and update")
    assert [r["name"] for r in rows(audience)] == ["Ann Lee", "Bo", "Cy"]
    history.undo()
    assert rows(audience) == [
        {"phone": "+12025550123", "name": "Ann", "city": "Boston"},
        {"phone": "+12025550124", "name": "Bo", "city": "Denver"},
    ]
    history.redo()
    assert [r["name"] for r in rows(audience)] == ["Ann Lee", "Bo", "Cy"]


def test_merge_is_refused_whole_when_a_member_to_update_is_gone(audience: Store):
    ghost = Member({"phone": "+12025550199", "name": "X", "city": "Y"}, "+12025550199")
    new = Member({"phone": "+12025550126", "name": "Di", "city": "Z"}, "+12025550126")
    with pytest.raises(NotFound):
        audience.merge_members("L", add=[new], update=[ghost])
    with pytest.raises(RuleViolation):
        audience.merge_members(
            "L", add=[Member({"phone": "+12025550123", "name": "A", "city": "B"}, "+12025550123")]
        )
    assert len(rows(audience)) == 2


def test_updates_of_a_member_deleted_since_the_check_are_refused(audience: Store, write_csv):
    current_audience, current = audience.load("L")
    plan = plan_add(
        read_file(write_csv(SECOND, "b.csv")), current_audience, {m.e164 for m in current}
    )
    audience.remove_members("L", ["+12025550123"])
    with pytest.raises(NotFound):
        plan.updates(audience.load("L")[1])
