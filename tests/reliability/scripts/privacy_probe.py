"""Run every writing path of `audiences` under umask 022, recording each new file's mode.

Usage: python privacy_probe.py WORKDIR   (last line: PROBE <JSON object>)

Hooks on os.open (O_CREAT), os.mkdir, os.link and os.replace record the mode of every
file or folder the tool creates at the moment it exists (for a temporary file, also
just before it is renamed into place). The probe then drives the store, export, the
problems CSV and the command line, and finally lists every path under WORKDIR with
its mode. The test asserts 0600 for files and 0700 for folders.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

EVENTS: list[dict[str, Any]] = []


def _record(kind: str, path: Any, mode: int) -> None:
    EVENTS.append({"kind": kind, "path": os.fsdecode(path), "mode": oct(stat.S_IMODE(mode))})


def _install_hooks() -> None:
    real_open, real_mkdir, real_replace, real_link = os.open, os.mkdir, os.replace, os.link

    def open_(path: Any, flags: int, mode: int = 0o777, *args: Any, **kwargs: Any) -> int:
        existed = os.path.lexists(path) if isinstance(path, (str, bytes, os.PathLike)) else True
        fd = real_open(path, flags, mode, *args, **kwargs)
        if flags & os.O_CREAT and not existed:
            _record("created file", path, os.fstat(fd).st_mode)
        return fd

    def mkdir(path: Any, mode: int = 0o777, *args: Any, **kwargs: Any) -> None:
        real_mkdir(path, mode, *args, **kwargs)
        _record("created folder", path, os.stat(path).st_mode)

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        _record("before rename", src, os.stat(src).st_mode)
        real_replace(src, dst, *args, **kwargs)
        _record("after rename", dst, os.stat(dst).st_mode)

    def link(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        real_link(src, dst, *args, **kwargs)
        _record("hard link", dst, os.stat(dst).st_mode)

    os.open, os.mkdir, os.replace, os.link = open_, mkdir, replace, link  # type: ignore[assignment]


def _cli(*args: str) -> int:
    from core.cli import main

    try:
        main(list(args), prog_name="audiences", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def main() -> None:
    work = Path(sys.argv[1])
    inputs = work / "inputs"
    inputs.mkdir(parents=True)
    (inputs / "people.csv").write_text(
        "phone,name\n+12025550123,Ada\n+919876543210,Grace\n(202) 555-0199,Bad Row\n"
    )
    (inputs / "more.csv").write_text("phone,name\n+12025550124,Linus\n")
    (work / "exports").mkdir()  # the user's folder, made before the tool runs
    os.umask(0o022)
    _install_hooks()

    from core.audience import Member
    from core.export import export_to_file
    from core.plan import plan_check
    from core.reading import read_file
    from core.store import Store

    store = Store(work / "data" / "nested" / "store")  # folders that do not exist yet
    store.create(
        "A",
        ["phone", "name"],
        "phone",
        [Member({"phone": "+12025550100", "name": "x"}, "+12025550100")],
    )
    store.add_members("A", [Member({"phone": "+12025550101", "name": "y"}, "+12025550101")])
    store.update_member(
        "A", "+12025550101", Member({"phone": "+12025550101", "name": "z"}, "+12025550101")
    )
    removed = store.remove_members("A", ["+12025550100"])
    store.insert_members("A", removed)
    store.rename("A", "B")
    audience, members = store.load("B")
    export_to_file(audience, members, work / "exports" / "b.csv")
    export_to_file(audience, members, work / "exports" / "b.csv")  # over an existing export
    plan = plan_check(read_file(inputs / "people.csv"), "phone")
    plan.write_problems()  # beside the input
    plan.write_problems(str(work / "exports" / "problems.csv"))
    store.delete("B")

    db = str(work / "cli-store")
    codes = {
        "create": _cli(
            "--db",
            db,
            "create",
            "P",
            str(inputs / "people.csv"),
            "--phone-column",
            "phone",
            "--skip-invalid",
        ),
        "add": _cli("--db", db, "add", "P", str(inputs / "more.csv")),
        "add-member": _cli("--db", db, "add-member", "P", "phone=+12025550125", "name=Ken"),
        "export": _cli("--db", db, "export", "P", "-o", str(work / "exports" / "cli.csv")),
        "export excel-safe": _cli(
            "--db", db, "export", "P", "-o", str(work / "exports" / "cli-safe.csv"), "--excel-safe"
        ),
    }
    final = {}
    for path in sorted(work.rglob("*")):
        if inputs in path.parents and path.name in ("people.csv", "more.csv"):
            continue
        if path in (inputs, work / "exports"):
            continue
        final[str(path.relative_to(work))] = oct(stat.S_IMODE(path.lstat().st_mode))
    print("PROBE " + json.dumps({"events": EVENTS, "final": final, "codes": codes}))


if __name__ == "__main__":
    main()
