"""Undo and redo on a real store: the session's stacks, audiences known by id."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.audience import Member
from core.errors import NotFound
from core.history import Session
from core.plan import plan_create
from core.reading import read_file
from core.store import Store

SEED = "phone,name\n+12025550123,John Doe\n919876543210,Sarah Chen\n"


def create(session: Session, path: Path, name: str = "Seed") -> str:
    """Create through the session (undoable); returns the audience's id."""
    plan = plan_create(read_file(path), "phone")
    created = session.audiences.create_audience(
        name, plan.columns, plan.phone_column, plan.members(), plan.required_columns()
    )
    return created.id


def test_edit_remove_rename_delete_and_undo(store: Store, write_csv: Callable[..., Path]) -> None:
    session = Session(store)
    audience_id = create(session, write_csv(SEED))
    history = session.members(audience_id)
    members = store.members("Seed")
    edited = Member({**members[0].values, "name": "Jane Doe"}, members[0].e164, "US", "x")
    history.update_member("Seed", members[0], edited)
    assert store.members("Seed")[0].values["name"] == "Jane Doe"
    history.remove_members("Seed", [members[1].e164])
    assert store.get("Seed").member_count == 1
    assert history.undo() == "remove 1 member"
    assert [m.values for m in store.members("Seed")] == [edited.values, members[1].values]
    assert history.focus == members[1].e164  # what came back, for the cursor
    assert history.undo() == "edit member"
    assert store.members("Seed")[0].values["name"] == "John Doe"
    assert history.focus == members[0].e164
    assert history.redo() == "edit member"
    assert history.redo() == "remove 1 member" and history.focus is None  # nothing came back
    assert history.undo() == "remove 1 member" and history.focus == members[1].e164
    assert Session(store).members(audience_id).undo() is None  # nothing to undo, no focus
    session.audiences.rename_audience("Seed", "Renamed")
    with pytest.raises(NotFound):
        store.get("Seed")
    session.audiences.delete_audience("Renamed")
    assert store.list_audiences() == []
    assert session.audiences.undo() == "delete audience 'Renamed'"
    assert store.get("Renamed").member_count == 2
    assert session.audiences.focus == "Renamed"
    assert session.audiences.undo() == "rename 'Seed' to 'Renamed'"
    assert session.audiences.focus == "Seed"


def test_creating_an_audience_is_undone_and_redone(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    session = Session(store)
    create(session, write_csv(SEED))
    assert session.audiences.undo() == "create audience 'Seed'"
    assert store.list_audiences() == []
    assert session.audiences.redo() == "create audience 'Seed'"
    assert [m.values["name"] for m in store.members("Seed")] == ["John Doe", "Sarah Chen"]


def test_member_undo_follows_a_rename_made_after_it(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    session = Session(store)
    audience_id = create(session, write_csv(SEED))
    first = store.members("Seed")[0]
    session.members(audience_id).remove_members("Seed", [first.e164])
    session.audiences.rename_audience("Seed", "Renamed")
    # The stack is the same one, under the same id, and undo finds the new name.
    assert session.members(audience_id).undo() == "remove 1 member"
    assert [m.e164 for m in store.members("Renamed")] == [first.e164, "+919876543210"]


def test_member_undo_survives_a_delete_and_its_undo(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    session = Session(store)
    audience_id = create(session, write_csv(SEED))
    first = store.members("Seed")[0]
    session.members(audience_id).remove_members("Seed", [first.e164])
    session.audiences.delete_audience("Seed")
    session.audiences.undo()  # back, under a new id
    new_id = store.get("Seed").id
    assert new_id != audience_id
    assert session.members(new_id) is session.members(audience_id)
    assert session.members(new_id).undo() == "remove 1 member"
    assert store.get("Seed").member_count == 2


def test_a_change_that_can_no_longer_be_undone_is_dropped_with_the_error(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    session = Session(store)
    audience_id = create(session, write_csv(SEED))
    history = session.members(audience_id)
    first = store.members("Seed")[0]
    history.remove_members("Seed", [first.e164])
    store.delete("Seed")  # another process deletes it: nothing of this session can bring it back
    with pytest.raises(NotFound):
        history.undo()
    assert history.undo() is None  # dropped, not retried on every u


def test_undo_never_deletes_what_another_process_added(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    """Undoing a create, a split or redoing a delete deletes an audience only while it
    holds what this session put there: a member another process added meanwhile would
    be lost (a new-user session found a split's undo deleting one). Refused instead,
    nothing deleted."""
    from core.errors import RuleViolation
    from core.store import NewAudience

    other = Member({"phone": "+447911123456", "name": "Other"}, "+447911123456", "GB", "mobile")
    session = Session(store)
    create(session, write_csv(SEED))
    store.add_members("Seed", [other])  # another process
    with pytest.raises(RuleViolation, match="'Seed' has changed since"):
        session.audiences.undo()
    assert store.get("Seed").member_count == 3

    plan = plan_create(read_file(write_csv(SEED)), "phone")
    parts = [
        NewAudience(f"Part {i}", plan.columns, "phone", [m], plan.required_columns())
        for i, m in enumerate(plan.members(), start=1)
    ]
    session.audiences.create_many(parts, "split into 2 audiences")
    store.add_members("Part 2", [other])
    with pytest.raises(RuleViolation, match="'Part 2' has changed since"):
        session.audiences.undo()
    assert {a.name for a in store.list_audiences()} == {"Seed", "Part 1", "Part 2"}

    session.audiences.delete_audience("Part 1")
    session.audiences.undo()  # back
    store.add_members("Part 1", [other])
    with pytest.raises(RuleViolation, match="'Part 1' has changed since"):
        session.audiences.redo()
    assert store.get("Part 1").member_count == 2


def test_stacks_are_bounded(store: Store, write_csv: Callable[..., Path]) -> None:
    session = Session(store, depth=3)
    audience_id = create(session, write_csv(SEED))
    history = session.members(audience_id)
    members = store.members("Seed")
    for n in range(5):
        edited = Member({**members[0].values, "name": f"N{n}"}, members[0].e164, "US", "x")
        history.update_member("Seed", store.members("Seed")[0], edited)
    assert len(history.done) == 3
    # The newest three are kept: undo walks back to N1, and no further.
    names = []
    while history.undo() is not None:
        names.append(store.members("Seed")[0].values["name"])
    assert names == ["N3", "N2", "N1"]
    assert store.members("Seed")[0].values["name"] == "N1"


def test_a_new_change_drops_what_could_be_redone(
    store: Store, write_csv: Callable[..., Path]
) -> None:
    """Edit A to B, undo, edit A to C: redo has nothing left (it would write B over C)."""
    session = Session(store)
    audience_id = create(session, write_csv(SEED))
    history = session.members(audience_id)
    first = store.members("Seed")[0]
    to_b = Member({**first.values, "name": "B"}, first.e164, "US", "x")
    history.update_member("Seed", first, to_b)
    assert history.undo() == "edit member"
    to_c = Member({**first.values, "name": "C"}, first.e164, "US", "x")
    history.update_member("Seed", store.members("Seed")[0], to_c)
    assert history.redo() is None
    assert store.members("Seed")[0].values["name"] == "C"


def test_do_not_call_changes_are_undone_on_their_own_stack(store: Store) -> None:
    from core.suppress import SuppressionList, add_numbers, remove_numbers

    session = Session(store)
    history = session.do_not_call
    history.list_changed(add_numbers(store, ["+12025550123", "+447911123456"]), "add 2")
    history.list_changed(remove_numbers(store, ["+447911123456"]), "remove 1")
    assert history.undo() == "remove 1" and history.focus == "+447911123456"
    assert len(SuppressionList.load(store)) == 2
    assert history.undo() == "add 2" and len(SuppressionList.load(store)) == 0
    assert history.redo() == "add 2" and history.focus == "+12025550123"
    assert not session.audiences.done  # the audiences' stack is another one
