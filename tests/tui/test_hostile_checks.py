"""The hostile-text checks themselves catch markup read as markup and escapes passed
through (see hostile_support)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hostile_support import (
    assert_literal,
    click_each,
    leaks,
    render,
)
from textual.app import App

from core.store import Store


async def test_the_checks_catch_markup_read_and_escapes_passed_through() -> None:
    """The detectors above fail on an app that makes the mistakes (so they can fail)."""
    from rich.text import Text
    from textual.widgets import Static

    class Unsafe(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("[@click=app.quit]quit me[/]")  # markup read: a live action
            yield Static('[link="http://e"]a link[/link]')
            yield Static(Text("esc \x1b]0;owned\x07 c1 \x9b31m"), markup=False)

    app = Unsafe()
    async with app.run_test(size=(60, 5)) as pilot:
        frame = await render(pilot)
        kinds = {leak.split()[0] for leak in leaks(frame)}
        assert kinds >= {"control", "link", "action", "output", "svg"}
        with pytest.raises(AssertionError):
            assert_literal(frame, ["[@click=app.quit]quit me[/]"])
        store = Store(Path(tempfile.mkdtemp()) / "store")
        with pytest.raises(AssertionError):
            await click_each(pilot, frame, ["quit me"], store)
