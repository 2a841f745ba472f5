"""Damaged store files: refused with a clear message, never read as empty, never overwritten.

Each damage is applied to a copy of a real store (audiences 'A', 300 members, and 'B',
40). Then every way in (Store reads and writes, and the command line) must either refuse
with `StoreDamaged` (exit 2 and one sentence on the command line) or, for a damaged
members file, work on the other audiences only; and the damaged bytes must be unchanged
after every attempt. A leftover temporary file is not damage: the store opens with its
old state and the next writer removes the file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from core.audience import Member
from core.errors import MembersFileDamaged, RuleViolation, StoreDamaged
from core.store import Store

from ._support import (
    in_number,
    leftovers,
    one_line_error,
    run_cli,
    run_cli_many,
    snapshot,
    store_bytes,
    us_number,
)

Damage = Callable[[Path], None]


def member(i: int) -> Member:
    return Member(
        {"phone": us_number(i), "name": f"n{i}"}, us_number(i), "US", "fixed_line_or_mobile"
    )


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """'old': A (300) and B (40); 'new': the same store after 10 members were added to A."""
    base = tmp_path_factory.mktemp("stores")
    store = Store(base / "old")
    store.create("A", ["phone", "name"], "phone", [member(i) for i in range(300)], ["name"])
    store.create(
        "B",
        ["phone", "name"],
        "phone",
        [
            Member({"phone": in_number(i), "name": "b"}, in_number(i), "IN", "mobile")
            for i in range(40)
        ],
    )
    shutil.copytree(base / "old", base / "new")
    Store(base / "new").add_members("A", [member(i) for i in range(300, 310)])
    return {"old": base / "old", "new": base / "new"}


def members_file(store: Path, audience: str = "A") -> Path:
    import json

    catalog = json.loads((store / "catalog.json").read_bytes())
    doc = next(d for d in catalog["audiences"].values() if d["name"] == audience)
    return store / "members" / doc["members_file"]


def overwrite(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def nul_block(data: bytes) -> bytes:
    start = len(data) // 3
    return data[:start] + b"\0" * min(4096, len(data) - start) + data[start + 4096 :]


# Damages to the catalog: every store operation is refused.
CATALOG_DAMAGES: dict[str, Damage] = {
    "empty": lambda s: overwrite(s / "catalog.json", b""),
    "whitespace only": lambda s: overwrite(s / "catalog.json", b"\n  \n"),
    "truncated to half": lambda s: overwrite(
        s / "catalog.json",
        (s / "catalog.json").read_bytes()[: len((s / "catalog.json").read_bytes()) // 2],
    ),
    "last byte lost": lambda s: overwrite(
        s / "catalog.json", (s / "catalog.json").read_bytes()[:-1]
    ),
    "NUL-filled block": lambda s: overwrite(
        s / "catalog.json", nul_block((s / "catalog.json").read_bytes())
    ),
    "all NULs (same size)": lambda s: overwrite(
        s / "catalog.json", b"\0" * len((s / "catalog.json").read_bytes())
    ),
    "not a store (empty object)": lambda s: overwrite(s / "catalog.json", b"{}"),
    "not a store (array)": lambda s: overwrite(s / "catalog.json", b"[]"),
    "an audience entry without its members file": lambda s: overwrite(
        s / "catalog.json",
        (s / "catalog.json").read_bytes().replace(b'"members_file"', b'"members_fil"'),
    ),
    "catalog deleted, members files left": lambda s: (s / "catalog.json").unlink(),
}

# Damages to A's members file: A is refused, B still works.
MEMBERS_DAMAGES: dict[str, Damage] = {
    "members file missing": lambda s: members_file(s).unlink(),
    "members file empty": lambda s: overwrite(members_file(s), b""),
    "members file truncated": lambda s: overwrite(
        members_file(s), members_file(s).read_bytes()[: len(members_file(s).read_bytes()) // 2]
    ),
    "members file NUL-filled block": lambda s: overwrite(
        members_file(s), nul_block(members_file(s).read_bytes())
    ),
    "members file holds fewer members": lambda s: overwrite(
        members_file(s),
        b'{"members":{"1":{"values":{"phone":"+12025550000","name":"n"},"e164":"+12025550000"}}}',
    ),
}


def _copy(stores: dict[str, Path], tmp_path: Path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(stores["old"], path)
    return path


def _attempts(store: Store) -> dict[str, Callable[[], object]]:
    return {
        "list": store.list_audiences,
        "get": lambda: store.get("A"),
        "load": lambda: store.load("A"),
        "add": lambda: store.add_members("A", [member(5000)]),
        "edit": lambda: store.update_member("A", us_number(1), member(1)),
        "remove": lambda: store.remove_members("A", [us_number(1)]),
        "rename": lambda: store.rename("A", "A2"),
        "delete": lambda: store.delete("A"),
        "create": lambda: store.create(
            "C", ["phone"], "phone", [Member({"phone": us_number(9)}, us_number(9))]
        ),
    }


CLI_ATTEMPTS: list[tuple[str, ...]] = [
    ("list",),
    ("show", "A"),
    ("add-member", "A", f"phone={us_number(6000)}", "name=New"),
    ("delete", "A", "--yes"),
]
# Every command (and the slower ones that read a CSV first) for a few damages; two
# commands (a read and a write) for the others, to keep the regular run short.
ALL_COMMANDS_FOR = {
    "empty",
    "NUL-filled block",
    "catalog deleted, members files left",
    "members file truncated",
}


@pytest.mark.parametrize("damage", list(CATALOG_DAMAGES))
def test_damaged_catalog_is_refused_and_left_untouched(
    damage: str, stores: dict[str, Path], tmp_path: Path
) -> None:
    path = _copy(stores, tmp_path)
    CATALOG_DAMAGES[damage](path)
    before = store_bytes(path)
    store = Store(path)
    for what, attempt in _attempts(store).items():
        with pytest.raises(StoreDamaged) as caught:
            attempt()
        message = caught.value.message
        assert "catalog" in message and (
            "damaged" in message
            or "missing" in message
            or "empty" in message
            or "not an audiences store" in message
        ), (what, message)
        assert store_bytes(path) == before, what
    # Read-only and refused commands run at once (each is refused before writing).
    commands = CLI_ATTEMPTS if damage in ALL_COMMANDS_FOR else CLI_ATTEMPTS[1:3]
    for result in run_cli_many([("--db", path, *args) for args in commands]):
        args = result.args
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert one_line_error(result.stderr), (args, result.stderr)
        assert "catalog" in result.stderr
        assert store_bytes(path) == before, args
    if damage not in ALL_COMMANDS_FOR:
        return
    # A file to add from, through the command line: refused before anything is written.
    csv = tmp_path / "new.csv"
    csv.write_text(f"phone,name\n{us_number(7000)},X\n")
    commands = [("add", "A", str(csv)), ("create", "C", str(csv), "--phone-column", "phone")]
    for result in run_cli_many([("--db", path, *args) for args in commands]):
        args = result.args
        assert result.returncode == 2 and one_line_error(result.stderr), (args, result.stderr)
        assert store_bytes(path) == before, args


@pytest.mark.parametrize("damage", list(MEMBERS_DAMAGES))
def test_damaged_members_file_is_refused_and_left_untouched(
    damage: str, stores: dict[str, Path], tmp_path: Path
) -> None:
    path = _copy(stores, tmp_path)
    MEMBERS_DAMAGES[damage](path)
    before = store_bytes(path)
    store = Store(path)
    # The catalog is fine: A is listed with its count, B works normally.
    assert [a.name for a in store.list_audiences()] == ["A", "B"]
    assert store.get("A").member_count == 300
    for what, attempt in _attempts(store).items():
        if what in ("list", "get", "rename", "create"):
            continue
        with pytest.raises(StoreDamaged) as caught:
            attempt()
        assert "members file of 'A'" in caught.value.message, (what, caught.value.message)
        assert store_bytes(path) == before, what
    commands = [*CLI_ATTEMPTS[1:], ("export", "A"), ("remove-member", "A", us_number(1))]
    if damage not in ALL_COMMANDS_FOR:
        commands = commands[:2]
    for result in run_cli_many([("--db", path, *args) for args in commands]):
        args = result.args
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert one_line_error(result.stderr) and "members file of 'A'" in result.stderr, (
            result.stderr
        )
        assert store_bytes(path) == before, args
    # Damage to one audience is local: the other one is still read and written.
    assert len(store.members("B")) == 40
    store.add_members(
        "B", [Member({"phone": in_number(900), "name": "b"}, in_number(900), "IN", "mobile")]
    )
    assert len(store.members("B")) == 41
    after = store_bytes(path)
    damaged = str(members_file(path).relative_to(path))
    if damaged in before:
        assert after[damaged] == before[damaged]


@pytest.mark.parametrize("damage", list(MEMBERS_DAMAGES))
def test_a_damaged_audience_can_be_set_aside_and_its_file_is_kept(
    damage: str, stores: dict[str, Path], tmp_path: Path
) -> None:
    """Delete refuses a damaged audience (its members cannot be kept for undo); set-aside
    takes it out of the store and moves its file, byte for byte, to damaged/."""
    path = _copy(stores, tmp_path)
    damaged = members_file(path)
    MEMBERS_DAMAGES[damage](path)
    content = damaged.read_bytes() if damaged.exists() else None
    store = Store(path)
    with pytest.raises(MembersFileDamaged) as caught:
        store.delete("A")
    assert caught.value.audience == "A" and "set-aside" in caught.value.message
    if damage in ALL_COMMANDS_FOR:  # the command line, for a few damages (slow)
        result = run_cli("--db", path, "set-aside", "A", "--yes")
        assert result.returncode == 0, result.stderr
        assert "kept at" in result.stdout
    else:
        kept = store.set_aside("A")
        assert kept is None if content is None else kept.parent == path / "damaged"
    assert [a.name for a in store.list_audiences()] == ["B"]
    aside = list((path / "damaged").iterdir()) if (path / "damaged").exists() else []
    if content is None:
        assert aside == []
    else:
        assert [p.read_bytes() for p in aside] == [content]
        assert (path / "damaged").stat().st_mode & 0o777 == 0o700
    assert len(store.members("B")) == 40
    assert leftovers(path) == (set(), set())


def test_set_aside_refuses_a_readable_audience(stores: dict[str, Path], tmp_path: Path) -> None:
    path = _copy(stores, tmp_path)
    before = store_bytes(path)
    with pytest.raises(RuleViolation, match="not damaged; delete the audience instead"):
        Store(path).set_aside("A")
    assert store_bytes(path) == before
    result = run_cli("--db", path, "set-aside", "A")
    assert result.returncode == 2 and "needs --yes" in result.stderr


def test_glued_catalog_head_of_new_and_tail_of_old(stores: dict[str, Path], tmp_path: Path) -> None:
    """The new catalog's first k bytes over the old one, for every k: refused unless the
    bytes are exactly the old file's or the new file's (then it loads as that state)."""
    old = (stores["old"] / "catalog.json").read_bytes()
    new = (stores["new"] / "catalog.json").read_bytes()
    states = {old: snapshot(Store(stores["old"])), new: snapshot(Store(stores["new"]))}
    path = tmp_path / "store"
    shutil.copytree(stores["old"], path)
    # Both generations of A's members files present: any catalog could point to either.
    for f in (stores["new"] / "members").iterdir():
        shutil.copy(f, path / "members" / f.name)
    outcomes = {"old or new": 0, "refused": 0}
    for k in range(1, max(len(old), len(new))):
        glued = new[:k] + old[k:]
        (path / "catalog.json").write_bytes(glued)
        try:
            state = snapshot(Store(path))
        except StoreDamaged:
            outcomes["refused"] += 1
            continue
        # Loading is allowed only when the bytes are exactly the old or the new file's.
        assert glued in states, f"glued at byte {k} loaded as a store"
        assert state == states[glued]
        outcomes["old or new"] += 1
    print(f"glued catalogs: {outcomes}")
    assert outcomes["refused"] > 0


def test_glued_members_file(stores: dict[str, Path], tmp_path: Path) -> None:
    """A's new members file's head over its old file's tail (under the new catalog)."""
    old = members_file(stores["old"]).read_bytes()
    new = members_file(stores["new"]).read_bytes()
    path = tmp_path / "store"
    shutil.copytree(stores["new"], path)
    target = members_file(path)
    for k in range(1, len(old), 97):
        glued = new[:k] + old[k:]
        target.write_bytes(glued)
        with pytest.raises(StoreDamaged):
            Store(path).load("A")
        with pytest.raises(StoreDamaged):
            Store(path).add_members("A", [member(8000)])
        assert target.read_bytes() == glued


def test_leftover_temporary_files_are_not_damage(stores: dict[str, Path], tmp_path: Path) -> None:
    """What a kill leaves: the store opens with its old state; the next writer cleans up."""
    path = _copy(stores, tmp_path)
    old_state = snapshot(Store(path))
    new_catalog = (stores["new"] / "catalog.json").read_bytes()
    (path / ".catalog.json.0badf00d.tmp").write_bytes(new_catalog[: len(new_catalog) // 2])
    (path / ".catalog.json.1badf00d.old.tmp").write_bytes(b"")
    new_members = members_file(stores["new"])
    (path / "members" / f".{new_members.name}.2badf00d.tmp").write_bytes(
        new_members.read_bytes()[:100]
    )
    shutil.copy(new_members, path / "members" / new_members.name)  # written, never committed
    tmps, orphans = leftovers(path)
    assert len(tmps) == 3 and len(orphans) == 1
    assert snapshot(Store(path)) == old_state
    result = run_cli("--db", path, "list")
    assert result.returncode == 0 and "A  300 / 10,000" in result.stdout
    assert leftovers(path) == (tmps, orphans)  # readers never delete anything
    Store(path).add_members("B", [Member({"phone": in_number(77), "name": "x"}, in_number(77))])
    assert leftovers(path) == (set(), set())
    assert len(Store(path).members("A")) == 300
