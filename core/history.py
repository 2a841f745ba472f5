"""Undo and redo for one session, as inverse operations on the store.

Each change records how to reverse it, so undo never overwrites what another process
wrote meanwhile: it only takes back this change (and says so when it no longer can).

A `Session` holds one stack for changes to audiences (create, rename, delete), one
stack per audience for changes to its members, and one for the do-not-call list. Stacks
and changes know an audience by its id, which a rename keeps, and look its name up when
they run; undoing a delete re-creates the audience under a new id, which the session
remembers, so the member changes made before the delete can still be undone after it.

Undo and redo only move through states the store held: they put numbers back even if
another process put them on the do-not-call list since (the grid flags such members,
exports leave them out), where a new addition of a listed number is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core.audience import Audience, Member
from core.errors import NotFound, RuleViolation
from core.store import NewAudience, Store
from core.suppress import SuppressionChange, redo_edit, undo_edit
from core.words import plural

DEPTH = 50
"""Changes kept on each stack."""


@dataclass
class Change:
    """A change already written, with how to undo and redo it."""

    description: str
    undo: Callable[[], object]
    redo: Callable[[], object]
    undo_focus: str | None = None
    """What undoing it puts back, for a front end to show: a member's E.164 number on a
    member stack, an audience's name on the audiences' (None: nothing comes back)."""
    redo_focus: str | None = None
    """What redoing it puts back (as `undo_focus`)."""


class Session:
    """The undo stacks of one run of the app (or any other long-lived front end)."""

    def __init__(self, store: Store, depth: int = DEPTH) -> None:
        self.store = store
        self.depth = depth
        self.audiences = History(self)
        """Creates, renames and deletes of audiences."""
        self.do_not_call = History(self)
        """Numbers added to, imported into and removed from the do-not-call list."""
        self._members: dict[str, History] = {}
        self._renewed: dict[str, str] = {}  # id of a deleted audience -> id it came back as

    def members(self, audience_id: str) -> History:
        """The stack of member changes of one audience (made on first use)."""
        key = self.current_id(audience_id)
        history = self._members.get(key)
        if history is None:
            history = self._members[key] = History(self)
        return history

    def current_id(self, audience_id: str) -> str:
        """The id an audience has now (undoing its delete gave it a new one)."""
        seen = {audience_id}
        while (newer := self._renewed.get(audience_id)) is not None and newer not in seen:
            seen.add(newer)
            audience_id = newer
        return audience_id

    def audience(self, audience_id: str) -> Audience:
        """The audience with that id, as the store holds it now."""
        wanted = self.current_id(audience_id)
        for audience in self.store.list_audiences():
            if audience.id == wanted:
                return audience
        raise NotFound("that audience is no longer in the store")

    def name_of(self, audience_id: str) -> str:
        return self.audience(audience_id).name

    def renewed(self, old_id: str, new_id: str) -> None:
        """An audience came back under a new id: its member stack follows it."""
        if old_id == new_id:
            return
        self._renewed[old_id] = new_id
        if (history := self._members.pop(old_id, None)) is not None:
            self._members[new_id] = history


@dataclass
class History:
    """A bounded stack of changes made in a session."""

    session: Session
    done: list[Change] = field(default_factory=list)
    undone: list[Change] = field(default_factory=list)
    focus: str | None = None
    """What the last undo or redo put back (`Change.undo_focus`, `Change.redo_focus`)."""

    @property
    def store(self) -> Store:
        return self.session.store

    def record(self, change: Change) -> None:
        self.done.append(change)
        del self.done[: -self.session.depth]
        self.undone.clear()

    def undo(self) -> str | None:
        """Undo the last change; returns its description (None when nothing to undo).

        A change the store can no longer take back (its audience is gone, or its
        numbers are members again) is dropped from the stack and the error raised.
        """
        return self._step(self.done, self.undone, undoing=True)

    def redo(self) -> str | None:
        """Redo the last change undone; returns its description (None when none)."""
        return self._step(self.undone, self.done, undoing=False)

    def _step(self, source: list[Change], target: list[Change], *, undoing: bool) -> str | None:
        self.focus = None
        if not source:
            return None
        change = source[-1]
        try:
            change.undo() if undoing else change.redo()
        except (NotFound, RuleViolation):
            source.pop()  # it can never work again: trying it on every u would block the rest
            raise
        target.append(source.pop())
        self.focus = change.undo_focus if undoing else change.redo_focus
        return change.description

    # --- audiences ------------------------------------------------------------------------
    def create_audience(
        self,
        name: str,
        columns: Sequence[str],
        phone_column: str,
        members: Sequence[Member],
        required: Sequence[str] | None = None,
    ) -> Audience:
        """Create an audience; undo deletes it while it holds what it was created with
        (refused when it has changed since: another process's members are never
        deleted by an undo)."""
        session = self.session
        created = self.store.create(name, columns, phone_column, members, required)
        kept: dict[str, tuple[Audience, list[Member]]] = {"last": (created, list(members))}

        def undo() -> None:
            _, held = kept["last"]
            kept["last"] = self.store.delete(session.name_of(created.id), unchanged_from=held)

        def redo() -> None:
            audience, held = kept["last"]
            again = self.store.create(
                audience.name,
                audience.columns,
                audience.phone_column,
                held,
                audience.required,
                restoring=True,
            )
            session.renewed(audience.id, again.id)

        self.record(
            Change(f"create audience {created.name!r}", undo, redo, redo_focus=created.name)
        )
        return created

    def create_many(self, audiences: Sequence[NewAudience], description: str) -> list[Audience]:
        """Create several audiences at once (a split); undo deletes them all while none
        has changed since (else none)."""
        session = self.session
        created = self.store.create_many(audiences)
        kept: dict[str, list[tuple[Audience, list[Member]]]] = {
            "last": [(a, list(new.members)) for a, new in zip(created, audiences, strict=True)]
        }

        def undo() -> None:
            # Every one checked before any is deleted: all or none.
            now = [(session.name_of(a.id), held) for a, held in kept["last"]]
            for name, held in now:
                self.store.check_unchanged(name, held)
            kept["last"] = [self.store.delete(name, unchanged_from=held) for name, held in now]

        def redo() -> None:
            held = kept["last"]
            again = self.store.create_many(
                [NewAudience(a.name, a.columns, a.phone_column, m, a.required) for a, m in held],
                restoring=True,
            )
            for (old, _), new in zip(held, again, strict=True):
                session.renewed(old.id, new.id)

        first = created[0].name if created else None
        self.record(Change(description, undo, redo, redo_focus=first))
        return created

    def rename_audience(self, old: str, new: str) -> Audience:
        session = self.session
        renamed = self.store.rename(old, new)
        audience_id = renamed.id
        self.record(
            Change(
                f"rename {old!r} to {renamed.name!r}",
                undo=lambda: self.store.rename(session.name_of(audience_id), old),
                redo=lambda: self.store.rename(session.name_of(audience_id), renamed.name),
                undo_focus=old,
                redo_focus=renamed.name,
            )
        )
        return renamed

    def delete_audience(self, name: str) -> int:
        """Delete an audience; undo re-creates it with the same members."""
        session = self.session
        deleted, members = self.store.delete(name)

        def undo() -> None:
            again = self.store.create(
                deleted.name,
                deleted.columns,
                deleted.phone_column,
                members,
                deleted.required,
                restoring=True,
            )
            session.renewed(deleted.id, again.id)

        self.record(
            Change(
                f"delete audience {deleted.name!r}",
                undo=undo,
                redo=lambda: self.store.delete(session.name_of(deleted.id), unchanged_from=members),
                undo_focus=deleted.name,
            )
        )
        return len(members)

    # --- members (of the audience named, known by its id from then on) ----------------------
    def add_members(self, audience: str, members: Sequence[Member], description: str) -> None:
        session = self.session
        added = list(members)
        audience_id = self.store.add_members(audience, added).id
        keys = [m.e164 for m in added]
        self.record(
            Change(
                description,
                undo=lambda: self.store.remove_members(session.name_of(audience_id), keys),
                redo=lambda: self.store.add_members(
                    session.name_of(audience_id), added, restoring=True
                ),
                redo_focus=keys[0] if keys else None,
            )
        )

    def merge_members(
        self, audience: str, add: Sequence[Member], update: Sequence[Member], description: str
    ) -> None:
        """Add members and update others in one step (add by CSV with updates)."""
        session = self.session
        added, updated = list(add), list(update)
        changed, before = self.store.merge_members(audience, add=added, update=updated)
        audience_id = changed.id
        keys = [m.e164 for m in added]
        self.record(
            Change(
                description,
                undo=lambda: self.store.merge_members(
                    session.name_of(audience_id), update=before, remove=keys
                ),
                redo=lambda: self.store.merge_members(
                    session.name_of(audience_id), add=added, update=updated, restoring=True
                ),
                undo_focus=before[0].e164 if before else None,
                redo_focus=next((m.e164 for m in [*added, *updated]), None),
            )
        )

    def update_member(self, audience: str, old: Member, new: Member) -> None:
        session = self.session
        audience_id = self.store.update_member(audience, old.e164, new).id
        self.record(
            Change(
                "edit member",
                undo=lambda: self.store.update_member(
                    session.name_of(audience_id), new.e164, old, restoring=True
                ),
                redo=lambda: self.store.update_member(
                    session.name_of(audience_id), old.e164, new, restoring=True
                ),
                undo_focus=old.e164,
                redo_focus=new.e164,
            )
        )

    def remove_members(self, audience: str, keys: Sequence[str]) -> int:
        session = self.session
        audience_id = self.store.get(audience).id
        removed = self.store.remove_members(audience, keys)
        wanted = list(keys)
        self.record(
            Change(
                f"remove {plural(len(removed), 'member')}",
                undo=lambda: self.store.insert_members(session.name_of(audience_id), removed),
                redo=lambda: self.store.remove_members(session.name_of(audience_id), wanted),
                undo_focus=removed[0][1].e164 if removed else None,
            )
        )
        return len(removed)

    # --- the do-not-call list ------------------------------------------------------------
    def list_changed(self, change: SuppressionChange, description: str) -> SuppressionChange:
        """Record a change of the do-not-call list just written (`add_numbers`,
        `import_table`, `remove_numbers`); undo takes back only what it did, refused when
        another process changed those numbers since."""
        edit = change.edit
        if edit is None or not edit.numbers:
            return change
        removing = edit.batch_id is None
        self.record(
            Change(
                description,
                undo=lambda: undo_edit(self.store, edit),
                redo=lambda: redo_edit(self.store, edit),
                undo_focus=edit.first if removing else None,
                redo_focus=None if removing else edit.first,
            )
        )
        return change
