"""A store writer for the kill loop: random operations, each logged before and after.

Usage: python kill_writer.py STORE LOG SEED [MAX_OPS]

It prints ``ready`` once it has read the store. Before an operation starts, the writer
appends ``B <id> <operation as JSON>`` to LOG and fsyncs it; when the store call has
returned, ``C <id>``. The test kills this process at
random moments and checks the store against the log. Any error from the store is a
failure: the writer prints it and exits 3 (the test reports it).
"""

from __future__ import annotations

import json
import os
import random
import string
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/reliability
from _support import apply, snapshot  # noqa: E402

from core.audience import Member
from core.store import Store

MAX_AUDIENCES = 6
MAX_MEMBERS = 1_200
COLUMN_SETS = (
    (["phone", "name"], "phone"),
    (["First_Name", "Last_Name", "Mobile", "City"], "Mobile"),
    (["id", "tel", "note"], "tel"),
)
TEXT = string.ascii_letters + string.digits + " éüßøЖ中\"',;|\t"


class Writer:
    def __init__(self, store_path: str, log_path: str, seed: int) -> None:
        self.store = Store(store_path, lock_timeout=30)
        self.log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        # A kill during a long line's write (a create of 1,000 members is tens of KB)
        # can leave part of it: Linux ends a write between pages when SIGKILL is
        # pending. The test reads only whole lines; this writer's first line must not
        # be glued to that part, so it is cut off first.
        logged = Path(log_path).read_bytes()
        if not logged.endswith(b"\n"):
            os.ftruncate(self.log, logged.rfind(b"\n") + 1)
        self.rng = random.Random(seed)
        self.seed = seed
        self.state = snapshot(self.store)
        self.removed: dict[str, list[list[Any]]] = {}
        self.count = 0

    def note(self, line: str) -> None:
        os.write(self.log, (line + "\n").encode())
        os.fsync(self.log)

    # --- random content ------------------------------------------------------------
    def text(self, n: int = 12) -> str:
        return "".join(self.rng.choices(TEXT, k=self.rng.randint(0, n)))

    def member(self, columns: list[str], phone: str, taken: set[str]) -> list[Any]:
        while True:
            digits = f"1{self.rng.randrange(10**10):010d}"
            e164 = "+" + digits
            if e164 not in taken:
                break
        taken.add(e164)
        stored = e164 if self.rng.random() < 0.7 else digits
        values = {c: (stored if c == phone else self.text()) for c in columns}
        return [values, e164, self.rng.choice(["US", "CA", None]), "mobile"]

    def members(self, name: str | None, columns: list[str], phone: str, n: int) -> list[Any]:
        taken = {m[1] for m in self.state[name]["members"]} if name else set()
        return [self.member(columns, phone, taken) for _ in range(n)]

    # --- choosing an operation -----------------------------------------------------
    def choose(self) -> dict[str, Any]:
        names = sorted(self.state)
        roll = self.rng.random()
        if not names or (roll < 0.12 and len(names) < MAX_AUDIENCES):
            name = self.fresh_name()
            columns, phone = self.rng.choice(COLUMN_SETS)
            required = [c for c in columns if self.rng.random() < 0.5]
            n = self.rng.choice([0, 1, 5, 40, 200, 600])
            return {
                "op": "create",
                "name": name,
                "columns": columns,
                "phone_column": phone,
                "required": required,
                "members": self.members(None, columns, phone, n),
            }
        name = self.rng.choice(names)
        audience = self.state[name]
        size = len(audience["members"])
        if roll < 0.45 and size < MAX_MEMBERS:
            n = self.rng.choice([1, 1, 3, 20, 150])
            return {
                "op": "add",
                "name": name,
                "members": self.members(name, audience["columns"], audience["phone_column"], n),
            }
        if roll < 0.60 and size:
            old = self.rng.choice(audience["members"])
            new = self.members(name, audience["columns"], audience["phone_column"], 1)[0]
            if self.rng.random() < 0.5:  # same number, other fields changed
                new[0][audience["phone_column"]] = old[0][audience["phone_column"]]
                new[1] = old[1]
            return {"op": "edit", "name": name, "old": old[1], "member": new}
        if roll < 0.75 and size:
            k = self.rng.randint(1, min(size, 30))
            return {
                "op": "remove",
                "name": name,
                "e164s": [m[1] for m in self.rng.sample(audience["members"], k)],
            }
        if roll < 0.80 and self.removed.get(name):
            placed = self.removed.pop(name)
            keys = {m[1] for m in audience["members"]}
            if not any(m[1] in keys for _, m in placed) and size + len(placed) <= MAX_MEMBERS:
                return {"op": "insert", "name": name, "placed": placed}
        if roll < 0.90:
            return {"op": "rename", "old": name, "new": self.fresh_name()}
        if len(names) > 2:
            return {"op": "delete", "name": name}
        return {"op": "rename", "old": name, "new": self.fresh_name()}

    def fresh_name(self) -> str:
        while True:
            name = f"aud {self.rng.randint(0, 10**6)} {self.rng.choice(['Ω', 'é', 'x', '中'])}"
            if name not in self.state:
                return name

    # --- running it ----------------------------------------------------------------
    def perform(self, op: dict[str, Any]) -> None:
        s = self.store
        kind = op["op"]
        as_member = lambda row: Member(row[0], row[1], row[2], row[3])  # noqa: E731
        if kind == "create":
            s.create(
                op["name"],
                op["columns"],
                op["phone_column"],
                [as_member(r) for r in op["members"]],
                op["required"],
            )
        elif kind == "add":
            s.add_members(op["name"], [as_member(r) for r in op["members"]])
        elif kind == "edit":
            s.update_member(op["name"], op["old"], as_member(op["member"]))
        elif kind == "remove":
            removed = s.remove_members(op["name"], op["e164s"])
            self.removed[op["name"]] = [
                [pos, [m.values, m.e164, m.region, m.number_type]] for pos, m in removed
            ]
        elif kind == "insert":
            s.insert_members(op["name"], [(pos, as_member(r)) for pos, r in op["placed"]])
        elif kind == "rename":
            s.rename(op["old"], op["new"])
            if op["old"] in self.removed:
                self.removed[op["new"]] = self.removed.pop(op["old"])
        elif kind == "delete":
            s.delete(op["name"])
            self.removed.pop(op["name"], None)

    def run(self, max_ops: int) -> None:
        while max_ops <= 0 or self.count < max_ops:
            op = self.choose()
            op_id = f"{self.seed}.{self.count}"
            self.note(f"B {op_id} {json.dumps(op, ensure_ascii=False)}")
            self.perform(op)
            self.note(f"C {op_id}")
            self.state = apply(self.state, op)
            self.count += 1


def main() -> None:
    store_path, log_path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    max_ops = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    Path(store_path).parent.mkdir(parents=True, exist_ok=True)
    try:
        writer = Writer(store_path, log_path, seed)
        # Started (imports done, the store read): kill moments are counted from here, so
        # that a slow start on a loaded machine does not eat them.
        print("ready", flush=True)
        writer.run(max_ops)
    except Exception as exc:  # the test reads this and fails with it
        print(f"writer failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        raise SystemExit(3) from None


if __name__ == "__main__":
    main()
