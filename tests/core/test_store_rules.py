"""The store's own checks, the last line behind every path (plans, split, undo, redo,
scripts calling `Store`): at most 10,000 members, never one number twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.audience import MEMBER_LIMIT, Member
from core.errors import LimitExceeded, RuleViolation
from core.store import NewAudience, Store


def members(start: int, count: int) -> list[Member]:
    numbers = [f"+4474{n:08d}" for n in range(start, start + count)]
    return [Member({"phone": p, "name": "x"}, p, "GB", "mobile") for p in numbers]


def members_files(store: Store) -> list[Path]:
    return sorted(store.members_dir.glob("*.json")) if store.members_dir.exists() else []


def test_create_past_the_limit_is_refused_and_writes_nothing(store: Store) -> None:
    with pytest.raises(LimitExceeded):
        store.create("Big", ["phone", "name"], "phone", members(0, MEMBER_LIMIT + 1))
    assert store.list_audiences() == [] and members_files(store) == []
    new = NewAudience("Big", ["phone", "name"], "phone", members(0, MEMBER_LIMIT + 1))
    small = NewAudience("Small", ["phone", "name"], "phone", members(0, 1))
    with pytest.raises(LimitExceeded):
        store.create_many([small, new])
    assert store.list_audiences() == [] and members_files(store) == []


def test_adding_past_the_limit_is_refused_and_changes_nothing(store: Store) -> None:
    store.create("Full", ["phone", "name"], "phone", members(0, MEMBER_LIMIT))
    with pytest.raises(LimitExceeded, match="nothing was added"):
        store.add_members("Full", members(MEMBER_LIMIT, 1))
    assert store.get("Full").member_count == MEMBER_LIMIT
    assert len(members_files(store)) == 1


def test_one_number_twice_among_new_members_is_refused(store: Store) -> None:
    twice = [
        Member({"phone": "+919876543210", "name": "a"}, "+919876543210", "IN", "mobile"),
        Member({"phone": "919876543210", "name": "b"}, "+919876543210", "IN", "mobile"),
    ]
    with pytest.raises(RuleViolation, match="appears twice"):
        store.create("Twice", ["phone", "name"], "phone", twice)
    assert store.list_audiences() == []
    store.create("Leads", ["phone", "name"], "phone", members(0, 1))
    with pytest.raises(RuleViolation, match="appears twice"):
        store.add_members("Leads", twice)
    with pytest.raises(RuleViolation, match="appears twice"):
        store.create_many([NewAudience("Twice", ["phone", "name"], "phone", twice)])
    assert [a.name for a in store.list_audiences()] == ["Leads"]
    assert store.get("Leads").member_count == 1
