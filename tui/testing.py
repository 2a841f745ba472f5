"""Driving the app headless (tests, screenshots, benchmarks): waiting until it is idle."""

from __future__ import annotations

import contextlib

from textual.pilot import Pilot
from textual.worker import Worker, WorkerCancelled, WorkerFailed


async def settle(pilot: Pilot[object]) -> None:
    """Wait until workers are done and the messages they posted are handled.

    DirectoryTree's `_loader` worker runs for the widget's life, so it is not waited for.
    """
    app = pilot.app

    def busy() -> list[Worker[object]]:
        return [w for w in app.workers if w.is_running and w.group != "_loader"]

    for _ in range(50):
        running = busy()
        if running:  # (an empty list would mean "every worker", the loader too)
            with contextlib.suppress(WorkerFailed, WorkerCancelled):  # the app reports those
                await app.workers.wait_for_complete(running)
        await pilot.pause()
        if not busy():
            await pilot.pause()
            if not busy():
                return
    raise AssertionError("workers kept running")
