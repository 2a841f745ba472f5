"""I/O errors: a failed write, fsync or rename leaves the store byte-identical to before.

For every store operation, the test first counts the `os.write`, `os.fsync` and
`os.replace` calls the whole operation makes, then re-runs it on a fresh copy of the same
store once per call and per errno (ENOSPC, EIO), failing exactly that call. Each time:
`StoreWriteFailed` with a clear message, every store file byte-identical, no temporary
file, and the store still usable (the same operation then succeeds). The file size limit
(`ulimit -f`, RLIMIT_FSIZE with SIGXFSZ ignored so writes fail with EFBIG) is tested in a
real process, through `Store` and through the command line.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import core.atomic
import core.store
from core.audience import Member
from core.errors import StoreWriteFailed
from core.export import export_to_file
from core.store import Store

from ._support import (
    in_number,
    leftovers,
    one_line_error,
    run_cli,
    run_python,
    store_bytes,
    us_number,
)

FAULTY = ("write", "fsync", "replace")
ERRNOS = (errno.ENOSPC, errno.EIO)


class FaultyOS:
    """Stands in for `os` inside the store's modules (core.atomic writes every file,
    core.store moves and syncs folders): counts calls and fails one of them."""

    def __init__(
        self,
        fail: str | None = None,
        at: int = 0,
        code: int = errno.EIO,
        also: tuple[str, int] | None = None,
    ) -> None:
        self.failing = {(fail, at)} | ({also} if also else set())
        self.code = code
        self.calls = dict.fromkeys(FAULTY, 0)

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in FAULTY:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            if (name, self.calls[name]) in self.failing:
                raise OSError(self.code, os.strerror(self.code))
            return real(*args, **kwargs)

        return call


def patch_os(mp: pytest.MonkeyPatch, faulty: FaultyOS) -> None:
    for module in (core.atomic, core.store):
        mp.setattr(module, "os", faulty)


def member(i: int, name: str = "x") -> Member:
    return Member(
        {"phone": us_number(i), "name": f"{name} {i}"}, us_number(i), "US", "fixed_line_or_mobile"
    )


def in_member(i: int) -> Member:
    return Member({"phone": in_number(i), "name": f"n{i}"}, in_number(i), "IN", "mobile")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with two audiences: 'A' (300 members) and 'B' (40 members)."""
    path = tmp_path_factory.mktemp("template") / "store"
    store = Store(path)
    store.create("A", ["phone", "name"], "phone", [member(i) for i in range(300)], ["name"])
    store.create("B", ["phone", "name"], "phone", [in_member(i) for i in range(40)])
    return path


def _export(store: Store) -> None:
    audience, members = store.load("A")
    export_to_file(audience, members, store.path / "export.csv")


OPERATIONS: dict[str, Callable[[Store], Any]] = {
    "create": lambda s: s.create(
        "C", ["phone", "name"], "phone", [member(i, "c") for i in range(500, 520)]
    ),
    "create empty": lambda s: s.create("E", ["phone", "name"], "phone", []),
    "add": lambda s: s.add_members("A", [member(i) for i in range(300, 310)]),
    "edit": lambda s: s.update_member("A", us_number(5), member(5, "edited")),
    "edit number": lambda s: s.update_member("A", us_number(5), member(9000)),
    "remove": lambda s: s.remove_members("A", [us_number(1), us_number(2), us_number(3)]),
    "insert": lambda s: s.insert_members("B", [(0, in_member(500)), (7, in_member(501))]),
    "rename": lambda s: s.rename("A", "A renamed"),
    "delete": lambda s: s.delete("B"),
    "export over a file": _export,
}


def _fresh(template: Path, tmp_path: Path, n: int) -> Store:
    path = tmp_path / f"s{n}" / "store"
    shutil.copytree(template, path)
    (path / "export.csv").write_bytes(b"old export\n")
    return Store(path)


def _count_calls(
    template: Path, tmp_path: Path, operation: Callable[[Store], Any]
) -> dict[str, int]:
    store = _fresh(template, tmp_path, 0)
    faulty = FaultyOS()
    with pytest.MonkeyPatch.context() as mp:
        patch_os(mp, faulty)
        operation(store)
    return faulty.calls


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_every_failing_call_leaves_the_store_unchanged(
    name: str, template: Path, tmp_path: Path
) -> None:
    operation = OPERATIONS[name]
    calls = _count_calls(template, tmp_path, operation)
    assert calls["write"] and calls["fsync"] and calls["replace"]
    cases = 0
    for fail in FAULTY:
        for at in range(1, calls[fail] + 1):
            for code in ERRNOS:
                cases += 1
                store = _fresh(template, tmp_path, cases)
                before = store_bytes(store.path)
                with pytest.MonkeyPatch.context() as mp:
                    patch_os(mp, FaultyOS(fail, at, code))
                    with pytest.raises(StoreWriteFailed) as caught:
                        operation(store)
                where = f"{name}: {fail} #{at} failing with {errno.errorcode[code]}"
                reason = "the disk is full" if code == errno.ENOSPC else "an I/O error occurred"
                kept = (
                    "export.csv was not written (a file there is unchanged)"
                    if name == "export over a file"
                    else "the store still holds its previous state"
                )
                assert caught.value.message == f"could not save: {reason}; {kept}", where
                assert store_bytes(store.path) == before, where
                assert leftovers(store.path)[0] == set(), where
                # Still usable: the same operation now goes through.
                operation(store)
    print(f"{name}: {cases} injected failures ({calls})")
    assert cases == 2 * sum(calls.values())


def test_failed_undo_says_the_change_may_be_saved(template: Path, tmp_path: Path) -> None:
    """Double fault: the catalog's folder fsync fails, then putting the old catalog back
    fails too. The error must not claim the old state, and the store must stay whole."""
    operation = OPERATIONS["add"]
    calls = _count_calls(template, tmp_path, operation)
    store = _fresh(template, tmp_path, 1)
    with pytest.MonkeyPatch.context() as mp:
        patch_os(
            mp,
            FaultyOS("fsync", calls["fsync"], errno.EIO, also=("replace", calls["replace"] + 1)),
        )
        with pytest.raises(StoreWriteFailed) as caught:
            operation(store)
    assert caught.value.changed
    assert caught.value.message == (
        "could not confirm the save: an I/O error occurred; check the change before repeating it"
    )
    # The new state is in place and whole (never a catalog pointing to a missing file).
    assert Store(store.path).get("A").member_count == 310
    assert len(Store(store.path).members("A")) == 310
    assert leftovers(store.path)[0] == set()


def test_failure_creating_a_new_store_leaves_no_catalog(tmp_path: Path) -> None:
    calls = _count_calls_fresh(tmp_path)
    for fail in FAULTY:
        for at in range(1, calls[fail] + 1):
            path = tmp_path / f"{fail}{at}" / "store"
            store = Store(path)
            with pytest.MonkeyPatch.context() as mp:
                patch_os(mp, FaultyOS(fail, at, errno.ENOSPC))
                with pytest.raises(StoreWriteFailed):
                    store.create(
                        "A", ["phone"], "phone", [Member({"phone": us_number(1)}, us_number(1))]
                    )
            state = store_bytes(path)
            # Either nothing was written, or only the empty catalog with its marker.
            assert "members" not in " ".join(state), (fail, at, state)
            assert store.list_audiences() == []
            assert leftovers(path)[0] == set()


def _count_calls_fresh(tmp_path: Path) -> dict[str, int]:
    store = Store(tmp_path / "count" / "store")
    faulty = FaultyOS()
    with pytest.MonkeyPatch.context() as mp:
        patch_os(mp, faulty)
        store.create("A", ["phone"], "phone", [Member({"phone": us_number(1)}, us_number(1))])
    return faulty.calls


# --- the file size limit (ulimit -f) in a real process ---------------------------------

ADD_UNDER_LIMIT = r"""
import json, sys
from core.audience import Member
from core.errors import AudiencesError
from core.store import Store
store = Store(sys.argv[1])
numbers = [f"+1202555{i:04d}" for i in range(300, 3300)]
new = [Member({"phone": n, "name": "y" * 40}, n) for n in numbers]
try:
    store.add_members("A", new)
except AudiencesError as exc:
    print(json.dumps({"error": type(exc).__name__, "message": exc.message}))
else:
    print(json.dumps({"error": None}))
"""


def _limit_file_size(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def _largest_file(path: Path) -> int:
    return max(len(b) for b in store_bytes(path).values())


@pytest.mark.parametrize("margin", [1, 2_000, 20_000])
def test_file_size_limit_through_store(template: Path, tmp_path: Path, margin: int) -> None:
    store = _fresh(template, tmp_path, margin)
    before = store_bytes(store.path)
    limit = _largest_file(store.path) + margin
    result = run_python(
        ["-c", ADD_UNDER_LIMIT, str(store.path)], preexec_fn=_limit_file_size(limit)
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome == {
        "error": "StoreWriteFailed",
        "message": "could not save: the file size limit was reached; "
        "the store still holds its previous state",
    }
    assert store_bytes(store.path) == before
    assert leftovers(store.path)[0] == set()


def test_file_size_limit_through_the_cli(template: Path, tmp_path: Path) -> None:
    store = _fresh(template, tmp_path, 1)
    csv = tmp_path / "more.csv"
    csv.write_text(
        "phone,name\n" + "".join(f"{us_number(i)},{'z' * 30}\n" for i in range(300, 2300))
    )
    before = store_bytes(store.path)
    limit = _largest_file(store.path) + 100
    result = run_cli("--db", store.path, "add", "A", csv, preexec_fn=_limit_file_size(limit))
    assert result.returncode == 2
    assert one_line_error(result.stderr), result.stderr
    assert result.stderr == (
        "audiences: could not save: the file size limit was reached; "
        "the store still holds its previous state\n"
    )
    assert store_bytes(store.path) == before
    assert leftovers(store.path)[0] == set()
    # Without the limit the same command goes through.
    done = run_cli("--db", store.path, "add", "A", csv)
    assert done.returncode == 0, done.stderr
    assert Store(store.path).get("A").member_count == 2_300


def test_disk_errors_through_the_cli(template: Path, tmp_path: Path) -> None:
    """ENOSPC/EIO injected into a real `audiences` process: exit 2, one sentence."""
    from ._support import SCRIPTS

    for code, reason in ((errno.ENOSPC, "the disk is full"), (errno.EIO, "an I/O error occurred")):
        store = _fresh(template, tmp_path, code)
        before = store_bytes(store.path)
        result = run_python(
            [
                str(SCRIPTS / "cli_with_fault.py"),
                f"fsync:2:{code}",
                "--db",
                str(store.path),
                "add-member",
                "A",
                f"phone={us_number(7000)}",
                "name=New",
            ]
        )
        assert result.returncode == 2
        assert result.stderr == (
            f"audiences: could not save: {reason}; the store still holds its previous state\n"
        )
        assert store_bytes(store.path) == before
        assert leftovers(store.path)[0] == set()
