"""The TinyDB store: atomic, locked, private, and sized so one edit rewrites one audience.

Layout of a store folder (0700)::

    catalog.json                 TinyDB: the store marker and one document per audience
    members/<id>-<gen>.json      TinyDB: one audience's members, written once per change
    lock                         flock(2) lock held across every read-modify-write

A change writes the audience's new members file under a new generation name, then
replaces ``catalog.json`` atomically to point at it: that replace is the commit. A
crash before it leaves the old catalog pointing at the old, intact members file; the
orphaned new file and any temporary file are removed by the next writer.

Every file is written with `core.atomic.atomic_write`, in the sealed JSON format of
`core.sealed`; this module holds what makes a folder of such files a store.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import Storage

from core.atomic import TMP_SUFFIX, fsync_dir
from core.audience import (
    MEMBER_LIMIT,
    Audience,
    Member,
    check_columns,
    check_name,
    limit_message,
    summarize_docs,
    summary_after_adding,
)
from core.errors import (
    LimitExceeded,
    MembersFileDamaged,
    NotFound,
    RuleViolation,
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreWriteFailed,
)
from core.sealed import AtomicJSONStorage
from core.words import plural

FORMAT = "audiences-store"
VERSION = 1
ENV_VAR = "AUDIENCES_DB"
SUPPRESSION_FILE = "suppression.json"


def default_path() -> Path:
    """`AUDIENCES_DB`, else the platform's user data folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("audiences", appauthor=False) / "store"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


CATALOG_ADVICE = "restore it from a backup, or move it away to start a new store"
MEMBERS_ADVICE = (
    "restore it from a backup, or set the audience aside: 'audiences set-aside NAME', or "
    "delete it in the app; the file is kept in the store's damaged folder"
)


class Store:
    """A folder of audiences. Every public method is one locked, atomic operation."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, lock_timeout: float = 10.0):
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.lock_timeout = lock_timeout
        self.catalog_path = self.path / "catalog.json"
        self.members_dir = self.path / "members"
        self._suppression_seen: tuple[tuple[int, int, int], dict[str, Any]] | None = None
        """The do-not-call list's data as last read, with the file's (inode, size,
        mtime): every write replaces the file, so an unchanged stat is unchanged data."""

    # --- opening, locking ------------------------------------------------------------
    def _ensure(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a store folder")
        for folder in (self.path, self.members_dir):
            if not folder.exists():
                # Every folder created here is 0700, the missing parents included
                # (Path.mkdir(parents=True) would make those 0777 minus the umask).
                missing = [p for p in (folder, *folder.parents) if not p.exists()]
                for part in reversed(missing):
                    try:
                        os.mkdir(part, 0o700)
                    except FileExistsError:
                        continue
                    except OSError as exc:
                        raise StoreError(f"cannot create {part}: {exc.strerror}") from None
                    with contextlib.suppress(OSError):
                        os.chmod(part, 0o700)

    @contextlib.contextmanager
    def _locked(self, exclusive: bool) -> Iterator[None]:
        self._ensure()
        lock_path = self.path / "lock"
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot open the store lock {lock_path}: {exc.strerror}") from None
        try:
            os.fchmod(fd, 0o600)
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            deadline = time.monotonic() + self.lock_timeout
            delay = 0.001
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreLocked(
                            f"the store {self.path} is in use by another audiences process; "
                            "try again when it has finished"
                        ) from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.05)
            yield
        finally:
            os.close(fd)

    def _catalog(self, create: bool) -> TinyDB:
        if not self.catalog_path.exists():
            # Checked on reads too: a store whose catalog is lost is not an empty store.
            if self.members_dir.exists() and any(
                p.suffix == ".json" for p in self.members_dir.iterdir()
            ):
                raise StoreDamaged(
                    f"the store catalog {self.catalog_path} is missing but members files "
                    "remain; nothing was changed (restore the catalog from a backup)"
                )
            if not create:
                return _EMPTY
            db = TinyDB(
                str(self.catalog_path),
                storage=AtomicJSONStorage,
                create=True,
                check=_catalog_shaped,
                advice=CATALOG_ADVICE,
            )
            db.table("store").insert({"format": FORMAT, "version": VERSION, "created_at": _now()})
            return db
        db = TinyDB(
            str(self.catalog_path),
            storage=AtomicJSONStorage,
            what="store catalog",
            check=_catalog_shaped,
            advice=CATALOG_ADVICE,
        )
        marker = db.table("store").all()
        if not marker or marker[0].get("format") != FORMAT:
            raise StoreDamaged(
                f"{self.catalog_path} is not an audiences store catalog (or is damaged); "
                "it was left untouched"
            )
        if marker[0].get("version", 0) > VERSION:
            raise StoreError("the store was written by a newer version of audiences; upgrade")
        return db

    def _cleanup(self) -> None:
        """Remove temporary files and members files no audience points to (writers only)."""
        referenced = {doc["members_file"] for doc in self._catalog(False).table("audiences").all()}
        for folder in (self.path, self.members_dir):
            for entry in folder.iterdir():
                if entry.name.endswith(TMP_SUFFIX) or (
                    folder == self.members_dir and entry.name not in referenced
                ):
                    with contextlib.suppress(OSError):
                        entry.unlink()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[TinyDB]:
        with self._locked(exclusive=True):
            db = self._catalog(create=True)
            self._cleanup()
            yield db

    # --- reading ---------------------------------------------------------------------
    def list_audiences(self) -> list[Audience]:
        """Every audience, by name."""
        if not self.catalog_path.exists() and not self.path.exists():
            return []
        with self._locked(exclusive=False):
            docs = self._catalog(False).table("audiences").all()
        return sorted((_audience(d) for d in docs), key=lambda a: a.name.casefold())

    def get(self, name: str) -> Audience:
        """One audience by exact name."""
        with self._locked(exclusive=False):
            return _audience(self._doc(self._catalog(False), name))

    def load(self, name: str) -> tuple[Audience, list[Member]]:
        """An audience and its members, read consistently."""
        with self._locked(exclusive=False):
            doc = self._doc(self._catalog(False), name)
            return _audience(doc), self._read_members(doc)

    def members(self, name: str) -> list[Member]:
        return self.load(name)[1]

    def _doc(self, db: TinyDB, name: str) -> dict[str, Any]:
        found = db.table("audiences").search(Query().name == name)
        if not found:
            raise NotFound(f"no audience named {name!r}")
        return {**found[0], "_doc_id": found[0].doc_id}

    def _read_members(self, doc: dict[str, Any]) -> list[Member]:
        return [Member.from_doc(d) for d in self._read_member_docs(doc)]

    def _read_member_docs(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        """The members file's documents, in order, as plain dicts (checked against the catalog).

        Members files are TinyDB files (``{"members": {"1": {...}, ...}}``) read through the
        same storage class; the hot paths skip TinyDB's per-document objects, which cost
        more than the JSON parsing itself for 10,000 members.
        """
        path = self.members_dir / doc["members_file"]
        storage = AtomicJSONStorage(
            str(path), what=f"members file of {doc['name']!r}", advice=MEMBERS_ADVICE
        )
        try:
            raw = storage.read() or {}
        except StoreDamaged as exc:
            raise MembersFileDamaged(exc.message, doc["name"]) from None
        table = raw.get("members")
        if not isinstance(table, dict) or len(table) != doc["member_count"]:
            found = len(table) if isinstance(table, dict) else 0
            raise MembersFileDamaged(
                f"the members file of {doc['name']!r} holds {found:,} members but the "
                f"catalog expects {doc['member_count']:,}; it was left untouched "
                f"({MEMBERS_ADVICE})",
                doc["name"],
            )
        if not all(
            k.isdigit() and isinstance(d.get("values"), dict) and isinstance(d.get("e164"), str)
            for k, d in table.items()
        ):
            raise MembersFileDamaged(
                f"the members file of {doc['name']!r} is damaged (unexpected content); "
                f"it was left untouched ({MEMBERS_ADVICE})",
                doc["name"],
            )
        return [table[k] for k in sorted(table, key=int)]

    # --- writing ---------------------------------------------------------------------
    def _write_members(self, doc: dict[str, Any], members: Sequence[Member]) -> dict[str, Any]:
        return self._write_member_docs(doc, [m.to_doc() for m in members])

    def _write_member_docs(
        self,
        doc: dict[str, Any],
        docs: Sequence[dict[str, Any]],
        added: Sequence[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Write a new generation of members and return the catalog document to commit."""
        if len(docs) > MEMBER_LIMIT:
            raise LimitExceeded(limit_message(0, len(docs)))
        generation = int(doc.get("generation", 0)) + 1
        filename = f"{doc['id']}-{generation}.json"
        storage = AtomicJSONStorage(str(self.members_dir / filename), create=True)
        # The TinyDB layout, written in one atomic write (insert_multiple would re-read).
        storage.write({"members": {str(i): d for i, d in enumerate(docs, start=1)}})
        if added is not None and "style" in doc:
            # Adding only: the summary is updated from the new members alone.
            style, regions = summary_after_adding(
                doc["style"], doc["regions"], added, doc["phone_column"]
            )
        else:
            style, regions = summarize_docs(docs, doc["phone_column"])
        return {
            **{k: v for k, v in doc.items() if k != "_doc_id"},
            "generation": generation,
            "members_file": filename,
            "member_count": len(docs),
            "style": style,
            "regions": regions,
            "changed_at": _now(),
        }

    def _commit(self, db: TinyDB, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        """Write the catalog once (an atomic replace): the commit point of every change."""
        table = db.table("audiences")
        written = new is not None and (old is None or new["members_file"] != old["members_file"])
        try:
            if old is None:
                assert new is not None
                table.insert(new)
            elif new is None:
                table.remove(doc_ids=[old["_doc_id"]])
            else:
                table.update(
                    {k: v for k, v in new.items() if k != "_doc_id"}, doc_ids=[old["_doc_id"]]
                )
        except StoreWriteFailed as exc:
            # Not committed: the new members file is not pointed to; remove it now rather
            # than leave it to the next writer's clean-up.
            if written and not exc.changed:
                assert new is not None
                with contextlib.suppress(OSError):
                    (self.members_dir / new["members_file"]).unlink()
            raise
        if old is not None and (new is None or new["members_file"] != old["members_file"]):
            with contextlib.suppress(OSError):
                (self.members_dir / old["members_file"]).unlink()

    def create(
        self,
        name: str,
        columns: Sequence[str],
        phone_column: str,
        members: Sequence[Member],
        required: Sequence[str] | None = None,
        *,
        restoring: bool = False,
    ) -> Audience:
        """Create an audience with its first members; `restoring` (the undo of a delete)
        puts back members even if their numbers were put on the do-not-call list since."""
        name = check_name(name)
        columns = list(columns)
        check_columns(columns, phone_column)
        _check_unique(members)
        required_set = set(required or ()) | {phone_column}
        with self._writing() as db:
            if db.table("audiences").search(Query().name == name):
                raise RuleViolation(f"an audience named {name!r} already exists")
            if not restoring:
                self._refuse_listed([m.e164 for m in members], "the audience was not created")
            doc = {
                "id": secrets.token_hex(6),
                "name": name,
                "columns": columns,
                "phone_column": phone_column,
                "required": [c for c in columns if c in required_set],
                "created_at": _now(),
                "generation": 0,
            }
            new = self._write_members(doc, members)
            self._commit(db, None, new)
            return _audience(new)

    def add_members(
        self, name: str, members: Sequence[Member], *, restoring: bool = False
    ) -> Audience:
        """Add members; refused whole if any is already a member or the limit would break,
        or (unless `restoring`) if a number is on the do-not-call list."""
        _check_unique(members)
        return self.add_checked(name, lambda _audience, _keys: members, restoring=restoring)[0]

    def add_checked(
        self,
        name: str,
        choose: Callable[[Audience, dict[str, dict[str, str]]], Sequence[Member]],
        *,
        restoring: bool = False,
    ) -> tuple[Audience, list[Member]]:
        """Add the members `choose(audience, current)` returns, under one lock; `current`
        maps each member's E.164 key to its values.

        The check (duplicates, style, limit) sees exactly the state it is written over,
        and the members file is read once: the fast path for manual entry.
        """
        with self._writing() as db:
            doc = self._doc(db, name)
            current = self._read_member_docs(doc)
            keys = {d["e164"]: d["values"] for d in current}
            members = list(choose(_audience(doc), keys))
            _check_unique(members)
            clash = sum(1 for m in members if m.e164 in keys)
            if clash:
                raise RuleViolation(
                    "nothing was added: that number is already a member"
                    if len(members) == 1
                    else f"nothing was added: {clash:,} of the numbers are already members"
                )
            if len(current) + len(members) > MEMBER_LIMIT:
                raise LimitExceeded(
                    "nothing was added: " + limit_message(len(current), len(members))
                )
            self._check_columns(doc, members)
            if not restoring:
                self._refuse_listed([m.e164 for m in members], "nothing was added")
            added = [m.to_doc() for m in members]
            new = self._write_member_docs(doc, [*current, *added], added=added)
            self._commit(db, doc, new)
            return _audience(new), members

    def update_member(
        self, name: str, e164: str, member: Member, *, restoring: bool = False
    ) -> Audience:
        """Replace the member whose E.164 key is `e164` (its position is kept). A new
        number on the do-not-call list is refused unless `restoring` (the undo of an
        edit puts the member's former number back)."""
        with self._writing() as db:
            doc = self._doc(db, name)
            current = self._read_members(doc)
            index = next((i for i, m in enumerate(current) if m.e164 == e164), None)
            if index is None:
                raise NotFound(f"{name!r} has no member with that number")
            if member.e164 != e164 and any(m.e164 == member.e164 for m in current):
                raise RuleViolation("that number is already a member of the audience")
            self._check_columns(doc, [member])
            if member.e164 != e164 and not restoring:
                self._refuse_listed([member.e164], "the member was not saved")
            current[index] = member
            new = self._write_members(doc, current)
            self._commit(db, doc, new)
            return _audience(new)

    def merge_members(
        self,
        name: str,
        *,
        add: Sequence[Member] = (),
        update: Sequence[Member] = (),
        remove: Sequence[str] = (),
        restoring: bool = False,
    ) -> tuple[Audience, list[Member]]:
        """In one write: remove members by E.164 key, replace members in place by the
        E.164 key of each `update` member, then add `add` at the end. Refused whole when
        a member to update or remove is gone, an added number is already a member, or
        the limit would break. Returns the audience and the members as they were before
        their update (for undo)."""
        _check_unique([*add, *update])
        with self._writing() as db:
            doc = self._doc(db, name)
            current = self._read_members(doc)
            unwanted = set(remove)
            kept = [m for m in current if m.e164 not in unwanted]
            if len(current) - len(kept) != len(unwanted):
                raise NotFound("nothing was changed: some of those members are gone")
            at = {m.e164: i for i, m in enumerate(kept)}
            if any(m.e164 not in at for m in update):
                raise NotFound("nothing was changed: some members to update are gone")
            if any(m.e164 in at for m in add):
                raise RuleViolation("nothing was changed: some of the numbers are already members")
            if len(kept) + len(add) > MEMBER_LIMIT:
                raise LimitExceeded("nothing was changed: " + limit_message(len(kept), len(add)))
            self._check_columns(doc, [*add, *update])
            if not restoring:
                self._refuse_listed([m.e164 for m in add], "nothing was changed")
            before = [kept[at[m.e164]] for m in update]
            for m in update:
                kept[at[m.e164]] = m
            new = self._write_members(doc, [*kept, *add])
            self._commit(db, doc, new)
            return _audience(new), before

    def remove_members(self, name: str, e164s: Sequence[str]) -> list[tuple[int, Member]]:
        """Remove members by E.164 key; returns (position, member) of each one removed."""
        wanted = set(e164s)
        with self._writing() as db:
            doc = self._doc(db, name)
            current = self._read_members(doc)
            removed = [(i, m) for i, m in enumerate(current) if m.e164 in wanted]
            if len(removed) != len(wanted):
                missing = len(wanted) - len(removed)
                raise NotFound(
                    f"nothing was removed: {missing:,} of the "
                    + ("numbers is not a member" if missing == 1 else "numbers are not members")
                    + f" of {name!r}"
                )
            kept = [m for m in current if m.e164 not in wanted]
            new = self._write_members(doc, kept)
            self._commit(db, doc, new)
            return removed

    def insert_members(self, name: str, placed: Sequence[tuple[int, Member]]) -> Audience:
        """Put members back at their former positions (undo of a removal)."""
        with self._writing() as db:
            doc = self._doc(db, name)
            current = self._read_members(doc)
            keys = {m.e164 for m in current}
            if any(m.e164 in keys for _, m in placed):
                raise RuleViolation("cannot restore: some of those numbers are members again")
            if len(current) + len(placed) > MEMBER_LIMIT:
                raise LimitExceeded("cannot restore: " + limit_message(len(current), len(placed)))
            for position, member in sorted(placed, key=lambda p: p[0]):
                current.insert(min(position, len(current)), member)
            new = self._write_members(doc, current)
            self._commit(db, doc, new)
            return _audience(new)

    def rename(self, old: str, new_name: str) -> Audience:
        new_name = check_name(new_name)
        with self._writing() as db:
            doc = self._doc(db, old)
            if new_name != old and db.table("audiences").search(Query().name == new_name):
                raise RuleViolation(f"an audience named {new_name!r} already exists")
            new = {**doc, "name": new_name, "changed_at": _now()}
            new.pop("_doc_id")
            self._commit(db, doc, new)
            return _audience(new)

    def delete(
        self, name: str, *, unchanged_from: Sequence[Member] | None = None
    ) -> tuple[Audience, list[Member]]:
        """Delete an audience; returns what it held (for undo). With `unchanged_from`,
        only when it holds exactly those members (checked under the write lock): an undo
        takes back its own change, never what another process added since."""
        with self._writing() as db:
            doc = self._doc(db, name)
            members = self._read_members(doc)
            if unchanged_from is not None:
                _refuse_changed(name, members, unchanged_from)
            self._commit(db, doc, None)
            return _audience(doc), members

    def check_unchanged(self, name: str, members: Sequence[Member]) -> None:
        """RuleViolation when the audience no longer holds exactly `members` (see
        `delete`'s `unchanged_from`): for checking several before deleting any."""
        _refuse_changed(name, self.load(name)[1], members)

    def set_aside(self, name: str) -> Path | None:
        """Take an audience whose members file is damaged out of the store, keeping the
        file in the store's ``damaged`` folder (nothing is deleted). Returns where the
        file now is (None when it was missing). Refused when the file reads fine:
        `delete` is the way then."""
        with self._writing() as db:
            doc = self._doc(db, name)
            try:
                self._read_member_docs(doc)
            except MembersFileDamaged:
                pass
            else:
                raise RuleViolation(
                    f"the members file of {name!r} is not damaged; delete the audience instead"
                )
            source = self.members_dir / doc["members_file"]
            folder = self.path / "damaged"
            target = folder / doc["members_file"]
            try:
                if not folder.exists():
                    os.mkdir(folder, 0o700)
                while target.exists():
                    target = folder / f"{secrets.token_hex(3)}-{doc['members_file']}"
                moved = source.exists()
                if moved:
                    os.replace(source, target)
                    fsync_dir(folder)
                    fsync_dir(self.members_dir)
            except OSError as exc:
                raise StoreError(
                    f"cannot set aside the members file of {name!r}: {exc.strerror}"
                ) from None
            try:
                self._commit(db, doc, None)
            except StoreWriteFailed as exc:
                # Not committed: the catalog still points to the file, so it goes back.
                # (When the new catalog may be in place, the file stays in damaged/: back
                # in members/ the next writer would remove it as pointed to by nothing.)
                if moved and not exc.changed:
                    with contextlib.suppress(OSError):
                        os.replace(target, source)
                raise
            return target if moved else None

    def create_many(
        self, audiences: Sequence[NewAudience], *, restoring: bool = False
    ) -> list[Audience]:
        """Create several audiences, all or nothing: every name is checked first, the
        members files are written, then ONE catalog write commits them all. If anything
        fails before that commit, the members files written so far are removed and the
        store is as it was."""
        checked: list[tuple[str, list[str], NewAudience]] = []
        names: set[str] = set()
        for new in audiences:
            name = check_name(new.name)
            columns = list(new.columns)
            check_columns(columns, new.phone_column)
            _check_unique(new.members)
            if len(new.members) > MEMBER_LIMIT:
                raise LimitExceeded(limit_message(0, len(new.members)))
            if name in names:
                raise RuleViolation(f"two of the new audiences would be named {name!r}")
            names.add(name)
            checked.append((name, columns, new))
        with self._writing() as db:
            table = db.table("audiences")
            existing = {doc["name"] for doc in table.all()}
            taken = [name for name, _, _ in checked if name in existing]
            if taken:
                raise RuleViolation(
                    f"an audience named {taken[0]!r} already exists; nothing was created"
                )
            if not restoring:
                self._refuse_listed(
                    [m.e164 for _, _, new in checked for m in new.members], "nothing was created"
                )
            written: list[dict[str, Any]] = []
            try:
                for name, columns, new in checked:
                    required = set(new.required or ()) | {new.phone_column}
                    doc: dict[str, Any] = {
                        "id": secrets.token_hex(6),
                        "name": name,
                        "columns": columns,
                        "phone_column": new.phone_column,
                        "required": [c for c in columns if c in required],
                        "created_at": _now(),
                        "generation": 0,
                    }
                    written.append(self._write_members(doc, new.members))
                # TinyDB writes the whole table once for insert_multiple: the commit.
                table.insert_multiple(written)
            except BaseException as exc:
                # Not committed (unless the catalog write could not be undone): the new
                # members files are pointed to by nothing; remove them now.
                if not (isinstance(exc, StoreWriteFailed) and exc.changed):
                    for made in written:
                        with contextlib.suppress(OSError):
                            (self.members_dir / made["members_file"]).unlink()
                raise
            return [_audience(made) for made in written]

    # --- the do-not-call list (core/suppress.py gives it its meaning) ---------------------
    @property
    def suppression_path(self) -> Path:
        return self.path / SUPPRESSION_FILE

    def _suppression_storage(self, check: Callable[[dict[str, Any]], bool]) -> Storage:
        return AtomicJSONStorage(
            str(self.suppression_path),
            create=True,
            what="do-not-call list",
            check=check,
            advice="restore it from a backup, or move it away and import the list again",
        )

    def read_suppression(
        self, check: Callable[[dict[str, Any]], bool], *, locked: bool = False
    ) -> dict[str, dict[str, Any]] | None:
        """The do-not-call list's data (None when the store has none yet), read under the
        shared lock (`locked`: the caller holds the exclusive one). A damaged or empty
        file is refused (StoreDamaged), never read as an empty list. The data may be the
        same object as the last read returned: read it, never change it."""
        if not self.suppression_path.exists():
            return None
        if locked:
            return self._read_suppression(check)
        with self._locked(exclusive=False):
            return self._read_suppression(check)

    def _read_suppression(
        self, check: Callable[[dict[str, Any]], bool]
    ) -> dict[str, dict[str, Any]] | None:
        """Read (under a lock the caller holds) unless the file is the one read last: a
        100,000-number list takes 0.1 s to read and check, and every add looks at it."""
        try:
            seen = self._suppression_identity()
        except FileNotFoundError:
            return None
        if self._suppression_seen is not None and self._suppression_seen[0] == seen:
            return self._suppression_seen[1]
        data = self._suppression_storage(check).read()
        self._suppression_seen = None if data is None else (seen, data)
        return data

    def _refuse_listed(self, numbers: Sequence[str], refusal: str) -> None:
        """No number on the do-not-call list becomes a member: a writer's last check,
        under its exclusive lock. Callers judge against the list they read before, but
        another process (the CLI beside the app) may have listed a number since.
        Refused whole; the numbers are not named (they may be in logs)."""
        if not numbers or not self.suppression_path.exists():
            return
        from core.suppress import listed_among

        found = listed_among(self, numbers)
        if found:
            raise RuleViolation(
                f"{refusal}: "
                + (
                    "that number is on the do-not-call list"
                    if len(numbers) == 1
                    else f"{found:,} of the numbers {'is' if found == 1 else 'are'} on the "
                    "do-not-call list (check again to see which)"
                )
            )

    def change_suppression(
        self,
        check: Callable[[dict[str, Any]], bool],
        change: Callable[[dict[str, dict[str, Any]] | None], dict[str, dict[str, Any]]],
    ) -> dict[str, dict[str, Any]]:
        """Read the do-not-call list, apply `change`, write the result atomically (0600),
        all under the store's exclusive lock. `change` may raise to refuse: nothing is
        written then."""
        with self._locked(exclusive=True):
            storage = self._suppression_storage(check)
            new = change(storage.read())
            storage.write(new)
            self._suppression_seen = (self._suppression_identity(), new)
            return new

    def _suppression_identity(self) -> tuple[int, int, int]:
        """The list file's (inode, size, mtime): every write replaces the file."""
        st = self.suppression_path.stat()
        return st.st_ino, st.st_size, st.st_mtime_ns

    def _check_columns(self, doc: dict[str, Any], members: Sequence[Member]) -> None:
        columns = set(doc["columns"])
        for m in members:
            if set(m.values) != columns:
                raise RuleViolation("a member's fields do not match the audience's columns")


def _refuse_changed(name: str, members: Sequence[Member], expected: Sequence[Member]) -> None:
    if list(members) != list(expected):
        raise RuleViolation(
            f"{name!r} has changed since (it holds {plural(len(members), 'member')}, "
            f"{len(expected):,} then): nothing was deleted; delete it yourself if it "
            "should go"
        )


@dataclass(frozen=True)
class NewAudience:
    """One audience for `Store.create_many`."""

    name: str
    columns: Sequence[str]
    phone_column: str
    members: Sequence[Member]
    required: Sequence[str] | None = None


def _catalog_shaped(data: dict[str, Any]) -> bool:
    """Every audience document has what the store relies on (a damaged one is refused)."""
    for doc in data.get("audiences", {}).values():
        columns = doc.get("columns")
        members_file = doc.get("members_file")
        count = doc.get("member_count")
        if not (
            isinstance(doc.get("id"), str)
            and isinstance(doc.get("name"), str)
            and isinstance(columns, list)
            and all(isinstance(c, str) for c in columns)
            and doc.get("phone_column") in columns
            and isinstance(doc.get("required", []), list)
            and isinstance(members_file, str)
            and members_file == Path(members_file).name
            and not members_file.startswith(".")
            and isinstance(count, int)
            and 0 <= count <= MEMBER_LIMIT
        ):
            return False
    return True


def _check_unique(members: Sequence[Member]) -> None:
    seen: set[str] = set()
    for m in members:
        if m.e164 in seen:
            raise RuleViolation("the same number appears twice among the new members")
        seen.add(m.e164)


def _audience(doc: dict[str, Any]) -> Audience:
    return Audience(
        name=doc["name"],
        columns=list(doc["columns"]),
        phone_column=doc["phone_column"],
        required=list(doc.get("required", [])),
        member_count=int(doc.get("member_count", 0)),
        style=doc.get("style", "none"),
        regions=dict(doc.get("regions", {})),
        created_at=doc.get("created_at", ""),
        changed_at=doc.get("changed_at", ""),
        id=doc["id"],
        generation=int(doc.get("generation", 0)),
    )


class _EmptyCatalog:
    """Stands in for the catalog of a store that has never been written."""

    def table(self, name: str) -> _EmptyCatalog:
        return self

    def all(self) -> list[dict[str, Any]]:
        return []

    def search(self, *_: object) -> list[dict[str, Any]]:
        return []


_EMPTY: Any = _EmptyCatalog()

__all__ = ["NewAudience", "Store", "default_path"]
