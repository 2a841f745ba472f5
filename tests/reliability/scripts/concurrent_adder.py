"""One of several processes adding members to the same audience at once.

Usage: python concurrent_adder.py STORE AUDIENCE WORKER FIRST COUNT BATCH SYNC_DIR WORKERS

Adds members numbered FIRST .. FIRST+COUNT-1 (+91 98765 xxxxx), BATCH at a time, after
waiting for a "go" file in SYNC_DIR (so that all workers start together). When done it
writes SYNC_DIR/done-WORKER, waits for every worker's, loads the audience and prints
one JSON object: counts seen after each successful add, refusals by type, and the final
state it sees.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from core.audience import Member
from core.errors import AudiencesError, LimitExceeded
from core.store import Store


def main() -> None:
    store_path, audience, worker = sys.argv[1], sys.argv[2], sys.argv[3]
    first, count, batch = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    sync, workers = Path(sys.argv[7]), int(sys.argv[8])
    store = Store(store_path, lock_timeout=120)
    numbers = [f"+9198765{i:05d}" for i in range(first, first + count)]
    batches = [numbers[i : i + batch] for i in range(0, len(numbers), batch)]
    while not (sync / "go").exists():
        time.sleep(0.001)
    seen_counts: list[int] = []
    added: list[str] = []
    refused: dict[str, int] = {}
    refusal_messages: set[str] = set()
    for numbers_batch in batches:
        members = [
            Member({"phone": n, "name": f"w{worker}"}, n, "IN", "mobile") for n in numbers_batch
        ]
        try:
            result = store.add_members(audience, members)
        except LimitExceeded as exc:
            refused["LimitExceeded"] = refused.get("LimitExceeded", 0) + 1
            refusal_messages.add(exc.message)
            continue
        except AudiencesError as exc:
            refused[type(exc).__name__] = refused.get(type(exc).__name__, 0) + 1
            refusal_messages.add(exc.message)
            continue
        seen_counts.append(result.member_count)
        added.extend(numbers_batch)
    (sync / f"done-{worker}").write_text("done")
    while len(list(sync.glob("done-*"))) < workers:
        time.sleep(0.005)
    final, members = store.load(audience)
    print(
        json.dumps(
            {
                "worker": worker,
                "added": added,
                "seen_counts": seen_counts,
                "refused": refused,
                "refusal_messages": sorted(refusal_messages),
                "final_count": final.member_count,
                "final_keys": [m.e164 for m in members],
            }
        )
    )


if __name__ == "__main__":
    main()
