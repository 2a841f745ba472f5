"""Shared helpers of the reliability tests: a store model, snapshots, leftovers, processes.

The model is written independently of `core.store`: it applies the logged operations to
plain dicts, so that a test can say which state the store must hold after a fault.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"  # the programs the tests run in processes of their own
PYTHON = sys.executable
TMP_SUFFIX = ".tmp"

State = dict[str, dict[str, Any]]


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of a helper process: the project importable, no user store."""
    env = {k: v for k, v in os.environ.items() if k != "AUDIENCES_DB"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_python(
    args: list[str], *, timeout: float = 120, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """Run the project's Python with `args` (text output captured)."""
    kwargs.setdefault("env", subprocess_env())
    return subprocess.run(
        [PYTHON, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(ROOT),
        **kwargs,
    )


def run_cli(*args: str | os.PathLike[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run `audiences ARGS` as a real process."""
    return run_python(["-m", "core.cli", *map(str, args)], **kwargs)


def run_cli_many(
    commands: list[tuple[str | os.PathLike[str], ...]], timeout: float = 120
) -> list[subprocess.CompletedProcess[str]]:
    """Run several `audiences` commands at once (independent of each other)."""
    procs = [
        subprocess.Popen(
            [PYTHON, "-m", "core.cli", *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=str(ROOT),
            env=subprocess_env(),
        )
        for args in commands
    ]
    results = []
    for args, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=timeout)
        results.append(subprocess.CompletedProcess(list(args), proc.returncode, out, err))
    return results


# --- phone numbers -------------------------------------------------------------------


def us_number(i: int, plus: bool = True) -> str:
    """The i-th valid US number (+1 202 555 0000 .. 9999)."""
    assert 0 <= i < 10_000
    return f"{'+' if plus else ''}1202555{i:04d}"


def in_number(i: int, plus: bool = True) -> str:
    """The i-th valid Indian mobile number (+91 98765 00000 .. 99999)."""
    assert 0 <= i < 100_000
    return f"{'+' if plus else ''}9198765{i:05d}"


# --- snapshots and the model -------------------------------------------------------------


def member_row(member: Any) -> list[Any]:
    return [dict(member.values), member.e164, member.region, member.number_type]


def snapshot(store: Any) -> State:
    """Everything a user can see in a store: every audience and its members, in order."""
    state: State = {}
    for listed in store.list_audiences():
        audience, members = store.load(listed.name)
        assert audience.member_count == len(members) == listed.member_count
        state[audience.name] = {
            "columns": list(audience.columns),
            "phone_column": audience.phone_column,
            "required": list(audience.required),
            "members": [member_row(m) for m in members],
        }
    return state


def apply(state: State, op: dict[str, Any]) -> State:
    """The state after one logged operation (plain-dict semantics of the store's API).

    `state` is not changed: the touched audience is copied (member rows are never
    changed in place, so they are shared).
    """
    new = dict(state)
    kind = op["op"]

    def touched(name: str) -> list[Any]:
        new[name] = {**new[name], "members": list(new[name]["members"])}
        return new[name]["members"]

    if kind == "create":
        assert op["name"] not in new
        required = set(op["required"]) | {op["phone_column"]}
        new[op["name"]] = {
            "columns": list(op["columns"]),
            "phone_column": op["phone_column"],
            "required": [c for c in op["columns"] if c in required],
            "members": list(op["members"]),
        }
    elif kind == "add":
        touched(op["name"]).extend(op["members"])
    elif kind == "edit":
        members = touched(op["name"])
        index = next(i for i, m in enumerate(members) if m[1] == op["old"])
        members[index] = op["member"]
    elif kind == "remove":
        gone = set(op["e164s"])
        members = touched(op["name"])
        members[:] = [m for m in members if m[1] not in gone]
    elif kind == "insert":
        members = touched(op["name"])
        for position, member in sorted(op["placed"], key=lambda p: p[0]):
            members.insert(min(position, len(members)), member)
    elif kind == "rename":
        new[op["new"]] = new.pop(op["old"])
    elif kind == "delete":
        del new[op["name"]]
    else:  # pragma: no cover - a typo in a test
        raise ValueError(kind)
    return new


# --- files on disk -------------------------------------------------------------------


def leftovers(store_path: Path) -> tuple[set[str], set[str]]:
    """Temporary files and members files no audience points to (relative paths)."""
    catalog_path = store_path / "catalog.json"
    referenced: set[str] = set()
    if catalog_path.exists():
        catalog = json.loads(catalog_path.read_bytes())
        referenced = {d["members_file"] for d in catalog.get("audiences", {}).values()}
    tmps: set[str] = set()
    orphans: set[str] = set()
    for folder in (store_path, store_path / "members"):
        if not folder.exists():
            continue
        for entry in folder.iterdir():
            rel = str(entry.relative_to(store_path))
            if entry.name.endswith(TMP_SUFFIX):
                tmps.add(rel)
            elif folder.name == "members" and entry.name not in referenced:
                orphans.add(rel)
    return tmps, orphans


def store_bytes(store_path: Path) -> dict[str, bytes]:
    """Every file of a store folder and its bytes (the lock file left out: it holds none)."""
    out: dict[str, bytes] = {}
    if not store_path.exists():
        return out
    for entry in sorted(store_path.rglob("*")):
        if entry.is_file() and entry.name != "lock":
            out[str(entry.relative_to(store_path))] = entry.read_bytes()
    return out


def one_line_error(stderr: str) -> bool:
    """A CLI error is one sentence on one line, never a traceback."""
    return stderr.count("\n") == 1 and stderr.endswith("\n") and "Traceback" not in stderr
