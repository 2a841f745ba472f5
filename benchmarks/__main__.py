"""Run the benchmarks and print a table: `uv run python -m benchmarks [--quick]`.

Data is generated deterministically (seeded) under benchmarks/data/. Each scenario runs
with its baseline in the same process, alternated (A/B/A/B...), and medians are shown.
Timing figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import baselines
from benchmarks.data import contact_csv

ROOT = Path(__file__).resolve().parent.parent


def check_in_process(path: Path, *, as_json: bool = False) -> dict[str, int]:
    """What `audiences check FILE` computes: read, profile every column, judge every row
    (verdict, region, E.164, repeats), count; the hints of the 20 problem rows it prints.
    With `as_json`, what `check --json` adds: every problem row with its hint, as JSON."""
    from core.plan import plan_check
    from core.profile import profile_table
    from core.reading import read_file

    table = read_file(path)
    profile = profile_table(table)
    assert profile.suggested_phone_column is not None
    plan = plan_check(table, profile.suggested_phone_column, profile=profile)
    counts = {
        "valid": plan.new,
        "invalid": plan.invalid,
        "duplicates": plan.duplicates_in_file,
        "reasons": len(plan.invalid_by_reason()),
        "regions": len(plan.regions()),
    }
    if as_json:
        counts["problems"] = len(plan.problems_frame().write_json())
    else:
        counts["problems"] = len(plan.problems(20))
    return counts


def check_command(path: Path) -> None:
    """`audiences check FILE` as a user runs it: a fresh process, imports included."""
    exe = Path(sys.executable).parent / "audiences"
    out = subprocess.run([str(exe), "check", str(path)], capture_output=True, cwd=ROOT)
    if out.returncode not in (0, 1):
        raise RuntimeError(f"audiences check failed with exit code {out.returncode}")


def alternate(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each callable, run in turn `repeats` times (A/B alternated)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def peak_memory_of_check(path: Path) -> float:
    """Peak RSS (MiB) of a fresh process running the check on `path`.

    Linux's VmHWM is the peak of the process's own memory. (ru_maxrss is not: it keeps
    the high-water mark of the process image replaced by exec, so a child started from
    a large parent, as this benchmark's is after the check scenario, reported the
    parent's size.)
    """
    code = (
        "import re, resource\n"
        "from pathlib import Path\n"
        "from benchmarks.__main__ import check_in_process\n"
        f"check_in_process(Path({str(path)!r}))\n"
        "status = Path('/proc/self/status')\n"
        "found = (re.search(r'VmHWM:\\s+(\\d+) kB', status.read_text())\n"
        "         if status.exists() else None)\n"
        "print(found.group(1) if found else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def help_time(repeats: int) -> tuple[float, float]:
    """Median seconds of `audiences --help` and of a bare `python -c pass`."""
    exe = Path(sys.executable).parent / "audiences"
    runs = {
        "help": lambda: subprocess.run([str(exe), "--help"], capture_output=True, check=True),
        "python": lambda: subprocess.run(
            [sys.executable, "-c", "pass"], capture_output=True, check=True
        ),
    }
    medians = alternate(runs, repeats)
    return medians["help"], medians["python"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="100k rows instead of 1M, fewer repeats"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--only",
        help="comma-separated scenario keys: "
        "cmd10k,first,cmd1m,launch,check,limit,memory,help,store,grid,diff",
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help="also the long run: `audiences check` on 10 million rows (about 500 MB)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    big = 100_000 if args.quick else 1_000_000
    only = set(args.only.split(",")) if args.only else None
    rows: list[tuple[str, str, str, str, str]] = []

    def want(key: str) -> bool:
        return only is None or key in only

    def add(scenario: str, ours: str, baseline: str, ratio: str, memory: str = "") -> None:
        rows.append((scenario, ours, baseline, ratio, memory))
        print(f"  {scenario}: {ours} | {baseline} | {ratio} {memory}", file=sys.stderr, flush=True)

    from benchmarks import targets

    # Issue 12's targets first: whole processes beside their baselines.
    if want("cmd10k"):
        for row in targets.check_vs_naive(contact_csv(10_000), max(7, args.repeats), "10,000 rows"):
            add(*row)
        for row in targets.installed_vs_naive(
            contact_csv(10_000), max(7, args.repeats), "10,000 rows"
        ):
            add(*row)
        # The same on a one-country file (every number valid, one region's regexes): the
        # script is fastest there, so the command's fixed costs weigh most.
        from benchmarks.ready_bench import us_csv

        one_country = targets.check_vs_naive(
            us_csv(10_000),
            max(7, args.repeats),
            "10,000 US numbers (one country)",
            without_bytecode=False,
        )
        for row in one_country:
            add(*row)
    if want("first"):
        add(*targets.first_verdict(max(7, args.repeats)))
    if want("cmd1m"):
        label = f"{big:,} rows"
        for row in targets.check_vs_naive(
            contact_csv(big), args.repeats, label, without_bytecode=False
        ):
            add(row[0].replace("ratio <= 1.0", "ratio <= 0.05, 20x faster"), *row[1:])
        add(*targets.floor_vs_naive(contact_csv(big), args.repeats, label))
    if want("launch"):
        launched = targets.app_launch(max(5, args.repeats))
        if launched is not None:
            add(*launched)
    if args.large:
        for row in targets.large_file(10_000_000):
            add(*row)
    if want("check"):
        path = contact_csv(big)
        check_in_process(path)  # warm imports and caches once, as a running app would be
        check_in_process(path, as_json=True)
        medians = alternate(
            {
                "ours": lambda: check_in_process(path),
                "json": lambda: check_in_process(path, as_json=True),
                "command": lambda: check_command(path),
                "polars": lambda: baselines.polars_read(path),
                "loop": lambda: baselines.per_row_loop(path),
            },
            args.repeats if args.quick else max(1, args.repeats - 1),
        )
        add(
            f"check {big:,} rows in-process (all verdicts + profile) "
            "vs per-row csv+phonenumbers loop",
            f"{medians['ours']:.2f} s",
            f"{medians['loop']:.2f} s",
            f"{medians['loop'] / medians['ours']:.1f}x faster",
        )
        add(
            f"check {big:,} rows in-process vs polars read_csv alone (floor)",
            f"{medians['ours']:.2f} s",
            f"{medians['polars']:.3f} s",
            f"{medians['ours'] / medians['polars']:.1f}x the floor",
        )
        add(
            f"check --json {big:,} rows in-process (+ every problem row's hint, as JSON)",
            f"{medians['json']:.2f} s",
            f"{medians['loop']:.2f} s",
            f"{medians['loop'] / medians['json']:.1f}x faster",
        )
        add(
            f"`audiences check` {big:,} rows as a command "
            "(fresh process: imports, metadata, regex compiles)",
            f"{medians['command']:.2f} s",
            f"{medians['loop']:.2f} s",
            f"{medians['loop'] / medians['command']:.1f}x faster",
        )
    if want("limit"):
        path = contact_csv(10_000)
        check_in_process(path)
        medians = alternate(
            {"ours": lambda: check_in_process(path), "loop": lambda: baselines.per_row_loop(path)},
            max(5, args.repeats),
        )
        add(
            "check 10,000 rows in-process",
            f"{medians['ours'] * 1000:.0f} ms",
            f"{medians['loop'] * 1000:.0f} ms",
            f"{medians['loop'] / medians['ours']:.1f}x faster",
        )
    if want("memory"):
        path = contact_csv(big)
        mib = peak_memory_of_check(path)
        add(f"peak memory, check {big:,} rows", f"{mib:,.0f} MiB", "", "", f"{mib:,.0f} MiB")
    if want("help"):
        ours, python = help_time(max(10, args.repeats))
        add(
            "audiences --help",
            f"{ours * 1000:.0f} ms",
            f"{python * 1000:.0f} ms (python -c pass)",
            f"{ours / python:.1f}x bare python",
        )
    if want("store"):
        from benchmarks import store_bench

        for name, ms, note in store_bench.run():
            add(name, f"{ms:.1f} ms", "", "", note)
    if want("grid") or want("diff"):
        try:
            from benchmarks import tui_bench
        except ImportError as exc:
            add("grid / diff view", "not available", str(exc), "")
        else:
            for row in tui_bench.run(big, grid=want("grid"), diff=want("diff")):
                add(*row)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nmachine: {machine}; load average {os.getloadavg()[0]:.2f}")
    print("| scenario | this project | baseline | ratio | peak memory |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
