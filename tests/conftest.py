"""Shared fixtures: a real store folder and real CSV files per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """An empty store in a temporary folder (a real TinyDB catalog on disk)."""
    return Store(tmp_path / "store", lock_timeout=30)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write CSV text (or bytes) to a file and return its path."""

    def write(content: str | bytes, name: str = "input.csv") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)
        return path

    return write
