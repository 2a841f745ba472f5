"""Driving the app headless (tests, screenshots, benchmarks): waiting until it is idle."""

from __future__ import annotations

import contextlib

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DirectoryTree
from textual.worker import WorkerCancelled, WorkerFailed

from tui.workers import running_work

ROUNDS = 50


async def settle(pilot: Pilot[object]) -> None:
    """Wait until workers are done, typed keys handled, and the messages posted meanwhile
    handled; folder browsers have listed their folders."""
    app = pilot.app

    def busy() -> bool:
        keys = getattr(app, "typed_keys", None)
        return bool(running_work(app)) or (keys is not None and not keys.idle) or listing(app)

    for _ in range(ROUNDS):
        running = running_work(app)
        if running:
            with contextlib.suppress(WorkerFailed, WorkerCancelled):  # the app reports those
                await app.workers.wait_for_complete(running)
        await pilot.pause()
        if not busy():
            await pilot.pause()
            if not busy():
                return
    raise AssertionError("the app kept working")


def listing(app: App[object]) -> bool:
    """A folder browser is still listing a folder.

    A DirectoryTree keeps one worker for its whole life (it waits for folders to list)
    and runs one more per folder it lists, so more than one unfinished worker per tree
    means a listing is under way.
    """
    trees: dict[int, int] = {}
    for worker in list(app.workers):
        if isinstance(worker.node, DirectoryTree) and not worker.is_finished:
            trees[id(worker.node)] = trees.get(id(worker.node), 0) + 1
    return any(count > 1 for count in trees.values())
