"""core/atomic.py: a write leaves the old file or the new one, and errors change nothing."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

import core.atomic
from core.atomic import TMP_SUFFIX, atomic_write
from core.errors import StoreWriteFailed


def test_writes_a_new_file_private_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    old = os.umask(0o022)
    try:
        atomic_write(target, b"a,b\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"a,b\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert list(tmp_path.iterdir()) == [target]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert list(tmp_path.iterdir()) == [target]


class FailingOS:
    """`os` inside core.atomic with one call failing."""

    def __init__(self, name: str, code: int) -> None:
        self.name = name
        self.code = code

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name != self.name:
            return real

        def fail(*args: Any, **kwargs: Any) -> Any:
            raise OSError(self.code, os.strerror(self.code))

        return fail


class RecordingOS:
    """`os` inside core.atomic, noting which file each open, write, fsync and replace
    was about."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.opened: dict[int, str] = {}

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in ("open", "write", "fsync", "replace"):
            return real

        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            if name == "open":
                self.opened[result] = "folder" if Path(args[0]).is_dir() else "temporary"
            target = self.opened[args[0]] if name in ("write", "fsync") else "file"
            self.calls.append((name, target))
            return result

        return recorded


def test_the_data_reaches_the_disk_before_the_rename_and_the_rename_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A power cut must find the old file or the whole new one: the temporary file is
    fsynced before it replaces the old, and the folder (the rename) after."""
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    recording = RecordingOS()
    monkeypatch.setattr(core.atomic, "os", recording)
    atomic_write(target, b"new\n")
    monkeypatch.undo()
    kept = [c for c in recording.calls if c[0] != "open"]
    assert kept == [
        ("write", "temporary"),
        ("fsync", "temporary"),
        ("replace", "file"),
        ("fsync", "folder"),
    ]
    assert target.read_bytes() == b"new\n"


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
@pytest.mark.parametrize(
    ("code", "reason"), [(errno.ENOSPC, "the disk is full"), (errno.EIO, "an I/O error")]
)
def test_a_failed_call_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, code: int, reason: str
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    monkeypatch.setattr(core.atomic, "os", FailingOS(call, code))
    with pytest.raises(StoreWriteFailed, match=reason) as caught:
        atomic_write(target, b"new\n")
    monkeypatch.undo()
    assert not caught.value.changed
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(TMP_SUFFIX)] == []
