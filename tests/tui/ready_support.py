"""An audience spread over zones, a do-not-call entry, and a clock the tests set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.store import Store
from core.suppress import add_numbers

# 14:00 UTC on a December Wednesday (no DST anywhere below):
# New York 09:00 (callable), Los Angeles 06:00 (opens 16:00 UTC), London 14:00
# (callable), Kolkata 19:30 (callable), Idaho 208 = Boise 07:00 and Los Angeles 06:00
# (both inside from 16:00 UTC), Inmarsat: no zone.
AT = datetime.fromisoformat("2026-12-02T14:00:00Z")
NEW_YORK = ["+12125550101", "+12125550102", "+12125550103"]
LOS_ANGELES = ["+13105550101", "+13105550102"]
LONDON = ["+447400100101", "+442079460000"]
KOLKATA = ["+919876543210"]
IDAHO = ["+12085550123"]
INMARSAT = ["+870773111632"]
SUPPRESSED = NEW_YORK[2]
NAME = "Dial test"
ROWS = [
    *(("NY", n) for n in NEW_YORK),
    *(("LA", n) for n in LOS_ANGELES),
    *(("London", n) for n in LONDON),
    *(("Kolkata", n) for n in KOLKATA),
    *(("Idaho", n) for n in IDAHO),
    *(("Sat", n) for n in INMARSAT),
]


@dataclass
class Clock:
    """A clock a test moves by hand."""

    now: datetime = AT

    def __call__(self) -> datetime:
        return self.now


def dial_store(tmp_path: Path, kit) -> Store:
    store = Store(tmp_path / "store", lock_timeout=30)
    csv = "phone,city\n" + "".join(f"{n},{c}\n" for c, n in ROWS)
    kit.add_audience(store, tmp_path, NAME, csv, "phone")
    add_numbers(store, [SUPPRESSED], at=AT)
    kit.pin_times(store)
    return store
