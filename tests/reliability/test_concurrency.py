"""Several processes writing one audience at once: no member lost, the limit never broken.

Four real processes start together (they wait for a "go" file) and add members to the
same audience. The store's lock must serialise them: every add returns a distinct member
count, the final audience holds exactly the members that were reported added, no number
twice, and every process, once all are done, sees the same final audience (the others'
writes included). Against the 10,000 limit, the refusals are `LimitExceeded` and the
audience never holds more than 10,000.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from core.audience import MEMBER_LIMIT, Member
from core.store import Store

from ._support import PYTHON, ROOT, SCRIPTS, leftovers, subprocess_env, us_number

ADDER = SCRIPTS / "concurrent_adder.py"
WORKERS = 4


def _seed(store: Store, size: int) -> None:
    members = [
        Member({"phone": us_number(i), "name": "seed"}, us_number(i), "US", "fixed_line_or_mobile")
        for i in range(size)
    ]
    store.create("Shared", ["phone", "name"], "phone", members)


def _race(tmp_path: Path, store: Store, per_worker: int, batch: int) -> list[dict[str, Any]]:
    sync = tmp_path / "sync"
    sync.mkdir()
    procs = [
        subprocess.Popen(
            [
                PYTHON,
                str(ADDER),
                str(store.path),
                "Shared",
                str(w),
                str(w * 10_000),
                str(per_worker),
                str(batch),
                str(sync),
                str(WORKERS),
            ],
            cwd=str(ROOT),
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    time.sleep(0.5)  # let every worker import and reach the start line
    (sync / "go").write_text("go")
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    return results


def _check_common(results: list[dict[str, Any]], store: Store, base: int) -> list[str]:
    audience, members = store.load("Shared")
    keys = [m.e164 for m in members]
    assert len(keys) == len(set(keys)), "a number appears twice"
    added = [n for r in results for n in r["added"]]
    assert len(added) == len(set(added))
    # Exactly the members reported added, none lost, none extra.
    assert audience.member_count == len(members) == base + len(added)
    assert set(keys[base:]) == set(added)
    # Serialised: every successful add saw a different count, all within the limit.
    counts = [c for r in results for c in r["seen_counts"]]
    assert len(counts) == len(set(counts))
    assert max(counts, default=base) == audience.member_count <= MEMBER_LIMIT
    # Each process, after all were done, saw the same final audience: everyone's writes.
    for r in results:
        assert r["final_count"] == audience.member_count
        assert r["final_keys"] == keys
    assert leftovers(store.path) == (set(), set())
    return keys


def test_four_processes_add_250_members_each_one_by_one(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    _seed(store, 100)
    results = _race(tmp_path, store, per_worker=250, batch=1)
    keys = _check_common(results, store, base=100)
    assert len(keys) == 100 + 1_000
    for r in results:
        assert len(r["added"]) == 250 and r["refused"] == {}
    # Every count from 101 to 1,100 was returned exactly once, across the processes.
    assert sorted(c for r in results for c in r["seen_counts"]) == list(range(101, 1_101))
    # How interleaved the run was (scheduling decides; reported, not asserted).
    jumps = sum(
        1
        for r in results
        for a, b in zip(r["seen_counts"], r["seen_counts"][1:], strict=False)
        if b - a > 1
    )
    print(
        f"1,000 concurrent adds: final {len(keys):,} members, all unique; "
        f"{jumps} times a process saw others' members arrive between two of its adds"
    )


@pytest.mark.parametrize(
    ("base", "per_worker", "batch"), [(9_900, 50, 1), (9_900, 60, 20), (9_990, 5, 5)]
)
def test_race_against_the_limit(tmp_path: Path, base: int, per_worker: int, batch: int) -> None:
    store = Store(tmp_path / "store")
    _seed(store, base)
    results = _race(tmp_path, store, per_worker=per_worker, batch=batch)
    keys = _check_common(results, store, base=base)
    assert len(keys) <= MEMBER_LIMIT
    attempts = WORKERS * (per_worker // batch)
    successes = sum(len(r["seen_counts"]) for r in results)
    refusals = sum(r["refused"].get("LimitExceeded", 0) for r in results)
    assert all(set(r["refused"]) <= {"LimitExceeded"} for r in results), results
    assert successes + refusals == attempts
    # Batches are all or nothing; the audience ends as full as whole batches allow.
    room = MEMBER_LIMIT - base
    assert len(keys) - base == successes * batch
    assert room - batch < successes * batch <= room
    for r in results:
        for message in r["refusal_messages"]:
            assert (
                message.startswith("nothing was added: the audience has ") and "at most" in message
            )
    print(
        f"limit race from {base:,}: {successes} adds of {batch}, {refusals} refused, "
        f"final {len(keys):,}"
    )
