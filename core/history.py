"""Undo and redo of member edits, as inverse operations on the store.

Each change records how to reverse it, so undo never overwrites what another process
wrote meanwhile: it only takes back this change (and says so when it no longer can).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.audience import Member
from core.store import Store


@dataclass
class Change:
    """A change already written, with how to undo and redo it."""

    description: str
    undo: Callable[[Store], object]
    redo: Callable[[Store], object]


@dataclass
class History:
    """A bounded stack of changes made in this session."""

    store: Store
    depth: int = 50
    done: list[Change] = field(default_factory=list)
    undone: list[Change] = field(default_factory=list)

    def record(self, change: Change) -> None:
        self.done.append(change)
        del self.done[: -self.depth]
        self.undone.clear()

    def undo(self) -> str | None:
        """Undo the last change; returns its description (None when nothing to undo)."""
        if not self.done:
            return None
        change = self.done[-1]
        change.undo(self.store)
        self.undone.append(self.done.pop())
        return change.description

    def redo(self) -> str | None:
        if not self.undone:
            return None
        change = self.undone[-1]
        change.redo(self.store)
        self.done.append(self.undone.pop())
        return change.description

    # --- changes that record themselves ---------------------------------------------------
    def add_members(self, audience: str, members: list[Member], description: str) -> None:
        self.store.add_members(audience, members)
        keys = [m.e164 for m in members]
        self.record(
            Change(
                description,
                undo=lambda s: s.remove_members(audience, keys),
                redo=lambda s: s.add_members(audience, members),
            )
        )

    def update_member(self, audience: str, old: Member, new: Member) -> None:
        self.store.update_member(audience, old.e164, new)
        self.record(
            Change(
                "edit member",
                undo=lambda s: s.update_member(audience, new.e164, old),
                redo=lambda s: s.update_member(audience, old.e164, new),
            )
        )

    def remove_members(self, audience: str, keys: list[str]) -> int:
        removed = self.store.remove_members(audience, keys)
        self.record(
            Change(
                f"remove {len(removed):,} member{'s' if len(removed) != 1 else ''}",
                undo=lambda s: s.insert_members(audience, removed),
                redo=lambda s: s.remove_members(audience, keys),
            )
        )
        return len(removed)

    def delete_audience(self, audience: str) -> int:
        """Delete an audience; undo recreates it with the same members."""
        deleted, members = self.store.delete(audience)
        self.record(
            Change(
                f"delete audience {deleted.name!r}",
                undo=lambda s: s.create(
                    deleted.name, deleted.columns, deleted.phone_column, members, deleted.required
                ),
                redo=lambda s: s.delete(deleted.name),
            )
        )
        return len(members)

    def rename_audience(self, old: str, new: str) -> None:
        renamed = self.store.rename(old, new)
        self.record(
            Change(
                f"rename {old!r} to {renamed.name!r}",
                undo=lambda s: s.rename(renamed.name, old),
                redo=lambda s: s.rename(old, renamed.name),
            )
        )
