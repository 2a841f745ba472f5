"""Store figures: add one member to a 10k audience in a store of 100 such audiences, list."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from core.audience import Audience, Member
from core.member_check import check_member
from core.store import Store


def build_store(path: Path, audiences: int = 100, members: int = 10_000) -> Store:
    """A store of `audiences` audiences of `members` members (9,999 in the last one)."""
    store = Store(path)
    for a in range(audiences):
        count = members - 1 if a == audiences - 1 else members
        rows = [
            Member(
                {
                    "phone": f"+1{201 + n // 10_000:03d}555{n % 10_000:04d}",
                    "name": f"P{n}",
                    "city": "X",
                },
                f"+1{201 + n // 10_000:03d}555{n % 10_000:04d}",
                "US",
                "fixed_line_or_mobile",
            )
            for n in range(count)
        ]
        store.create(f"audience {a:03d}", ["phone", "name", "city"], "phone", rows, ["phone"])
    return store


def _one(audience: Audience, keys: set[str], phone: str) -> list[Member]:
    result = check_member(audience, {"phone": phone, "name": "New", "city": "Y"}, keys)
    assert result.member is not None, result.problems
    return [result.member]


def run(repeats: int = 15) -> list[tuple[str, float, str]]:
    """Median milliseconds of: add one member (checked + written), list audiences."""
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(Path(tmp) / "store")
        target = "audience 099"
        adds, writes, lists, loads = [], [], [], []
        for i in range(repeats):
            phone = f"+1415555{i:04d}"
            start = time.perf_counter()
            _, added = store.add_checked(target, lambda a, keys, p=phone: _one(a, keys, p))
            adds.append(time.perf_counter() - start)
            store.remove_members(target, [added[0].e164])
            member = added[0]
            start = time.perf_counter()
            store.add_members(target, [member])
            writes.append(time.perf_counter() - start)
            store.remove_members(target, [member.e164])
            start = time.perf_counter()
            store.list_audiences()
            lists.append(time.perf_counter() - start)
            start = time.perf_counter()
            store.load(target)
            loads.append(time.perf_counter() - start)
        size = sum(f.stat().st_size for f in (Path(tmp) / "store").rglob("*") if f.is_file())
    note = f"store of 100 x 10k members, {size / 1024**2:,.0f} MiB on disk"
    return [
        (
            "store: add one member (read+check+write, one lock)",
            statistics.median(adds) * 1000,
            note,
        ),
        (
            "store: add_members of one already-checked member",
            statistics.median(writes) * 1000,
            note,
        ),
        ("store: list audiences", statistics.median(lists) * 1000, note),
        ("store: load one 10k audience", statistics.median(loads) * 1000, note),
    ]


if __name__ == "__main__":
    for name, ms, note in run():
        if ms:
            print(f"{name:60s} {ms:8.1f} ms  {note}")
