"""A number put on the do-not-call list after a path checked against the list (by
another process: the CLI beside the app) is still never added: the store looks at the
list again under its write lock, refuses the whole write and changes nothing. Undo and
redo put back what the store held before (the number joined before it was listed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core import suppress
from core.audience import Member
from core.cli import main
from core.errors import RuleViolation
from core.history import Session
from core.plan import plan_add, plan_create
from core.reading import read_file
from core.store import NewAudience, Store
from core.suppress import SuppressionList, add_numbers

WriteCsv = Callable[..., Path]
LISTED = "+12025550143"
FILE = "phone,name\n+12025550123,Ann Lee\n+12025550143,Bo Chen\n+447400123456,Cy Dee\n"


def member(e164: str, name: str = "Ann") -> Member:
    return Member({"phone": e164, "name": name}, e164, "US", "e164")


def numbers(store: Store, name: str) -> list[str]:
    return [m.e164 for m in store.load(name)[1]]


@pytest.fixture
def stale_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every path's own read of the list sees it as it was before another process
    listed the number (empty): the check a path makes first misses it. The store's own
    look under its write lock (`suppress.listed_among`) reads the file."""

    def load(cls: type[SuppressionList], store: Store) -> SuppressionList:
        return SuppressionList({}, {})

    monkeypatch.setattr(suppress.SuppressionList, "load", classmethod(load))
    yield


def run(store: Store, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(store.path), *args], catch_exceptions=False)


def test_each_store_write_refuses_a_listed_new_number(store: Store) -> None:
    store.create("Leads", ["phone", "name"], "phone", [member("+12025550123")])
    add_numbers(store, [LISTED])
    before = store.path.joinpath("catalog.json").read_bytes()
    with pytest.raises(RuleViolation, match="nothing was added: that number is on the do-not"):
        store.add_members("Leads", [member(LISTED, "Bo")])
    with pytest.raises(RuleViolation, match="1 of the numbers is on the do-not-call list"):
        store.add_members("Leads", [member("+12025550124"), member(LISTED, "Bo")])
    with pytest.raises(RuleViolation, match="nothing was changed"):
        store.merge_members("Leads", add=[member(LISTED, "Bo")])
    with pytest.raises(RuleViolation, match="the member was not saved"):
        store.update_member("Leads", "+12025550123", member(LISTED))
    with pytest.raises(RuleViolation, match="the audience was not created"):
        store.create("More", ["phone", "name"], "phone", [member(LISTED)])
    split = [
        NewAudience(f"Part {i}", ["phone", "name"], "phone", [member(n)])
        for i, n in enumerate(["+12025550125", LISTED])
    ]
    with pytest.raises(RuleViolation, match="nothing was created"):
        store.create_many(split)
    assert store.path.joinpath("catalog.json").read_bytes() == before
    assert numbers(store, "Leads") == ["+12025550123"]
    assert [a.name for a in store.list_audiences()] == ["Leads"]


def test_a_member_already_listed_may_still_be_edited_and_updated(store: Store) -> None:
    """The list flags members who joined before their number was listed; changing their
    other fields is not adding the number."""
    store.create("Leads", ["phone", "name"], "phone", [member(LISTED)])
    add_numbers(store, [LISTED])
    store.update_member("Leads", LISTED, member(LISTED, "Bo"))
    store.merge_members("Leads", update=[member(LISTED, "Cy")])
    assert store.load("Leads")[1][0].values["name"] == "Cy"


def test_a_plan_made_before_the_number_was_listed_is_not_written(
    store: Store, write_csv: WriteCsv
) -> None:
    table = read_file(write_csv(FILE, "leads.csv"))
    plan = plan_create(table, "phone")  # judged against an empty list
    add_numbers(store, [LISTED])  # another process lists Bo's number
    with pytest.raises(RuleViolation, match="1 of the numbers is on the do-not-call list"):
        store.create("Leads", plan.columns, plan.phone_column, plan.members())
    assert store.list_audiences() == []
    audience = store.create("Leads", ["phone", "name"], "phone", [])
    plan = plan_add(table, audience, set())
    with pytest.raises(RuleViolation, match="nothing was added"):
        store.add_members("Leads", plan.members())
    assert numbers(store, "Leads") == []


def test_cli_paths_refuse_a_number_listed_after_their_check(
    store: Store, write_csv: WriteCsv, stale_reads: None
) -> None:
    first = write_csv("phone,name\n+12025550123,Ann Lee\n", "first.csv")
    assert run(store, "create", "Leads", str(first), "--phone-column", "phone").exit_code == 0
    add_numbers(store, [LISTED])
    more = write_csv("phone,name\n+12025550143,Bo Chen\n+447400123456,Cy Dee\n", "more.csv")
    cases = [
        ("add", "Leads", str(more)),
        ("add-member", "Leads", f"phone={LISTED}", "name=Bo"),
        ("edit-member", "Leads", "+12025550123", f"phone={LISTED}"),
        ("create", "Other", str(write_csv(FILE, "all.csv")), "--phone-column", "phone"),
    ]
    for args in cases:
        result = run(store, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "do-not-call list" in result.output, args
        assert LISTED not in result.output, args  # the number itself is not repeated
    assert numbers(store, "Leads") == ["+12025550123"]
    assert [a.name for a in store.list_audiences()] == ["Leads"]


def test_another_process_listing_a_number_is_seen_by_a_store_that_read_the_list(
    store: Store,
) -> None:
    """The store keeps the list it read while the file is unchanged; another process's
    write replaces the file, and the next look reads it again."""
    store.create("Leads", ["phone", "name"], "phone", [member("+12025550123")])
    add_numbers(store, ["+12025550100"])
    store.add_members("Leads", [member("+12025550124")])  # reads (and keeps) the list
    other = Store(store.path, lock_timeout=30)  # the CLI beside the app
    add_numbers(other, [LISTED])
    with pytest.raises(RuleViolation, match="that number is on the do-not-call list"):
        store.add_members("Leads", [member(LISTED, "Bo")])
    assert numbers(store, "Leads") == ["+12025550123", "+12025550124"]


def test_undo_and_redo_put_back_what_was_there(store: Store) -> None:
    session = Session(store)
    created = session.audiences.create_audience(
        "Leads", ["phone", "name"], "phone", [member("+12025550123"), member(LISTED, "Bo")]
    )
    history = session.members(created.id)
    history.update_member("Leads", member(LISTED, "Bo"), member("+12025550199", "Bo"))
    add_numbers(store, [LISTED])
    # Undoing the edit gives Bo his former number back, listed since or not.
    assert history.undo() == "edit member"
    assert numbers(store, "Leads") == ["+12025550123", LISTED]
    assert history.redo() == "edit member"
    assert history.undo() == "edit member"
    # A deleted audience comes back whole.
    session.audiences.delete_audience("Leads")
    assert session.audiences.undo() == "delete audience 'Leads'"
    assert numbers(store, "Leads") == ["+12025550123", LISTED]
    # A member added, undone, listed meanwhile, then redone: the addition comes back.
    history = session.members(store.get("Leads").id)
    history.add_members("Leads", [member("+12025550177", "Di")], "add member")
    assert history.undo() == "add member"
    add_numbers(store, ["+12025550177"])
    assert history.redo() == "add member"
    assert numbers(store, "Leads") == ["+12025550123", LISTED, "+12025550177"]
    # A new addition of a listed number is still refused.
    add_numbers(store, ["+12025550188"])
    with pytest.raises(RuleViolation, match="do-not-call list"):
        history.add_members("Leads", [member("+12025550188", "Ed")], "add member")
    assert numbers(store, "Leads") == ["+12025550123", LISTED, "+12025550177"]


def test_redo_of_a_create_or_a_split_brings_the_audiences_back_whole(store: Store) -> None:
    """Undo of a create deletes the audience (with what it held by then); a number
    listed before the redo must not cost the whole audience."""
    session = Session(store)
    session.audiences.create_audience(
        "Leads", ["phone", "name"], "phone", [member("+12025550123"), member(LISTED, "Bo")]
    )
    parts = [
        NewAudience(f"Part {i}", ["phone", "name"], "phone", [member(n)])
        for i, n in enumerate(["+12025550125", "+12025550126"])
    ]
    session.audiences.create_many(parts, "split into 2")
    assert session.audiences.undo() == "split into 2"
    assert session.audiences.undo() == "create audience 'Leads'"
    add_numbers(store, [LISTED, "+12025550126"])
    assert session.audiences.redo() == "create audience 'Leads'"
    assert session.audiences.redo() == "split into 2"
    assert numbers(store, "Leads") == ["+12025550123", LISTED]
    assert numbers(store, "Part 1") == ["+12025550126"]
