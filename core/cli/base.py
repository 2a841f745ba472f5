"""The command group, error reporting and the helpers every command shares."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from core.errors import AudiencesError

if TYPE_CHECKING:
    from core.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def as_json_text(data: object) -> str:
    """JSON for the terminal: C1 controls and bidi overrides escaped as \\uXXXX too.

    json escapes only C0; the rest would reach the terminal raw. The escaped text decodes
    to the same values.
    """
    return escape_controls(json.dumps(data, ensure_ascii=False, indent=2))


def escape_controls(text: str) -> str:
    from core.text import CONTROL_CHARACTERS

    return CONTROL_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_progress_open = False
"""A progress line on stderr waits for its end (an error starts on a line of its own)."""


def show_progress(text: str, *, last: bool) -> None:
    """Write `text` over the progress line on stderr (a terminal's); `last` ends it."""
    global _progress_open
    click.echo(f"\r{text}", err=True, nl=last)
    _progress_open = not last


def _fail(message: str, code: int) -> None:
    if _progress_open:
        click.echo("", err=True)  # not "(17%)^Caudiences: interrupted" on one line
    click.echo(f"audiences: {message}", err=True)
    sys.exit(code)


def reports_errors(func: F) -> F:
    """Turn `core` errors into one sentence on stderr and the error's exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AudiencesError as exc:
            _fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; nothing more was written", 130)

    return wrapper  # type: ignore[return-value]


def open_store(ctx: click.Context) -> Store:
    from core.store import Store

    return Store(ctx.obj["db"])


def parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        column, sep, value = pair.partition("=")
        if not sep or not column:
            raise click.UsageError(f"expected COLUMN=VALUE, got {pair!r}")
        if column in values:
            # The later one would win without a word: a typo in a script, most likely.
            raise click.UsageError(f"{column!r} is given twice; give each column once")
        values[column] = value
    return values


# Each command's module, imported when the command runs (or help lists them all): a
# `check` does not import or compile the other commands' modules and what they import
# (15 ms of a check where bytecode cannot be written).
COMMAND_MODULES = {
    **dict.fromkeys(
        ["create", "add", "list", "show", "export", "rename", "delete", "set-aside", "demo"],
        "core.cli.audiences",
    ),
    "check": "core.cli.check",
    **dict.fromkeys(["add-member", "edit-member", "remove-member"], "core.cli.members"),
    **dict.fromkeys(["hours", "suppress", "split"], "core.cli.ready"),
}


# Click 8.2 and later raise it for a group given no command (8.1, which pyproject.toml
# allows, has no such class: its "Missing command" is worded as any usage error).
_NO_ARGS_IS_HELP: type[click.UsageError] | None = getattr(
    click.exceptions, "NoArgsIsHelpError", None
)


class _Group(click.Group):
    """Click's group with usage errors as one line, like every other error here.

    Click prints its usage block, a hint and the error on four lines; a user (or a
    script reading stderr) gets one sentence that says what to fix and where help is.
    A group given no command prints its help.
    """

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None:
            importlib.import_module(module)  # registers its commands on `main`
        else:
            # A name not in the table: every module, so that a command missing from it
            # is still found and a typo gets click's "Did you mean 'check'?".
            self.list_commands(ctx)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in sorted(set(COMMAND_MODULES.values())):
            importlib.import_module(module)
        return super().list_commands(ctx)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        try:
            result = super().main(*args, **{**kwargs, "standalone_mode": False})
        except click.UsageError as exc:
            if _NO_ARGS_IS_HELP is not None and isinstance(exc, _NO_ARGS_IS_HELP):
                # A group given no command (`audiences suppress`): its help, as --help
                # shows it, not a usage block squeezed into an error line; click's code.
                click.echo(exc.format_message(), color=exc.ctx.color if exc.ctx else None)
                sys.exit(exc.exit_code)
            where = exc.ctx.command_path if exc.ctx is not None else "audiences"
            message = exc.format_message().rstrip()
            message += "" if message.endswith((".", "?", "!")) else "."
            _fail(f"{message} Try '{where} --help'.", exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            _fail("aborted; nothing more was written", 1)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    envvar="AUDIENCES_DB",
    help="Store folder (default: your user data folder; env AUDIENCES_DB).",
)
@click.version_option(package_name="audiences")
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Build, check and edit audiences: the contact lists that voice campaigns call.

    With no command, opens the terminal app on the store.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        open_app(ctx, open_store(ctx), demo_folder=None)


OpenApp = Callable[["Store", "Path | None"], None]


@reports_errors
def open_app(ctx: click.Context, store: Store, demo_folder: Path | None) -> None:
    """Run the terminal app that the entry point gave (`tui.cli`); core knows no UI."""
    open_app: OpenApp | None = ctx.find_root().obj.get("open_app")
    if open_app is None:
        raise click.UsageError("the terminal app is not available here; give a command")
    open_app(store, demo_folder)


def exits_quickly() -> None:
    """Mark the running command as one whose process may end without Python's teardown
    (see `run`): a report that wrote nothing but its output."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and isinstance(ctx.find_root().obj, dict):
        ctx.find_root().obj["exits_quickly"] = True


def run(args: list[str] | None = None, **obj: object) -> None:
    """The command line as a whole process (the entry points call this, tests call
    `main`). A command marked by `exits_quickly` ends the process at once once its
    output is flushed: tearing down the interpreter after Polars has run (freeing every
    frame, joining its threads) took 50 to 90 ms of a 10,000-row check and 0.15 s of a
    million-row one, with nothing left to write."""
    state: dict[str, object] = dict(obj)
    try:
        main(args, obj=state)
    except SystemExit as done:
        if state.get("exits_quickly") and (done.code is None or isinstance(done.code, int)):
            try:
                for stream in (sys.stdout, sys.stderr):
                    if stream is not None:  # None: the process was started without it
                        stream.flush()
            except (OSError, ValueError):
                raise done from None  # a closed pipe: Python's own exit reports it
            os._exit(done.code or 0)
        raise
