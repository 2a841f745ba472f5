"""The real `audiences` command in a real terminal (tmux), driven as a person over SSH."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.demo import SAMPLES, seed_demo
from core.store import Store

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")

COMMAND = Path(sys.executable).parent / "audiences"
DEADLINE = 30.0
"""Seconds any one step may take before the test fails (it polls; it never sleeps a fixed time)."""


class Terminal:
    """One tmux session on a private server (its socket in the test's folder), 100x32."""

    def __init__(self, socket: str, session: str, status_file: Path) -> None:
        self.socket = socket
        self.session = session
        self.status_file = status_file

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-S", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, *texts: str, deadline: float = DEADLINE) -> str:
        """Poll the screen until it shows every one of `texts`; fail with what it showed."""
        end = time.monotonic() + deadline
        while True:
            shown = self.screen()
            if all(text in shown for text in texts):
                return shown
            if time.monotonic() > end:
                pytest.fail(f"the terminal never showed {texts!r}; it showed:\n{shown}")
            time.sleep(0.05)

    def exit_status(self, deadline: float = DEADLINE) -> int:
        """Wait for the command to end; its exit status (written by the shell around it).

        tmux's own `pane_dead_status` is not used: tmux 3.3 sometimes marks the pane dead
        (the terminal closed) without ever recording the status of the process it reaped.
        """
        end = time.monotonic() + deadline
        while not self.status_file.exists() or not self.status_file.read_text().strip():
            if time.monotonic() > end:
                pytest.fail(f"the app did not quit; the screen:\n{self.screen()}")
            time.sleep(0.05)
        return int(self.status_file.read_text())


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    yield from start_terminal(tmp_path)


@pytest.fixture
def seeded_terminal(tmp_path: Path) -> Iterator[Terminal]:
    """The app on a store seeded as the demo is (India sales leads, UK clinic reminders)."""
    seed_demo(Store(tmp_path / "store"), tmp_path / "samples")
    yield from start_terminal(tmp_path)


def start_terminal(tmp_path: Path) -> Iterator[Terminal]:
    for sample in ("uk_clinic_reminders.csv", "webinar_signups.csv"):
        shutil.copyfile(SAMPLES / sample, tmp_path / sample)
    socket = str(tmp_path / "tmux.sock")  # a private server, removed with tmp_path
    term = Terminal(socket, "audiences", tmp_path / "exit-status")
    command = f"{COMMAND} --db {tmp_path / 'store'}; echo $? > {term.status_file}"
    term.tmux(
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        term.session,
        "-x",
        "100",
        "-y",
        "32",
        "-c",
        str(tmp_path),
        "-e",
        "TERM=xterm-256color",
        command,
    )
    term.tmux("set-option", "-s", "escape-time", "0")
    size = term.tmux(
        "display-message", "-p", "-t", term.session, "#{window_width}x#{window_height}"
    )
    assert size.strip() == "100x32"
    try:
        yield term
    finally:
        subprocess.run([TMUX or "tmux", "-S", socket, "kill-server"], capture_output=True)


def test_create_from_csv_add_a_member_quit_and_the_store_holds_it(terminal: Terminal, tmp_path):
    terminal.wait_for("No audiences yet: press n")

    # New audience: type the file name after the folder the picker starts in.
    terminal.send("n")
    terminal.wait_for("New audience from a CSV file")
    terminal.send("End")
    terminal.type("uk_clinic_reminders.csv")
    terminal.send("Enter")
    terminal.wait_for("48 rows")
    terminal.send("Enter")  # check the file with the suggested phone column and name
    terminal.wait_for("Press enter to create the audience with 48 members")
    terminal.send("Enter")
    terminal.wait_for("Last change", "48 / 10,000")

    # Open it and add a member with the form.
    terminal.send("Enter")
    terminal.wait_for("48 / 10,000 members")
    terminal.send("a")
    terminal.wait_for("Add member to Uk clinic reminders")
    for value in ("+447400123456", "Ada", "Lovelace", "Leeds", "Mon"):
        terminal.type(value)
        terminal.send("Tab")
    terminal.wait_for("valid · GB mobile · +447400123456")
    terminal.send("Enter")
    terminal.wait_for("49 / 10,000 members")

    # Back to the list, quit.
    terminal.send("Escape")
    terminal.wait_for("Last change", "49 / 10,000")
    terminal.send("q")
    assert terminal.exit_status() == 0

    audience, members = Store(tmp_path / "store").load("Uk clinic reminders")
    assert audience.phone_column == "phone"
    assert len(members) == 49
    ada = {m.e164: m for m in members}["+447400123456"]
    assert ada.values == {
        "phone": "+447400123456",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "city": "Leeds",
        "appointment_day": "Mon",
    }


def test_keys_sent_in_one_burst_act_in_order(seeded_terminal: Terminal) -> None:
    term = seeded_terminal
    term.wait_for("Last change", "India sales leads", "UK clinic reminders")
    term.send("Down", "Enter")  # one send-keys call: the terminal gets both at once
    term.wait_for("48 / 10,000 members")  # the second audience, not the first (146)
    # (Escape and a key in one packet read as alt+key in any terminal: sent apart.)
    term.send("Escape")
    term.wait_for("Last change")
    term.send("n")
    term.wait_for("New audience from a CSV file")
    term.send("End")
    term.type("webinar_signups.csv")
    term.send("Enter")
    term.wait_for("Using the proposed column names")
    term.send("f", "Enter")  # untick, then enter: refused, and said so
    term.wait_for("Not using the proposed column names", "press f to use")
    term.send("f", "Enter")  # tick, then enter: checked with the proposed names
    term.wait_for("New audience Webinar signups from webinar_signups.csv")
    for screen in ("Columns (", "New audience from a CSV file", "Last change"):
        term.send("Escape")
        term.wait_for(screen)
    term.send("q")
    assert term.exit_status() == 0


def test_a_messy_export_is_repaired_then_a_second_file_mapped(terminal: Terminal, tmp_path):
    """A HubSpot-style export (formatted numbers, names with spaces) becomes an audience
    by repairing it; the next export from the same source is added by mapping names."""
    from tests.exports import HUBSPOT_ROWS, hubspot_csv

    (tmp_path / "hubspot.csv").write_text(hubspot_csv(), encoding="utf-8")
    later = [("Ola", "Berg", "(415) 555-0123", "+14155550123")]
    (tmp_path / "hubspot-later.csv").write_text(hubspot_csv(later), encoding="utf-8")
    fixable = [want for *_, want in HUBSPOT_ROWS if want]

    terminal.wait_for("No audiences yet: press n")
    terminal.send("n")
    terminal.wait_for("New audience from a CSV file")
    terminal.send("End")
    terminal.type("hubspot.csv")
    terminal.send("Enter")
    terminal.wait_for("14 rows", "Using the proposed column names")
    terminal.send("Enter")
    terminal.wait_for("r to repair")
    terminal.send("r", "i")  # one burst: skip what is left once the repairs are made
    terminal.wait_for(f"Press enter to create the audience with {len(fixable)} members")
    terminal.send("Enter")
    terminal.wait_for("Last change", f"{len(fixable)} / 10,000")

    terminal.send("Enter")
    terminal.wait_for(f"{len(fixable)} / 10,000 members")
    terminal.send("A")
    terminal.wait_for("from a CSV or Excel file")
    terminal.send("End")
    terminal.type("hubspot-later.csv")
    terminal.send("Enter")
    terminal.wait_for("press m to map them")
    terminal.send("m")
    terminal.wait_for("press i to skip them, r to repair")
    terminal.send("r", "Enter")
    terminal.wait_for(f"{len(fixable) + 1} / 10,000 members")
    terminal.send("Escape")
    terminal.wait_for("Last change")
    terminal.send("q")
    assert terminal.exit_status() == 0

    store = Store(tmp_path / "store")
    [audience] = store.list_audiences()
    _, members = store.load(audience.name)
    assert [m.values["Phone_Number"] for m in members] == [*fixable, "+14155550123"]
