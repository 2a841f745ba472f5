"""Run the `audiences` command line with one fault injected.

Usage: python cli_with_fault.py FAULT [audiences arguments...]

FAULT is one of:
  write:N:ERRNO | fsync:N:ERRNO | replace:N:ERRNO
      the Nth os.write / os.fsync / os.replace made by core.atomic or core.store
      fails with ERRNO
  raise:MODULE:ATTR:EXCEPTION
      MODULE.ATTR (a function, or Class.method) raises EXCEPTION("injected fault")
  none
      no fault
"""

from __future__ import annotations

import builtins
import importlib
import os
import sys
from typing import Any


def _os_fault(kind: str, at: int, code: int) -> None:
    import core.atomic
    import core.store

    class FaultyOS:
        calls = 0

        def __getattr__(self, name: str) -> Any:
            real = getattr(os, name)
            if name != kind:
                return real

            def call(*args: Any, **kwargs: Any) -> Any:
                FaultyOS.calls += 1
                if FaultyOS.calls == at:
                    raise OSError(code, os.strerror(code))
                return real(*args, **kwargs)

            return call

    faulty = FaultyOS()
    core.atomic.os = faulty  # type: ignore[assignment]
    core.store.os = faulty  # type: ignore[assignment]


def _raise_fault(module: str, attr: str, exception: str) -> None:
    target: Any = importlib.import_module(module)
    *owners, name = attr.split(".")
    for owner in owners:
        target = getattr(target, owner)
    exc_type = getattr(builtins, exception)

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc_type("injected fault")

    setattr(target, name, fail)


def main() -> None:
    fault, args = sys.argv[1], sys.argv[2:]
    kind, *rest = fault.split(":")
    if kind in ("write", "fsync", "replace"):
        _os_fault(kind, int(rest[0]), int(rest[1]))
    elif kind == "raise":
        _raise_fault(rest[0], rest[1], rest[2])
    elif kind != "none":
        raise SystemExit(f"unknown fault {fault!r}")
    from core.cli import main as cli

    cli(args, prog_name="audiences")


if __name__ == "__main__":
    main()
