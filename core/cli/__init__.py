"""The `audiences` command line: every `core` operation for scripts.

Imports are deferred into the commands so that `audiences --help` stays fast and never
loads Polars or Textual. Each module below adds its commands to `main`.
"""

from __future__ import annotations

from core.cli import audiences, check, members, ready  # noqa: F401  (they register the commands)
from core.cli.base import main

__all__ = ["main"]
