"""The `audiences` entry point: core's command line, with the terminal app plugged in.

`core` never imports the UI; this module gives core's CLI the function that opens the
app (no command, or `demo`). Textual is imported only when the app opens, so
`audiences --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.base import run

if TYPE_CHECKING:
    from core.store import Store


def open_app(store: Store, demo_folder: Path | None) -> None:
    """Run the app on `store`; a hang-up's exit code reaches the shell."""
    from tui.app import make_app

    app = make_app(store, demo_folder=demo_folder)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


def main(args: list[str] | None = None) -> None:
    run(args, open_app=open_app)


if __name__ == "__main__":
    main()
