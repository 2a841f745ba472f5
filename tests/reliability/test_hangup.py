"""Hang-up: the TUI receiving SIGHUP or SIGTERM (an SSH session dropping) loses nothing
the user had confirmed (issue 4).

The real app runs in tmux (`hangup_app.py`: `audiences --db STORE` plus two test hooks)
and is driven with keys like a person: open an audience, edit a member, add one with the
form, delete one after the confirm question. Every step waits (polling the screen, with
a deadline) until the app shows the change written. Then the app process itself gets the
signal, either when idle or in the middle of a confirmed write (a hook holds the store's
commit rename while a flag file exists, so the signal lands inside `atomic_write`).
Afterwards `core` checks: the app ended, the store loads and holds every confirmed
change, a new writer gets the lock at once (it would raise `StoreLocked` after 5 s) and
leaves no temporary file behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.audience import Member
from core.store import Store

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parents[2]
APP = Path(__file__).resolve().parent / "hangup_app.py"
DEADLINE = 30.0
"""Seconds any one step may take (the test polls; it never sleeps a fixed time)."""
POLL = 0.05
AUDIENCE = "Hangup"
TMP_SUFFIX = ".tmp"


def phone(i: int) -> str:
    return f"+4474001001{i:02d}"


def seed(store: Store) -> None:
    members = [
        Member({"phone": phone(i), "name": f"N{i}"}, phone(i), "GB", "mobile") for i in range(3)
    ]
    store.create(AUDIENCE, ["phone", "name"], "phone", members, ["phone"])


ADDED = "+447400123456"
AFTER_CHANGES = {phone(0): "Grace", phone(1): "N1", ADDED: "Ada"}
"""The members once the user has edited N0, added Ada and deleted N2."""


def until(check, what: str, deadline: float = DEADLINE):  # type: ignore[no-untyped-def]
    """Poll `check()` until it returns something true; fail saying `what` never happened."""
    end = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > end:
            pytest.fail(f"{what} (waited {deadline:.0f} s)")
        time.sleep(POLL)


class Terminal:
    """One tmux session, 100x32, on a private server socket, running the app."""

    def __init__(self, root: Path, *, slow_flag: Path | None = None) -> None:
        self.socket = f"audiences-hangup-{os.getpid()}-{root.name}"
        self.session = "hangup"
        self.store_path = root / "store"
        self.pid_file = root / "app.pid"
        env = {
            "PYTHONPATH": str(ROOT),
            "TERM": "xterm-256color",
            "HANGUP_PID_FILE": str(self.pid_file),
        }
        if slow_flag is not None:
            env["HANGUP_SLOW_FLAG"] = str(slow_flag)
        command = f"{sys.executable} {APP} {self.store_path}"
        self.tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            "100",
            "-y",
            "32",
            "-c",
            str(ROOT),
            *(a for k, v in env.items() for a in ("-e", f"{k}={v}")),
            command,
        )
        self.tmux("set-option", "-s", "escape-time", "0")
        self.tmux("set-option", "-t", self.session, "remain-on-exit", "on")

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def close(self) -> None:
        subprocess.run([TMUX or "tmux", "-L", self.socket, "kill-server"], capture_output=True)

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, *texts: str) -> str:
        shown = ""

        def check() -> str | None:
            nonlocal shown
            shown = self.screen()
            return shown if all(t in shown for t in texts) else None

        end = time.monotonic() + DEADLINE
        while not check():
            if time.monotonic() > end:
                pytest.fail(f"the terminal never showed {texts!r}; it showed:\n{shown}")
            time.sleep(POLL)
        return shown

    def wait_gone(self, text: str) -> None:
        until(lambda: text not in self.screen(), f"the terminal kept showing {text!r}")

    def pane(self, variable: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.session, f"#{{{variable}}}").strip()

    @property
    def app_pid(self) -> int:
        return int(until(lambda: self.pid_file.exists() and self.pid_file.read_text(), "no pid"))

    def ended(self) -> tuple[str, str]:
        """Wait until the app's process ended: (exit status, signal) as tmux saw them."""
        until(lambda: self.pane("pane_dead") == "1", "the app did not end after the signal")
        return self.pane("pane_dead_status"), self.pane("pane_dead_signal")


def leftovers(store_path: Path) -> list[str]:
    return sorted(p.name for p in store_path.rglob(f"*{TMP_SUFFIX}"))


def members_of(store_path: Path) -> dict[str, str]:
    _, members = Store(store_path, lock_timeout=5).load(AUDIENCE)
    return {m.e164: m.values["name"] for m in members}


def next_writer(store_path: Path) -> None:
    """A new writer takes the lock at once (else StoreLocked after 5 s) and cleans up."""
    store = Store(store_path, lock_timeout=5)
    store.create("After", ["phone"], "phone", [Member({"phone": phone(9)}, phone(9))])
    assert leftovers(store_path) == [], "a temporary file outlived the next writer"


def open_audience(term: Terminal) -> None:
    term.wait_for(AUDIENCE, "3 / 10,000")
    term.send("Enter")
    term.wait_for("3 / 10,000 members", "N2")


def edit_add_delete(term: Terminal) -> None:
    """Edit N0's name, add Ada with the form, delete N2 after the question: each written."""
    term.send("e")
    term.wait_for("Edit member of Hangup")
    term.send("Tab", "End", "BSpace", "BSpace")
    term.wait_gone("name N0")
    term.type("Grace")
    term.wait_for("name Grace")
    term.send("Enter")
    term.wait_for("Saved the member", "Grace ")

    term.send("a")
    term.wait_for("Add member to Hangup")
    term.type(ADDED)
    term.wait_for("valid · GB mobile")
    term.send("Tab")
    term.type("Ada")
    term.wait_for("name Ada")
    term.send("Enter")
    term.wait_for("4 / 10,000 members", "Ada")

    term.send("Up")  # from Ada (the cursor follows the new member) to N2
    term.wait_for(f"{phone(2)} · GB · mobile")
    term.send("d")
    term.wait_for("Delete this member")
    term.send("y")
    term.wait_for("Deleted 1 member", "3 / 10,000 members")


SIGNALS = [pytest.param(signal.SIGHUP, id="SIGHUP"), pytest.param(signal.SIGTERM, id="SIGTERM")]


@pytest.mark.parametrize("sig", SIGNALS)
def test_signal_after_confirmed_changes_loses_nothing(tmp_path: Path, sig: signal.Signals) -> None:
    seed(Store(tmp_path / "store", lock_timeout=5))
    term = Terminal(tmp_path)
    try:
        open_audience(term)
        edit_add_delete(term)
        os.kill(term.app_pid, sig)
        term.ended()
    finally:
        term.close()
    assert members_of(tmp_path / "store") == AFTER_CHANGES
    next_writer(tmp_path / "store")
    assert members_of(tmp_path / "store") == AFTER_CHANGES


@dataclass
class InFlight:
    """What a signal in the middle of a confirmed write left behind."""

    store_path: Path
    before: dict[str, str]
    after: dict[str, str]
    exit_status: str
    exit_signal: str
    members: dict[str, str] | Exception
    """What the store held right after the app ended (or why it could not be read)."""


@pytest.fixture(scope="module", params=SIGNALS)
def in_flight(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[InFlight]:
    """Delete N2 (confirmed with y) and signal the app while that write is committing."""
    root = tmp_path_factory.mktemp(f"inflight-{request.param.name}")
    store_path = root / "store"
    seed(Store(store_path, lock_timeout=5))
    flag = root / "slow"
    term = Terminal(root, slow_flag=flag)
    try:
        open_audience(term)
        term.send("Down", "Down")
        term.wait_for(f"{phone(2)} · GB · mobile")
        term.send("d")
        term.wait_for("Delete this member")
        flag.write_text("3")
        term.send("y")  # confirmed: the write starts and waits before its rename
        until(lambda: leftovers(store_path), "the write never started")
        os.kill(term.app_pid, request.param)
        status, by_signal = term.ended()
    finally:
        term.close()
        flag.unlink(missing_ok=True)
    try:
        members: dict[str, str] | Exception = members_of(store_path)
    except Exception as exc:  # reported by the tests below
        members = exc
    before = {phone(i): f"N{i}" for i in range(3)}
    after = {phone(i): f"N{i}" for i in range(2)}
    yield InFlight(store_path, before, after, status, by_signal, members)


def test_signal_during_a_write_leaves_a_consistent_store(in_flight: InFlight) -> None:
    """Whatever the app does with the signal, the store is the state before or after."""
    assert not isinstance(in_flight.members, Exception), in_flight.members
    assert in_flight.members in (in_flight.before, in_flight.after)
    next_writer(in_flight.store_path)


def test_signal_during_a_write_keeps_the_confirmed_change(in_flight: InFlight) -> None:
    """The user pressed y: the delete was confirmed, so it must be in the store."""
    assert in_flight.members == in_flight.after, (
        f"the confirmed delete was lost: the app ended (status {in_flight.exit_status!r}, "
        f"signal {in_flight.exit_signal!r}) with the write unfinished"
    )


def test_sigterm_gives_the_terminal_back(tmp_path: Path) -> None:
    """`kill PID` in a live terminal: the app leaves the alternate screen and stops mouse
    reporting before it ends (otherwise the shell is left unusable)."""
    seed(Store(tmp_path / "store", lock_timeout=5))
    term = Terminal(tmp_path)
    try:
        term.wait_for(AUDIENCE, "3 / 10,000")
        assert term.pane("alternate_on") == "1"
        os.kill(term.app_pid, signal.SIGTERM)
        term.ended()
        state = {v: term.pane(v) for v in ("alternate_on", "mouse_any_flag", "cursor_flag")}
    finally:
        term.close()
    assert state["alternate_on"] == "0" and state["mouse_any_flag"] == "0", state
