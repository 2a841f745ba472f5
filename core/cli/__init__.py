"""The `audiences` command line: every `core` operation for scripts.

Imports are deferred into the commands so that `audiences --help` stays fast and never
loads Polars or Textual. Each module named in `base.COMMAND_MODULES` adds its commands
to `main` when it is imported: when its command runs, or when help lists them all.
"""

from __future__ import annotations

from core.cli.base import main

__all__ = ["main"]
