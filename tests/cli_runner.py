"""The `audiences` command line as the tests run it: a real process on a store folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(*args: str | Path, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`audiences ARGS` in a fresh process (store `db`, else the environment's)."""
    env = {**os.environ, "AUDIENCES_DB": str(db)} if db else dict(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
