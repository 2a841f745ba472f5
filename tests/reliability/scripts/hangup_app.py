"""The real TUI (`audiences --db STORE`) for the hang-up tests, with two test hooks.

Usage: python hangup_app.py STORE

- HANGUP_PID_FILE: this process writes its pid there before the app starts, so the test
  signals the app itself (not tmux, not a shell).
- HANGUP_SLOW_FLAG: a path; while a file exists there, every store replace (the commit
  of `atomic_write`: the temporary file is written and fsynced, the rename not yet done)
  first waits as many seconds as the file says. The test creates it just before the
  user confirms a change, so that the signal lands in the middle of that write.

Nothing else differs from `audiences --db STORE`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

TMP_SUFFIX = ".tmp"


def slow_down_replaces(flag: Path) -> None:
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(src).endswith(TMP_SUFFIX) and flag.exists():
            time.sleep(float(flag.read_text() or "5"))
        return real_replace(src, dst, *args, **kwargs)

    os.replace = replace  # type: ignore[assignment]


def main() -> None:
    store = sys.argv[1]
    if pid_file := os.environ.get("HANGUP_PID_FILE"):
        Path(pid_file).write_text(str(os.getpid()))
    if flag := os.environ.get("HANGUP_SLOW_FLAG"):
        slow_down_replaces(Path(flag))
    from tui.cli import main as cli

    cli(["--db", store])


if __name__ == "__main__":
    main()
