"""Privacy: files private from the moment they exist; contacts never in errors or logs.

1. Under umask 022 (set in a subprocess), every file and folder the tool creates (store
   folder and its missing parents, members folder, catalog, members files, lock,
   temporary files just before their rename, the rollback link, exports, problems CSV;
   through the API and the command line) is 0600 / 0700 when it appears and at the end.
2. Faults forced while importing and editing seeded contacts (I/O errors at each step,
   exceptions raised from inside core, an interrupt): the seeded phone numbers (in every
   written form) and names never appear on stderr, in a traceback, or in any file the
   tool leaves outside the store, and the store keeps its previous state.
"""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path

import pytest

from ._support import (
    SCRIPTS,
    one_line_error,
    run_cli_many,
    run_python,
    store_bytes,
    subprocess_env,
)

NAMES = ["Zebediah Quartermaine", "Ottoline Featherstonehaugh", "Xanthippe Oyelaran"]
PHONES = ["+447911123456", "+919876543210", "+12025550187"]
SEED_CSV = "phone,name\n" + "".join(f"{p},{n}\n" for p, n in zip(PHONES, NAMES, strict=True))
MORE_CSV = "phone,name\n+12025550188,Peregrine Wolstenholme\n+12025550189,Araminta Duckworth\n"
SECRETS = [*NAMES, "Peregrine Wolstenholme", "Araminta Duckworth", "+12025550188", "+12025550189"]


def forms(secret: str) -> list[str]:
    """The ways a value could show up: as written, digits only, words of a name."""
    if secret.startswith("+"):
        digits = secret[1:]
        return [secret, digits, digits[-9:]]
    return [secret, *secret.split()]


def leaks(text: str) -> list[str]:
    return [f for s in SECRETS for f in forms(s) if f in text]


def test_files_and_folders_are_private_from_the_moment_they_exist(tmp_path: Path) -> None:
    result = run_python([str(SCRIPTS / "privacy_probe.py"), str(tmp_path / "work")])
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.splitlines()[-1].removeprefix("PROBE "))
    assert probe["codes"] == dict.fromkeys(probe["codes"], 0)
    kinds: dict[str, int] = {}
    for event in probe["events"]:
        kinds[event["kind"]] = kinds.get(event["kind"], 0) + 1
        want = "0o700" if event["kind"] == "created folder" else "0o600"
        assert event["mode"] == want, event
    # Every kind of creation was seen: folders (with missing parents), the lock, temporary
    # files before their rename, rollback links, exports and problem files.
    assert kinds["created folder"] >= 6 and kinds["before rename"] >= 20 and kinds["hard link"] >= 5
    paths = " ".join(e["path"] for e in probe["events"])
    for part in (
        "/data/nested/store",
        "/lock",
        ".tmp",
        "exports/b.csv",
        "people.problems.csv",
        "exports/cli.csv",
        "cli-store/members/",
    ):
        assert part in paths, part
    bad = {path: mode for path, mode in probe["final"].items() if mode not in ("0o600", "0o700")}
    assert bad == {}
    assert probe["final"]["data"] == probe["final"]["data/nested"] == "0o700"


# --- faults while importing and editing seeded contacts ---------------------------------

FAULTS = [
    # (description, fault, command) - the command runs against a store seeded from SEED_CSV
    (
        "create: disk full writing members",
        f"write:1:{errno.ENOSPC}",
        ["create", "New", "{seed}", "--phone-column", "phone"],
    ),
    (
        "create: I/O error on the catalog rename",
        f"replace:2:{errno.EIO}",
        ["create", "New", "{seed}", "--phone-column", "phone"],
    ),
    ("add: I/O error on fsync", f"fsync:1:{errno.EIO}", ["add", "S", "{more}"]),
    ("add: folder fsync after the commit", f"fsync:4:{errno.EIO}", ["add", "S", "{more}"]),
    (
        "edit: disk full",
        f"write:2:{errno.ENOSPC}",
        ["edit-member", "S", PHONES[0], "name=Renamed Person"],
    ),
    ("remove: I/O error", f"replace:1:{errno.EIO}", ["remove-member", "S", PHONES[1]]),
    (
        "add-member: disk full",
        f"write:1:{errno.ENOSPC}",
        ["add-member", "S", "phone=+12025550188", "name=Peregrine Wolstenholme"],
    ),
    (
        "create: crash inside the store",
        "raise:core.store:Store._write_member_docs:RuntimeError",
        ["create", "New", "{seed}", "--phone-column", "phone"],
    ),
    ("add: crash judging phones", "raise:core.plan:judge_rows:MemoryError", ["add", "S", "{more}"]),
    (
        "add: crash reading the file",
        "raise:core.reading:_parse_plain:ValueError",
        ["add", "S", "{more}"],
    ),
    (
        "edit: crash in the store",
        "raise:core.store:Store.update_member:KeyError",
        ["edit-member", "S", PHONES[0], "name=Renamed Person"],
    ),
    (
        "remove: crash in the store",
        "raise:core.store:Store.remove_members:TypeError",
        ["remove-member", "S", PHONES[2]],
    ),
    (
        "add: interrupted (Ctrl-C)",
        "raise:core.sealed:atomic_write:KeyboardInterrupt",
        ["add", "S", "{more}"],
    ),
    (
        "check: crash profiling",
        "raise:core.profile:profile_table:RuntimeError",
        ["check", "{seed}"],
    ),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("seeded")
    (base / "seed.csv").write_text(SEED_CSV)
    (base / "more.csv").write_text(MORE_CSV)
    result = run_python(
        [
            "-m",
            "core.cli",
            "--db",
            str(base / "store"),
            "create",
            "S",
            str(base / "seed.csv"),
            "--phone-column",
            "phone",
        ]
    )
    assert result.returncode == 0, result.stderr
    return base


# The regular run takes one fault of each kind; `-m slow` runs them all.
REGULAR = {
    "create: disk full writing members",
    "add: folder fsync after the commit",
    "edit: disk full",
    "create: crash inside the store",
    "add: crash judging phones",
    "add: interrupted (Ctrl-C)",
}


@pytest.mark.parametrize(
    ("description", "fault", "command"),
    [pytest.param(*f, id=f[0], marks=() if f[0] in REGULAR else pytest.mark.slow) for f in FAULTS],
)
def test_forced_faults_never_show_contacts(
    description: str, fault: str, command: list[str], seeded: Path, tmp_path: Path
) -> None:
    import shutil

    work = tmp_path / "work"
    shutil.copytree(seeded, work)
    home = tmp_path / "home"
    home.mkdir()
    args = [a.format(seed=work / "seed.csv", more=work / "more.csv") for a in command]
    before = store_bytes(work / "store")
    env = subprocess_env(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
    )
    result = run_python(
        [str(SCRIPTS / "cli_with_fault.py"), fault, "--db", str(work / "store"), *args], env=env
    )
    assert result.returncode != 0, (description, result.stdout, result.stderr)
    # Nothing personal on stderr, whether a one-sentence error or a traceback.
    assert leaks(result.stderr) == [], (description, result.stderr)
    if fault.startswith(("write", "fsync", "replace")):
        assert result.returncode == 2 and one_line_error(result.stderr), result.stderr
        assert "the store still holds its previous state" in result.stderr
    elif "KeyboardInterrupt" in fault:
        assert result.returncode == 130
        assert result.stderr == "audiences: interrupted; nothing more was written\n"
    else:
        assert "injected fault" in result.stderr  # the fault really fired
    # The store is unchanged (no partial import, no half edit).
    assert store_bytes(work / "store") == before, description
    # No log or other file anywhere but the store and the inputs.
    assert [p for p in home.rglob("*") if p.is_file()] == []
    extra = {p.name for p in work.iterdir()} - {"seed.csv", "more.csv", "store"}
    assert extra == set()


def test_store_messages_name_audiences_and_rows_never_values(seeded: Path, tmp_path: Path) -> None:
    """Refusals about seeded contacts by the store and reader: no value in the sentence."""
    import shutil

    work = tmp_path / "work"
    shutil.copytree(seeded, work)
    db = ["--db", str(work / "store")]
    (work / "ragged.csv").write_text(SEED_CSV + "+12025550188,Peregrine Wolstenholme,extra\n")
    (work / "quote.csv").write_text(SEED_CSV + '"Peregrine Wolstenholme,+12025550188\n')
    commands = [
        ["edit-member", "S", "+12025550188", "name=Peregrine Wolstenholme"],  # not a member
        ["remove-member", "S", "+12025550189"],
        ["add", "S", str(work / "ragged.csv")],
        ["add", "S", str(work / "quote.csv")],
        ["check", str(work / "ragged.csv")],
    ]
    for command, result in zip(commands, run_cli_many([(*db, *c) for c in commands]), strict=True):
        assert result.returncode == 2, (command, result.stderr)
        assert one_line_error(result.stderr), result.stderr
        assert leaks(result.stderr) == [], (command, result.stderr)
        assert not re.search(r"\d{7,}", result.stderr), result.stderr


def test_failed_commands_about_contacts_do_not_echo_them(seeded: Path, tmp_path: Path) -> None:
    import shutil

    work = tmp_path / "work"
    shutil.copytree(seeded, work)
    (work / "noheader.csv").write_text(SEED_CSV.split("\n", 1)[1])
    db = ["--db", str(work / "store")]
    leaked = []
    for command in (
        ["create", "T", str(work / "noheader.csv"), "--phone-column", "phone"],
        ["add-member", "S", f"phone={PHONES[0]}", "name=Someone"],
    ):
        result = run_python(["-m", "core.cli", *db, *command])
        assert result.returncode != 0
        leaked += leaks(result.stderr)
    assert leaked == []
