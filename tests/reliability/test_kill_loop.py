"""Kill loop: `kill -9` a writing process at random moments; the store keeps old or new state.

A writer process (kill_writer.py) does random creates, member adds, edits, removes,
re-inserts, renames and deletes, logging each operation (fsync'd) before it starts and
after it committed. After every kill the test checks that:

- the store loads (every audience listed and loaded, counts matching);
- it holds exactly the state before or after the interrupted operation, computed by
  replaying the log on a plain-dict model (`_support.apply`), not by asking the store;
- at most one temporary file pair and one orphan members file exist (what a single
  interrupted write can leave), and the leftovers of the previous kill are gone once the
  next writer has committed an operation (the next writer cleans up);
- a last writer, run to completion, leaves no temporary or orphan file at all.

Kill moments come from a seeded generator; where they land in the writer's work still
depends on scheduling, so the run reports how many kills hit an operation in flight.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.store import Store

from ._support import PYTHON, ROOT, SCRIPTS, State, apply, leftovers, snapshot, subprocess_env

WRITER = SCRIPTS / "kill_writer.py"


@dataclass
class LoopReport:
    kills: int = 0
    in_flight: int = 0  # a logged operation had not been marked committed
    rolled_forward: int = 0  # ... and the store held its new state
    rolled_back: int = 0  # ... and the store held its old state
    between: int = 0  # no operation in flight
    cleanup_checks: int = 0
    committed_ops: int = 0
    max_audiences: int = 0
    max_members: int = 0
    ops_seen: dict[str, int] = field(default_factory=dict)


def _read_log(path: Path, offset: int) -> tuple[list[tuple[str, str, Any]], int]:
    """Complete log lines from `offset`: ("B", id, op) or ("C", id, None)."""
    data = path.read_bytes() if path.exists() else b""
    end = data.rfind(b"\n") + 1
    entries = []
    for line in data[offset:end].decode().splitlines():
        kind, op_id, *rest = line.split(" ", 2)
        entries.append((kind, op_id, json.loads(rest[0]) if rest else None))
    return entries, max(end, offset)


def _describe(state: State) -> str:
    return ", ".join(f"{name!r}: {len(a['members'])}" for name, a in sorted(state.items()))


def _start_writer(store: Path, log: Path, seed: int, errors: Path, max_ops: int = 0):
    return subprocess.Popen(
        [PYTHON, str(WRITER), str(store), str(log), str(seed), str(max_ops)],
        cwd=str(ROOT),
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=errors.open("ab"),
    )


def _wait_ready(writer: subprocess.Popen[bytes], errors: Path) -> None:
    """Until the writer says it has started (imports done, store read)."""
    assert writer.stdout is not None
    ready, _, _ = select.select([writer.stdout], [], [], 120)
    if not ready or writer.stdout.readline() != b"ready\n":
        writer.kill()
        writer.wait()
        pytest.fail(f"the writer did not start: {errors.read_text()[-2000:]}")


def _identity(store: Path, name: str) -> tuple[str, int, int]:
    """A leftover file's name, inode and modification time (a rewrite changes them)."""
    status = (store / name).stat()
    return name, status.st_ino, status.st_mtime_ns


def run_kill_loop(tmp_path: Path, kills: int, seed: int) -> LoopReport:
    rng = random.Random(seed)
    store_path = tmp_path / "store"
    log_path = tmp_path / "writer.log"
    errors = tmp_path / "writer.stderr"
    report = LoopReport()
    model: State = {}
    offset = 0
    previous_tmps: set[str] = set()
    previous_orphans: set[tuple[str, int, int]] = set()

    for k in range(kills):
        writer = _start_writer(store_path, log_path, seed * 100_000 + k, errors)
        _wait_ready(writer, errors)
        # Kill moments range over the first operation (with its clean-up) and the ones
        # after it; they are counted from the writer's start, not from its launch, so a
        # loaded machine's slow imports do not leave every kill before the first write.
        time.sleep(rng.uniform(0.0, 0.3))
        if writer.poll() is not None:
            pytest.fail(f"the writer stopped by itself: {errors.read_text()[-2000:]}")
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()  # type: ignore[union-attr]
        report.kills += 1

        entries, offset = _read_log(log_path, offset)
        pending: dict[str, Any] | None = None
        committed_now = 0
        for kind, _op_id, op in entries:
            if kind == "B":
                assert pending is None, "an operation began before the previous one committed"
                pending = op
            else:
                assert pending is not None
                model = apply(model, pending)
                report.ops_seen[pending["op"]] = report.ops_seen.get(pending["op"], 0) + 1
                pending = None
                committed_now += 1
        report.committed_ops += committed_now

        actual = snapshot(Store(store_path, lock_timeout=5))
        if pending is None:
            report.between += 1
            assert actual == model, f"kill {k}: store differs from the committed state"
        else:
            report.in_flight += 1
            after = apply(model, pending)
            if actual == model:
                report.rolled_back += 1
            elif actual == after:
                report.rolled_forward += 1
                report.ops_seen[pending["op"]] = report.ops_seen.get(pending["op"], 0) + 1
                model = after
            else:
                pytest.fail(
                    f"kill {k} during {pending['op']!r}: the store holds neither the state "
                    f"before ({_describe(model)}) nor after ({_describe(after)}) the "
                    f"operation, but {_describe(actual)}"
                )
        report.max_audiences = max(report.max_audiences, len(model))
        report.max_members = max([report.max_members, *(len(a["members"]) for a in model.values())])

        tmps, orphan_names = leftovers(store_path)
        # One interrupted write leaves at most a temporary file (plus, during a catalog
        # replace, its rollback link) and one members file the catalog does not point to.
        assert len(tmps) <= 2 and len(orphan_names) <= 1, (k, tmps, orphan_names)
        # A members file name comes back when the same generation is written again
        # after the orphan was removed: an orphan is its name and the file's identity.
        orphans = {_identity(store_path, name) for name in orphan_names}
        if committed_now:
            report.cleanup_checks += 1
            assert not previous_tmps & tmps, f"kill {k}: temporary files were not removed"
            assert not previous_orphans & orphans, f"kill {k}: orphan files were not removed"
        previous_tmps, previous_orphans = (
            (previous_tmps | tmps, previous_orphans | orphans)
            if not committed_now
            else (tmps, orphans)
        )

    # A last writer, left to finish: it cleans up and its operations all commit.
    final = _start_writer(store_path, log_path, seed * 100_000 + kills, errors, max_ops=5)
    assert final.wait(timeout=60) == 0, errors.read_text()[-2000:]
    final.stdout.close()  # type: ignore[union-attr]
    entries, offset = _read_log(log_path, offset)
    for kind, _op_id, op in entries:
        if kind == "B":
            model = apply(model, op)
    assert [e[0] for e in entries] == ["B", "C"] * 5
    assert snapshot(Store(store_path)) == model
    assert leftovers(store_path) == (set(), set())
    return report


def _summary(report: LoopReport) -> str:
    return (
        f"{report.kills} kills: {report.in_flight} during an operation "
        f"({report.rolled_back} kept the old state, {report.rolled_forward} the new), "
        f"{report.between} between operations; {report.committed_ops} operations committed "
        f"{report.ops_seen}; clean-up checked after {report.cleanup_checks} restarts; "
        f"up to {report.max_audiences} audiences and {report.max_members} members"
    )


def test_kill_loop(tmp_path: Path) -> None:
    report = run_kill_loop(tmp_path, kills=35, seed=20240601)  # 220 behind -m slow
    print(_summary(report))
    assert report.kills == 35
    # The loop is only worth its name if kills really landed inside operations.
    assert report.in_flight >= 10 and report.rolled_back and report.committed_ops >= 50


@pytest.mark.slow
def test_kill_loop_long(tmp_path: Path) -> None:
    report = run_kill_loop(tmp_path, kills=220, seed=77)
    print(_summary(report))
    assert report.kills == 220
    assert report.in_flight >= 50 and report.rolled_back and report.rolled_forward
