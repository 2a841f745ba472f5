"""Ready-to-dial figures: `hours` and `split` on 10k and 1M rows.

`uv run python -m benchmarks.ready_bench [--repeats 3] [--quick]` prints medians. Data is
seeded: a 4-zone US audience of 10,000 members (New York, Chicago, Denver, Los Angeles
area codes, plus Florida/Oklahoma/Washington ones), 1,000,000 such numbers for the core
function, and benchmarks/data's contact files for `split`. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from benchmarks.data import DATA, contact_csv

ROOT = Path(__file__).resolve().parent.parent
AT = datetime.fromisoformat("2026-12-02T15:30:00Z")
# Area codes by zone: Eastern, Central, Mountain, Pacific (and FL/OK/WA among them).
AREA_CODES = {
    "America/New_York": ["212", "718", "617", "404", "305", "407"],
    "America/Chicago": ["312", "214", "713", "405", "918", "612"],
    "America/Denver": ["303", "720", "801", "505"],
    "America/Los_Angeles": ["310", "415", "213", "206", "503", "702"],
}


def us_numbers(n: int, seed: int = 7) -> list[str]:
    """n distinct valid US numbers spread over four zones (checked with the library)."""
    import phonenumbers

    rng = random.Random(seed)
    codes = [c for codes in AREA_CODES.values() for c in codes]
    out: set[str] = set()
    while len(out) < n:
        number = f"+1{rng.choice(codes)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        if number not in out and phonenumbers.is_valid_number(phonenumbers.parse(number)):
            out.add(number)
    return sorted(out, key=lambda _: rng.random())


def us_csv(n: int) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"us4zones_{n}.csv"
    if not path.exists():
        rows = "".join(f"{p},Person {i},Acme {i % 97}\n" for i, p in enumerate(us_numbers(n)))
        path.write_text("phone,name,company\n" + rows)
    return path


def median_of(runs: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _ms(runs: int, job: Callable[[], object]) -> str:
    return f"{median_of(runs, job) * 1000:.0f} ms"


def _s(runs: int, job: Callable[[], object]) -> str:
    return f"{median_of(runs, job):.2f} s"


def command(*args: str | Path, db: Path) -> None:
    exe = Path(sys.executable).parent / "audiences"
    out = subprocess.run(
        [str(exe), *map(str, args)],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "AUDIENCES_DB": str(db)},
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100k rows instead of 1M")
    args = parser.parse_args()
    big = 100_000 if args.quick else 1_000_000
    runs = args.repeats

    import polars as pl

    from core.hours import hours_report, member_hours
    from core.phones import judge_column
    from core.reading import read_file
    from core.split import apply_split, plan_split
    from core.store import Store

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store"
        store = Store(db)
        table = read_file(us_csv(10_000))
        split = plan_split(table, "phone", "US")
        apply_split(store, split)  # one audience, "US 1"
        _, members = store.load("US 1")
        e164 = [m.e164 for m in members]
        types = [m.number_type for m in members]

        def report() -> object:
            loaded = store.load("US 1")[1]
            return hours_report(
                [m.e164 for m in loaded],
                [m.number_type for m in loaded],
                at=AT,
                us_state_rules=True,
            )

        def frame() -> object:
            return member_hours(e164, types, at=AT, us_state_rules=True)

        def hours_command() -> None:
            command("hours", "US 1", "--at", AT.isoformat(), "--us-state-rules", "--json", db=db)

        rows.append(("hours 10k 4-zone audience in-process (load + report)", _ms(runs, report)))
        rows.append(("hours 10k, member_hours only (the app's per-member frame)", _ms(runs, frame)))
        rows.append(
            ("`audiences hours --us-state-rules --json`, 10k, command", _s(runs, hours_command))
        )

        numbers = pl.Series(us_numbers(big, seed=9))
        kinds = judge_column(numbers, with_hints=False)["number_type"]

        def big_frame() -> object:
            return member_hours(numbers, kinds, at=AT, us_state_rules=True)

        rows.append(
            (f"member_hours on {big:,} US numbers (4 zones) in-process", _s(runs, big_frame))
        )
        world = judge_column(read_file(contact_csv(big)).frame["phone"], with_hints=False)
        world = world.filter(pl.col("valid"))

        def world_frame() -> object:
            return member_hours(world["e164"], world["number_type"], at=AT)

        rows.append(
            (
                f"member_hours on {world.height:,} numbers of 240 regions in-process",
                _s(runs, world_frame),
            )
        )

        tag = iter(range(10**6))
        for n in (10_000, big):
            path = contact_csv(n)

            def in_process(path: Path = path) -> None:
                target = Store(Path(tmp) / f"split-{next(tag)}")
                apply_split(target, plan_split(read_file(path), "phone", "Split"))

            def as_command(path: Path = path, *extra: str) -> None:
                db = Path(tmp) / f"cmd-{next(tag)}"
                command("split", path, "--name", "Split", "--phone-column", "phone", *extra, db=db)

            rows.append((f"split {n:,} rows in-process (read, judge, write)", _s(runs, in_process)))
            rows.append((f"`audiences split` {n:,} rows, command", _s(runs, as_command)))
            rows.append(
                (
                    f"`audiences split --by zone` {n:,} rows, command",
                    _s(runs, lambda path=path: as_command(path, "--by", "zone")),
                )
            )

    width = max(len(r[0]) for r in rows)
    print(f"median of {runs} runs, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
