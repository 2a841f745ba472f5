"""Pilot over hypothesis-generated hostile text: list, grid, form and diff view (see
hostile_support)."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from pathlib import Path

import pytest
from hostile_support import (
    COLUMNS,
    SIZE,
    assert_clean,
    click_each,
    header_text,
    hostile_csv,
    hostile_text,
    inject_name,
    members_values,
    phone,
    render,
    settle,
    shown,
)
from hypothesis import HealthCheck, given, settings
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Input

from core.audience import Member
from core.plan import plan_create
from core.reading import read_file
from core.store import Store
from tui.app import make_app


def visible_start(value: str, cells: int = 30) -> str:
    """The start of a value as the grid shows it, short enough never to be cut."""
    text, width = "", 0
    for char in shown(value):
        width += cell_len(char)
        if width > cells:
            break
        text += char
    return text.strip()


class Session:
    """One app on one store for many hypothesis examples (an app start per example would
    cost most of the time budget); each example leaves the audience list as it found it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = Store(root / "store", lock_timeout=30)
        self.count = 0
        self.every = 1
        """The form and the diff view are checked on every `every`-th example."""


async def one_example(
    pilot: Pilot[object],
    session: Session,
    name: str,
    values: list[tuple[str, str]],
    headers: list[str],
) -> None:
    """The list, the grid (and a click), then for some examples the form and the diff."""
    from tui.dialogs.member_form import MemberFormModal
    from tui.screens.audience_list import AudienceListScreen
    from tui.screens.csv_diff import CsvDiffScreen
    from tui.screens.member_grid import MemberGridScreen

    app, store = pilot.app, session.store
    session.count += 1
    key = f"h{session.count}"
    raw_name = f"{key} {name}"
    members = [
        Member({"phone": phone(i), "name": a, "note": b}, phone(i), "GB", "mobile")
        for i, (a, b) in enumerate(values)
    ]
    store.create(key, COLUMNS, "phone", members, ["phone"])
    inject_name(store, key, raw_name)
    listing = app.screen
    assert isinstance(listing, AudienceListScreen)
    try:
        listing.load_audiences(select=raw_name)
        await settle(pilot)
        frame = await render(pilot)
        assert_clean(frame)
        assert frame.shows(visible_start(raw_name, 20))

        listing.action_open_audience()
        await settle(pilot)
        grid = app.screen
        assert isinstance(grid, MemberGridScreen)
        frame = await render(pilot)
        assert_clean(frame)
        starts = [visible_start(v) for pair in values for v in pair]
        missing = [s for s in starts if s and not frame.shows(s)]
        assert not missing, f"not shown literally: {missing}"
        if starts[0]:
            await click_each(pilot, frame, [starts[0]], store)
        if session.count % session.every:
            return

        grid.action_edit_member()
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MemberFormModal)
        assert_clean(await render(pilot))
        assert form.query_one("#field-1", Input).value == shown(values[0][0])
        form.action_cancel()
        await settle(pilot)

        # the same text as a CSV's headers and cells, in the diff view of a new audience
        path = session.root / f"{key}.csv"
        hostile_csv(path, ["phone", *headers], rows=4)
        table = read_file(path)
        plan = plan_create(table, "phone", fix_headers=True)
        app.push_screen(CsvDiffScreen(store, plan, audience=None, new_name=raw_name))
        await settle(pilot)
        frame = await render(pilot)
        assert_clean(frame)
        for header in table.headers[1:]:
            start = visible_start(header, 12)
            assert not start or frame.shows(start), header
        app.pop_screen()
        await settle(pilot)
    finally:
        while app.screen is not listing:
            app.pop_screen()
        store.delete(raw_name)
    assert app.is_running


def run_examples(tmp_path: Path, examples: int, derandomize: bool, every: int = 1) -> int:
    """Hypothesis (in a thread) hands examples to one running app (in the event loop).

    The examples run in the app's own task, so Textual's context is theirs; returns how
    many ran.
    """
    from hypothesis import assume

    from core.errors import AudiencesError

    session = Session(tmp_path)
    session.every = every
    app = make_app(session.store, start_dir=tmp_path)
    Example = tuple[str, list[tuple[str, str]], list[str]]

    async def drive() -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[Example, Future[None]] | None] = asyncio.Queue()

        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=derandomize,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(name=hostile_text, values=members_values, headers=header_text)
        def example(name: str, values: list[tuple[str, str]], headers: list[str]) -> None:
            try:
                read_file(hostile_csv(tmp_path / "probe.csv", ["phone", *headers], rows=1))
            except AudiencesError:
                assume(False)  # headers the reader refuses (it says why): not a display case
            done: Future[None] = Future()
            loop.call_soon_threadsafe(queue.put_nowait, ((name, values, headers), done))
            done.result(timeout=300)

        def generate() -> None:
            try:
                example()
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            generating = loop.run_in_executor(None, generate)
            while (item := await queue.get()) is not None:
                (name, values, headers), done = item
                try:
                    await one_example(pilot, session, name, values, headers)
                except BaseException as exc:  # handed to hypothesis, which shrinks it
                    done.set_exception(exc)
                else:
                    done.set_result(None)
            await generating

    asyncio.run(drive())
    return session.count


def test_generated_text_on_list_grid_form_and_diff(tmp_path: Path) -> None:
    assert run_examples(tmp_path, examples=8, derandomize=True, every=4) >= 4  # 500: -m slow


@pytest.mark.slow
def test_generated_text_on_list_grid_form_and_diff_many(tmp_path: Path) -> None:
    assert run_examples(tmp_path, examples=500, derandomize=False) >= 250
