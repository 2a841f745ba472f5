"""The app's workers: which are running, and reading a CSV file inside one.

Only public Textual API is used. A `DirectoryTree` keeps a worker of its own running
for as long as it is mounted (it waits for folders to list), so the workers of folder
browsers are never counted as the app's work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.widgets import DirectoryTree

if TYPE_CHECKING:
    from pathlib import Path

    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.worker import Worker

    from core.reading import CsvTable

LOAD = "load"
"""Group of the workers that read the store for a screen."""
WRITE = "write"
"""Group of the workers that change the store (or write a file the user asked for)."""
HOURS = "hours"
"""Group of the workers that judge calling hours again (each minute); not store work."""
STORE_GROUPS = (LOAD, WRITE)
"""Store work: quick (milliseconds), and keys typed meanwhile wait for it to end."""
READ = "read"
"""Group of the worker that reads a file the user chose (a new audience's)."""
PLAN = "plan"
"""Group of the worker that judges a file read against the rules (a new audience's)."""
CHECK = "check"
"""Group of the worker that reads and judges a file to add to an audience."""
FILE_GROUPS = (READ, PLAN, CHECK)
"""Work on a file the user chose: keys typed meanwhile wait for it too (`enter enter`
typed ahead goes on through the steps), except escape, which stops it."""
KEYS = "keys"
"""The worker that holds typed keys while store work runs (see tui.keys)."""
HANGUP = "hangup"
"""The worker that waits for writes in flight when the terminal hangs up."""


def running_work(
    app: App[object], *, groups: Iterable[str] | None = None, ignore: Iterable[str] = ()
) -> list[Worker[object]]:
    """Workers of the app's own work that have not ended (pending ones count).

    `groups` keeps only those groups; `ignore` leaves groups out.
    """
    wanted = None if groups is None else set(groups)
    left_out = set(ignore)
    return [
        w
        for w in list(app.workers)
        if not w.is_finished
        and not isinstance(w.node, DirectoryTree)
        and (wanted is None or w.group in wanted)
        and w.group not in left_out
    ]


def keys_wait_for(app: App[object], *, stopping: bool = False) -> list[Worker[object]]:
    """The work a typed key waits for: store work, and work on a file the user chose
    unless the key stops it (`stopping`: escape)."""
    return running_work(app, groups=STORE_GROUPS if stopping else (*STORE_GROUPS, *FILE_GROUPS))


def read_in_worker(node: MessagePump, path: Path, encoding: str | None) -> CsvTable | None:
    """Read a CSV file or a workbook's first sheet inside the current thread worker.

    When the file needs consent to convert its encoding, posts `EncodingQuestioned` (with
    the first rows as each likely encoding reads them) from `node` and gives None; None
    too when the worker was cancelled meanwhile. Other errors are raised (the worker
    reports them). The app reads a workbook's first sheet (the CLI's --sheet chooses).
    """
    from textual.worker import get_current_worker

    from core.errors import EncodingNeedsConsent
    from core.reading import read_file
    from tui.dialogs.encoding import EncodingQuestion, EncodingQuestioned

    worker = get_current_worker()
    try:
        table = read_file(path, encoding=encoding)
    except EncodingNeedsConsent as exc:
        question = EncodingQuestion.about(path, exc)
        if not worker.is_cancelled:
            node.post_message(EncodingQuestioned(question))
        return None
    return None if worker.is_cancelled else table
