"""Issue 12's targets, each measured as a whole process beside its baseline.

Every pair runs alternated (A B A B ...) after one warm-up of each, and the medians of
wall time and of the ratio pair by pair are printed: the machine is shared, so ratios
measured in the same run are what to compare, not absolute times.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "audiences"
NAIVE = Path(__file__).resolve().parent / "naive_check.py"

Row = tuple[str, str, str, str, str]


def _timed(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, cwd=ROOT, env=env)
    return time.perf_counter() - start


def pair(
    a: Sequence[str], b: Sequence[str], repeats: int, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Median seconds of A, of B, and the median of A/B pair by pair (one warm-up each)."""
    _timed(a, env), _timed(b, env)
    times_a, times_b = [], []
    for _ in range(repeats):
        times_a.append(_timed(a, env))
        times_b.append(_timed(b, env))
    ratios = [x / y for x, y in zip(times_a, times_b, strict=True)]
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def _project_bytecode(present: bool) -> None:
    """Compile the project's own modules (as an installed wheel has them), or remove
    their bytecode (an editable checkout under PYTHONDONTWRITEBYTECODE=1)."""
    for folder in ("core", "tui"):
        if present:
            subprocess.run([sys.executable, "-m", "compileall", "-q", folder], cwd=ROOT, check=True)
        else:
            for cache in (ROOT / folder).rglob("__pycache__"):
                shutil.rmtree(cache, ignore_errors=True)


def check_vs_naive(
    path: Path, repeats: int, label: str, *, without_bytecode: bool = True
) -> Iterator[Row]:
    """`audiences check FILE` against the naive per-row script, whole processes: under
    PYTHONDONTWRITEBYTECODE=1 without the project's bytecode (when `without_bytecode`),
    then with it."""
    ours = [str(EXE), "check", str(path)]
    naive = [sys.executable, str(NAIVE), str(path)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if without_bytecode:
        _project_bytecode(False)
        a, b, ratio = pair(ours, naive, repeats, env)
        yield (
            f"`audiences check` {label}, PYTHONDONTWRITEBYTECODE=1, no project bytecode "
            "(editable checkout) vs naive script (target: ratio <= 1.0)",
            f"{a:.2f} s",
            f"{b:.2f} s",
            f"{ratio:.2f}x the naive time",
            "",
        )
    _project_bytecode(True)
    a, b, ratio = pair(ours, naive, repeats, env)
    yield (
        f"`audiences check` {label}, bytecode present (as installed) vs naive script "
        "(target: ratio <= 1.0)",
        f"{a:.2f} s",
        f"{b:.2f} s",
        f"{ratio:.2f}x the naive time",
        "",
    )


def installed_vs_naive(path: Path, repeats: int, label: str) -> Iterator[Row]:
    """`audiences check FILE` from a copy installed as an image installs it (`uv sync
    --no-editable --compile-bytecode`: the project's modules are compiled with the rest),
    under PYTHONDONTWRITEBYTECODE=1, beside the naive script run by the same interpreter."""
    uv = shutil.which("uv")
    if uv is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
        env.pop("VIRTUAL_ENV", None)
        command = [uv, "sync", "--frozen", "--no-editable", "--compile-bytecode", "--no-dev"]
        subprocess.run([*command, "--quiet"], cwd=ROOT, env=env, check=True)
        ours = [str(venv / "bin" / "audiences"), "check", str(path)]
        naive = [str(venv / "bin" / "python"), str(NAIVE), str(path)]
        run_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        a, b, ratio = pair(ours, naive, repeats, run_env)
    yield (
        f"`audiences check` {label}, PYTHONDONTWRITEBYTECODE=1, installed with "
        "`uv sync --no-editable --compile-bytecode` (as an image) vs naive script "
        "(target: ratio <= 1.0)",
        f"{a:.2f} s",
        f"{b:.2f} s",
        f"{ratio:.2f}x the naive time",
        "",
    )


_FLOOR = """
import os, sys
import polars as pl
from core.phones import judge_column
frame = pl.read_csv(sys.argv[1], infer_schema=False)
verdicts = judge_column(frame["phone"], with_hints=False, types=False)
key = verdicts["e164"].str.slice(1).cast(pl.Int128)
repeats = int((~key.is_first_distinct() & key.is_not_null()).sum())
print(int(verdicts["valid"].sum()) - repeats, repeats)
sys.stdout.flush()
os._exit(0)
"""


def floor_vs_naive(path: Path, repeats: int, label: str) -> Row:
    """The least any report of the file costs, whole process: import, read, one verdict
    per row and the repeats (no profile of the columns, no statuses, no hints, no fix
    count, no regions), beside the naive script: how far the 20x target is from the
    stack's floor on this machine."""
    floor = [sys.executable, "-c", _FLOOR, str(path)]
    naive = [sys.executable, str(NAIVE), str(path)]
    a, b, ratio = pair(floor, naive, repeats)
    return (
        f"floor of any report, {label}: import, read, verdicts, repeats only, whole process "
        "(not the product; the 20x target needs ratio <= 0.05)",
        f"{a:.2f} s",
        f"{b:.2f} s",
        f"{ratio:.3f}x the naive time ({1 / ratio:.1f}x faster)",
        "",
    )


_FIRST = """
import sys, time
import polars as pl
import core.phones as phones
values = pl.Series(["+442071838750", "+447911123456", "07911 123456", "+12025550123", ""])
judge = phones.judge_column if sys.argv[1] == "vector" else phones.judge_column_reference
start = time.perf_counter()
judge(values, hint_regions=("GB",), fix_region="GB")
print(time.perf_counter() - start)
"""


def first_verdict(repeats: int) -> Row:
    """The first `judge_column` of a 5-value column in a fresh process (imports done),
    beside the per-value reference (phonenumbers) in a fresh process."""
    times: dict[str, list[float]] = {"vector": [], "reference": []}
    for _ in range(repeats + 1):
        for kind, found in times.items():
            out = subprocess.run(
                [sys.executable, "-c", _FIRST, kind],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            found.append(float(out.stdout.strip().splitlines()[-1]))
    ours = statistics.median(times["vector"][1:])
    reference = statistics.median(times["reference"][1:])
    return (
        "first verdict of a 5-value column, fresh process, imports done (target: < 50 ms)",
        f"{ours * 1000:.0f} ms",
        f"{reference * 1000:.0f} ms (per-value phonenumbers)",
        f"{ours / reference:.1f}x the per-value time",
        "",
    )


_HELLO = """
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("Last change")
Hello().run()
"""


def _launch(command: str, text: str, folder: Path) -> float:
    """Seconds from starting `command` in a fresh tmux session until it shows `text`."""
    socket = str(folder / f"tmux-{time.monotonic_ns()}.sock")  # a fresh server each time
    tmux = ["tmux", "-S", socket]
    start = time.perf_counter()
    subprocess.run(
        [*tmux, "-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "100", "-y", "32"]
        + ["-e", "TERM=xterm-256color", command],
        check=True,
        cwd=folder,
    )
    try:
        while True:
            shown = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            if text in shown:
                return time.perf_counter() - start
            if time.perf_counter() - start > 30:
                raise RuntimeError(f"{command!r} never showed {text!r}")
            time.sleep(0.005)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def app_launch(repeats: int) -> Row | None:
    """`audiences` on a seeded store until the audience list is painted, in tmux; beside
    a one-widget Textual app until it is painted (Textual's own floor)."""
    if shutil.which("tmux") is None:
        return None
    from core.demo import seed_demo
    from core.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seed_demo(Store(folder / "store"), folder / "samples")
        hello = folder / "hello.py"
        hello.write_text(_HELLO)
        ours = f"{EXE} --db {folder / 'store'}"
        floor = f"{sys.executable} {hello}"
        times: dict[str, list[float]] = {"ours": [], "floor": []}
        for i in range(repeats + 1):
            for name, command in (("ours", ours), ("floor", floor)):
                found = _launch(command, "Last change", folder)
                if i:
                    times[name].append(found)
    a, b = statistics.median(times["ours"]), statistics.median(times["floor"])
    return (
        "app launch to first paint of the audience list, tmux, whole process (target: < 0.6 s)",
        f"{a:.2f} s",
        f"{b:.2f} s (one-widget Textual app)",
        f"{a / b:.1f}x the floor",
        "",
    )


def _peak_and_time(command: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a whole process, by /usr/bin/time -v."""
    timer = shutil.which("time") or "/usr/bin/time"
    start = time.perf_counter()
    out = subprocess.run([timer, "-v", *command], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
    return wall, (int(found.group(1)) / 1024 if found else float("nan"))


def large_file(rows: int) -> Iterator[Row]:
    """`audiences check` on a file read in batches (10M rows: about 500 MB), whole
    process: time and peak memory; and µs per row beside the batched path on 1M rows
    (forced, in-process) for linearity."""
    from benchmarks.data import contact_csv, large_contact_csv

    path = large_contact_csv(rows)
    wall, peak = _peak_and_time([str(EXE), "check", str(path)])
    size = path.stat().st_size / 1024**2
    yield (
        f"`audiences check` {rows:,} rows ({size:,.0f} MB, read in batches), whole process "
        "(target: peak < 1.5 GB, time linear in rows)",
        f"{wall:.1f} s, {wall / rows * 1e6:.2f} us/row",
        "",
        "",
        f"{peak:,.0f} MiB",
    )
    small = contact_csv(1_000_000)
    code = (
        "import time, sys\nfrom core.large import check_large\n"
        "t = time.perf_counter(); check_large(sys.argv[1])\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(small)], capture_output=True, text=True, cwd=ROOT
    )
    seconds = float(out.stdout.strip().splitlines()[-1])
    yield (
        "batched path on 1,000,000 rows in-process (linearity: us/row beside the row above)",
        f"{seconds:.1f} s, {seconds:.2f} us/row",
        "",
        "",
        "",
    )
