"""Calling hours: zones from the number, local times across DST, the window, the state rules.

Every test passes the instant it judges (`at`): none depends on the clock. Expected local
times and next starts are worked out by hand from the zones' UTC offsets, written beside
each row.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time
from pathlib import Path

import polars as pl
import pytest
from cli_runner import run

from core.audience import Member
from core.cli.ready import hours_text
from core.hours import (
    DEFAULT_WINDOW,
    US_AREA_CODE_STATES,
    Window,
    geocoder_area_code_states,
    hours_report,
    member_hours,
    number_zones,
    parse_window,
    state_of_description,
    state_rules_note,
    window_caution,
    zone_call,
    zones_of_number,
)
from core.phones import judge
from core.store import Store

NEW_YORK = "+12125550123"  # New York, NY
LOS_ANGELES = "+13105550124"  # California (310)
LONDON = "+442079460000"  # London fixed line
KOLKATA = "+919876543210"  # Indian mobile: one zone for the whole country
# The multi-zone number: Idaho's 208 covers the south (Mountain time, America/Boise) and
# the panhandle (Pacific time, America/Los_Angeles). libphonenumber cannot tell which, so
# the number maps to both and is callable only when both are inside the window. Chosen
# over a +7 Russian mobile (16 zones, Bucharest to Anadyr) because both of its zones
# change to DST on the same night, so its table can be worked out by hand.
IDAHO = "+12085550123"
FLORIDA = "+13055550123"  # Miami (305), America/New_York
OKLAHOMA = "+14055550123"  # Oklahoma City (405), America/Chicago
WASHINGTON = "+12065550123"  # Seattle (206), America/Los_Angeles
DC = "+12025550123"  # Washington D.C.: not Washington State
BOSTON = "+16175550123"  # Boston (617), America/New_York
CHICAGO = "+13125550123"  # Chicago (312), America/Chicago
SAN_FRANCISCO = "+14155550123"  # San Francisco (415), America/Los_Angeles
INMARSAT = "+870773111632"  # a satellite number: no zone (Etc/Unknown)
UK_MOBILE = "+447400100101"  # Guernsey, the Isle of Man, Jersey, London: one clock
RUSSIAN_MOBILE = "+79161234567"  # 16 zones, Bucharest to Anadyr


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def types_of(numbers: list[str]) -> list[str | None]:
    return [judge(n).number_type for n in numbers]


def hours_of(numbers: list[str], when: str, **kwargs: object) -> list[dict[str, object]]:
    frame = member_hours(numbers, types_of(numbers), at=at(when), **kwargs)  # type: ignore[arg-type]
    return frame.select("zone", "local_time", "status", "next_start").to_dicts()


def test_zones_come_from_libphonenumber() -> None:
    assert zones_of_number(NEW_YORK) == ("America/New_York",)
    assert zones_of_number(LOS_ANGELES) == ("America/Los_Angeles",)
    assert zones_of_number(LONDON) == ("Europe/London",)
    assert zones_of_number(KOLKATA) == ("Asia/Calcutta",)
    assert zones_of_number(IDAHO) == ("America/Boise", "America/Los_Angeles")
    assert zones_of_number(INMARSAT) == ("Etc/Unknown",)


# Hand-computed: (number, local time(s), status, next start in UTC).
# 2026-12-02 14:00 UTC, winter everywhere: New York UTC-5, Los Angeles UTC-8, London UTC+0,
# Kolkata UTC+5:30, Boise UTC-7.
WINTER_TABLE = [
    (NEW_YORK, "09:00", "callable", None),
    (LOS_ANGELES, "06:00", "not_callable", "2026-12-02T16:00:00+00:00"),  # 08:00 PST
    (LONDON, "14:00", "callable", None),
    (KOLKATA, "19:30", "callable", None),
    # Boise 07:00, LA 06:00: both open when LA reaches 08:00 (Boise 09:00) = 16:00 UTC.
    (IDAHO, "07:00, 06:00", "not_callable", "2026-12-02T16:00:00+00:00"),
]
# 2026-07-15 02:30 UTC, northern summer: New York UTC-4, Los Angeles UTC-7, London UTC+1,
# Kolkata UTC+5:30 (no DST), Boise UTC-6.
SUMMER_TABLE = [
    (NEW_YORK, "22:30", "not_callable", "2026-07-15T12:00:00+00:00"),  # 08:00 EDT
    (LOS_ANGELES, "19:30", "callable", None),
    (LONDON, "03:30", "not_callable", "2026-07-15T07:00:00+00:00"),  # 08:00 BST
    (KOLKATA, "08:00", "callable", None),  # the start is inside the window
    (IDAHO, "20:30, 19:30", "callable", None),
]
# 2026-12-03 02:00 UTC: New York 21:00 exactly (the end is outside), Kolkata 07:30.
EDGE_TABLE = [
    (NEW_YORK, "21:00", "not_callable", "2026-12-03T13:00:00+00:00"),
    (LOS_ANGELES, "18:00", "callable", None),
    (LONDON, "02:00", "not_callable", "2026-12-03T08:00:00+00:00"),
    (KOLKATA, "07:30", "not_callable", "2026-12-03T02:30:00+00:00"),  # 08:00 IST
    (IDAHO, "19:00, 18:00", "callable", None),
]


@pytest.mark.parametrize(
    ("when", "table"),
    [
        ("2026-12-02T14:00:00Z", WINTER_TABLE),
        ("2026-07-15T02:30:00Z", SUMMER_TABLE),
        ("2026-12-03T02:00:00Z", EDGE_TABLE),
    ],
)
def test_hand_computed_table(when: str, table: list[tuple[str, str, str, str | None]]) -> None:
    numbers = [row[0] for row in table]
    got = hours_of(numbers, when)
    for (number, local, status, next_start), row in zip(table, got, strict=True):
        assert row["local_time"] == local, number
        assert row["status"] == status, number
        assert row["next_start"] == (utc(next_start) if next_start else None), number


@pytest.mark.parametrize(
    ("number", "when", "local", "status", "next_start"),
    [
        # US spring forward, 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC).
        (NEW_YORK, "2026-03-07T12:30:00Z", "07:30", "not_callable", "2026-03-07T13:00:00Z"),
        (NEW_YORK, "2026-03-08T12:30:00Z", "08:30", "callable", None),
        # From Saturday evening the next window opens on Sunday at 08:00 EDT = 12:00 UTC,
        # not 13:00 as the evening's offset would say.
        (NEW_YORK, "2026-03-08T02:00:00Z", "21:00", "not_callable", "2026-03-08T12:00:00Z"),
        # US fall back, 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC).
        (NEW_YORK, "2026-11-01T02:00:00Z", "22:00", "not_callable", "2026-11-01T13:00:00Z"),
        (NEW_YORK, "2026-11-01T12:30:00Z", "07:30", "not_callable", "2026-11-01T13:00:00Z"),
        (LOS_ANGELES, "2026-11-01T09:30:00Z", "01:30", "not_callable", "2026-11-01T16:00:00Z"),
        # UK, 2026-03-29 01:00 GMT -> 02:00 BST.
        (LONDON, "2026-03-28T22:00:00Z", "22:00", "not_callable", "2026-03-29T07:00:00Z"),
        (LONDON, "2026-03-29T07:30:00Z", "08:30", "callable", None),
        # UK, 2026-10-25 02:00 BST -> 01:00 GMT.
        (LONDON, "2026-10-24T21:00:00Z", "22:00", "not_callable", "2026-10-25T08:00:00Z"),
        (LONDON, "2026-10-25T07:30:00Z", "07:30", "not_callable", "2026-10-25T08:00:00Z"),
        # Between the US and UK changes New York is 4 hours behind London, not 5.
        (LONDON, "2026-03-20T12:00:00Z", "12:00", "callable", None),
        (NEW_YORK, "2026-03-20T12:00:00Z", "08:00", "callable", None),
    ],
)
def test_across_dst_changes(
    number: str, when: str, local: str, status: str, next_start: str | None
) -> None:
    (row,) = hours_of([number], when)
    assert (row["local_time"], row["status"]) == (local, status)
    assert row["next_start"] == (utc(next_start) if next_start else None)


def test_a_window_the_zones_never_share_has_no_next_start() -> None:
    # 09:00-10:00 in Boise is 08:00-09:00 in Los Angeles: never both inside at once.
    call = zone_call(
        ("America/Boise", "America/Los_Angeles"),
        Window(time(9), time(10)),
        at("2026-12-02T14:00:00Z"),
    )
    assert call.callable is False and call.next_start is None and not call.unknown


def test_unknown_zone_is_never_callable() -> None:
    (row,) = hours_of([INMARSAT], "2026-12-02T14:00:00Z")
    assert row == {
        "zone": "Etc/Unknown",
        "local_time": None,
        "status": "unknown",
        "next_start": None,
    }


@pytest.mark.parametrize(
    ("number", "when", "local"),
    [
        (FLORIDA, "2026-12-03T01:30:00Z", "20:30"),  # EST
        (OKLAHOMA, "2026-12-03T02:30:00Z", "20:30"),  # CST
        (WASHINGTON, "2026-12-03T04:30:00Z", "20:30"),  # PST
    ],
)
def test_us_state_rules_end_at_20(number: str, when: str, local: str) -> None:
    (federal,) = hours_of([number], when)
    assert (federal["local_time"], federal["status"]) == (local, "callable")
    frame = member_hours([number], types_of([number]), at=at(when), us_state_rules=True)
    ruled = frame.row(0, named=True)
    assert ruled["status"] == "not_callable" and ruled["window"] == "08:00-20:00"
    assert ruled["state"] in ("FL", "OK", "WA")


def test_us_state_rules_leave_washington_dc_alone() -> None:
    frame = member_hours([DC], types_of([DC]), at=at("2026-12-03T01:30:00Z"), us_state_rules=True)
    assert frame.row(0, named=True)["status"] == "callable"
    assert frame["state"].to_list() == [None]


# One number in each of FL, OK and WA and one beside each in the same zone, and D.C.
# 18:00 UTC on 2 Dec: New York 13:00, Chicago 12:00, Los Angeles 10:00.
US_CITIES = [DC, BOSTON, FLORIDA, CHICAGO, OKLAHOMA, SAN_FRANCISCO, WASHINGTON]
MIDDAY = "2026-12-02T18:00:00Z"


@pytest.mark.parametrize("window", ["09:00-17:00", "08:00-20:00"])
def test_a_state_rule_that_shortens_nothing_names_no_state(window: str) -> None:
    """Ending by 20:00 already, the window is the same in FL, OK and WA: their members
    share the zone's row, which names no state (not "FL: until 17:00" for D.C.)."""
    report = hours_report(
        US_CITIES, types_of(US_CITIES), at=at(MIDDAY), window=parse_window(window),
        us_state_rules=True,
    )  # fmt: skip
    assert {z.label: z.members for z in report.zones} == {
        "America/New_York": 3,
        "America/Chicago": 2,
        "America/Los_Angeles": 2,
    }
    assert all(z.states == () for z in report.zones)


def test_a_state_rule_that_shortens_the_window_names_its_state() -> None:
    report = hours_report(
        US_CITIES, types_of(US_CITIES), at=at(MIDDAY), window=parse_window("09:00-20:01"),
        us_state_rules=True,
    )  # fmt: skip
    assert {z.label: z.members for z in report.zones} == {
        "America/New_York": 2,
        "America/New_York (FL: until 20:00)": 1,
        "America/Chicago": 1,
        "America/Chicago (OK: until 20:00)": 1,
        "America/Los_Angeles": 1,
        "America/Los_Angeles (WA: until 20:00)": 1,
    }


def test_a_window_opening_after_a_states_end_never_opens_there() -> None:
    """20:30-22:00: Miami's calls end at 20:00, before the window opens, so Miami is
    never callable; Boston (20:30) is."""
    numbers = [BOSTON, FLORIDA]
    report = hours_report(
        numbers, types_of(numbers), at=at("2026-12-03T01:30:00Z"),
        window=parse_window("20:30-22:00"), us_state_rules=True,
    )  # fmt: skip
    zones = {z.label: z for z in report.zones}
    assert zones["America/New_York"].callable
    florida = zones["America/New_York (FL: until 20:00)"]
    assert (florida.status, florida.next_start, florida.local_times) == (
        "not_callable", None, ("20:30",)
    )  # fmt: skip
    assert "  never: FL calls end at 20:00  " in hours_text(report, "Leads")[-1]


@pytest.mark.parametrize(
    ("window", "note"),
    [
        ("08:00-21:00", "20:00 in FL, OK, WA"),
        ("09:00-20:01", "20:00 in FL, OK, WA"),
        ("08:00-20:00", None),
        ("09:00-17:00", None),
    ],
)
def test_the_header_names_only_states_whose_rule_ends_the_window_earlier(
    window: str, note: str | None
) -> None:
    assert state_rules_note(parse_window(window)) == note
    report = hours_report(
        US_CITIES, types_of(US_CITIES), at=at(MIDDAY), window=parse_window(window),
        us_state_rules=True,
    )  # fmt: skip
    header = f"Leads at 2026-12-02 18:00 UTC, calling hours {window} local"
    assert hours_text(report, "Leads")[0] == header + (f" ({note})" if note else "")


@pytest.mark.parametrize(
    ("description", "state"),
    [
        ("Florida", "FL"),
        ("Palm Beach, FL", "FL"),
        ("Oklahoma", "OK"),
        ("Washington State", "WA"),
        ("Washington D.C.", None),
        ("New York, NY", None),
        ("", None),
    ],
)
def test_state_of_description(description: str, state: str | None) -> None:
    assert state_of_description(description) == state


def test_area_code_table_matches_the_geocoder() -> None:
    """The shipped table is libphonenumber's geocoder data (4 s to load it, once)."""
    assert geocoder_area_code_states() == US_AREA_CODE_STATES


def test_cached_zones_equal_the_library_number_by_number() -> None:
    """Zones are looked up once per (type, decisive prefix): the result for every number
    must be the library's own answer for that number."""
    from benchmarks.data import phone_values

    values = pl.Series(phone_values(6000, seed=11))
    verdicts = [judge(v) for v in values]
    numbers = [v.e164 for v in verdicts if v.valid and v.e164]
    kinds = [v.number_type for v in verdicts if v.valid]
    numbers += ["+12125550199", "+12125551234", IDAHO, INMARSAT, "+18005550199"]
    kinds += types_of(numbers[-5:])
    got = number_zones(numbers, kinds)["zones"].to_list()
    assert len(numbers) > 3000
    assert [tuple(z) for z in got] == [zones_of_number(n) for n in numbers]
    # Without stored types each number is looked up alone, with the same answers.
    untyped = number_zones(numbers[:300], [None] * 300)["zones"].to_list()
    assert [tuple(z) for z in untyped] == [zones_of_number(n) for n in numbers[:300]]


def test_hours_report_counts_and_leaves_suppressed_members_apart() -> None:
    numbers = [NEW_YORK, "+12125550199", LOS_ANGELES, LONDON, KOLKATA, IDAHO, INMARSAT]
    report = hours_report(
        numbers,
        types_of(numbers),
        at=at("2026-12-02T14:00:00Z"),
        suppressed=frozenset({LONDON}),
    )
    assert (report.callable, report.not_callable, report.unknown, report.suppressed) == (
        3,  # the two New York numbers and Kolkata
        2,  # Los Angeles and Idaho
        1,
        1,
    )
    assert report.members == 7
    assert [z.label for z in report.zones][:1] == ["America/New_York"]
    assert "Europe/London" not in [z.label for z in report.zones]
    assert sum(z.members for z in report.zones) == 6


def test_an_audience_without_members_has_empty_hours() -> None:
    report = hours_report([], [], at=at("2026-12-02T14:00:00Z"))
    assert (report.members, report.callable, report.zones) == (0, 0, [])
    assert member_hours([], [], at=at("2026-12-02T14:00:00Z")).height == 0


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("08:00-21:00", DEFAULT_WINDOW),
        ("8:00-20:00", Window(time(8), time(20))),
        (" 09:30-17:45 ", Window(time(9, 30), time(17, 45))),
        ("00:00-24:00", Window(time(0), time.max)),
    ],
)
def test_parse_window(text: str, window: Window) -> None:
    assert parse_window(text) == window


@pytest.mark.parametrize(
    "text", ["21:00-08:00", "08:00-08:00", "8-21", "08:00-24:30", "25:00-26:00", ""]
)
def test_parse_window_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_window(text)


@pytest.mark.parametrize(
    ("text", "cautioned"),
    [("08:00-21:00", False), ("09:00-17:00", False), ("07:30-21:00", True), ("08:00-24:00", True)],
)
def test_a_window_beyond_the_tcpa_hours_is_cautioned(text: str, cautioned: bool) -> None:
    caution = window_caution(parse_window(text))
    assert (caution is not None) == cautioned
    if caution:
        assert text in caution and "08:00-21:00" in caution


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        member_hours([NEW_YORK], ["fixed_line_or_mobile"], at=datetime(2026, 12, 2, 14))


@pytest.mark.parametrize(
    "when",
    [
        "9999-12-31T23:59:00Z",  # its next window, two weeks on, is past the last date
        "0001-01-01T00:00:00Z",  # New York's clock reads the year 0
        "0001-01-01T00:00:00+01:00",  # before the first date in UTC
        "9999-12-31T23:59:00-01:00",  # after the last date in UTC
        "1899-12-31T23:59:59Z",
        "9999-01-01T00:00:00Z",
    ],
)
def test_a_time_out_of_range_is_refused(when: str) -> None:
    numbers = [NEW_YORK, LOS_ANGELES, KOLKATA]
    with pytest.raises(ValueError, match=r"from 1900-01-01T00:00Z to 9998-12-31T23:59Z \(in UTC\)"):
        hours_report(numbers, types_of(numbers), at=at(when))


@pytest.mark.parametrize("when", ["1900-01-01T00:00:00Z", "9998-12-31T23:59:59Z"])
def test_the_first_and_last_times_judged(when: str) -> None:
    numbers = [NEW_YORK, LOS_ANGELES, KOLKATA, INMARSAT]
    report = hours_report(numbers, types_of(numbers), at=at(when))
    assert report.members == 4 and report.unknown == 1


# --- the command ------------------------------------------------------------------------


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "store"
    numbers = [NEW_YORK, LOS_ANGELES, LONDON, KOLKATA, IDAHO, INMARSAT, FLORIDA]
    members = [
        Member({"phone": n, "name": f"Member {i}"}, n, judge(n).region, judge(n).number_type)
        for i, n in enumerate(numbers)
    ]
    Store(db).create("Leads", ["phone", "name"], "phone", members, ["phone"])
    return db


def test_hours_json_shape(seeded: Path) -> None:
    result = run("hours", "Leads", "--at", "2026-12-02T14:00:00Z", "--json", db=seeded)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {
        "at", "window", "us_state_rules", "callable", "not_callable", "unknown",
        "suppressed", "zones",
    }  # fmt: skip
    assert report["at"] == "2026-12-02T14:00:00Z" and report["window"] == "08:00-21:00"
    assert report["us_state_rules"] is False
    assert (report["callable"], report["not_callable"], report["unknown"]) == (4, 2, 1)
    zones = {z["zone"]: z for z in report["zones"]}
    for zone in zones.values():
        assert set(zone) == {"zone", "members", "local_time", "callable", "next_start"}
    assert zones["America/New_York"] == {
        "zone": "America/New_York",
        "members": 2,  # New York and Florida
        "local_time": "09:00",
        "callable": True,
        "next_start": None,
    }
    assert zones["America/Boise, America/Los_Angeles"]["next_start"] == "2026-12-02T16:00:00Z"
    assert zones["Etc/Unknown"] == {
        "zone": "Etc/Unknown",
        "members": 1,
        "local_time": None,
        "callable": False,
        "next_start": None,
    }


def test_hours_state_rules_and_text(seeded: Path) -> None:
    result = run(
        "hours", "Leads", "--at", "2026-12-03T01:30:00Z", "--us-state-rules", "--json", db=seeded
    )
    assert json.loads(result.stdout)["us_state_rules"] is True
    zones = {z["zone"]: z for z in json.loads(result.stdout)["zones"]}
    assert zones["America/New_York (FL: until 20:00)"]["callable"] is False
    assert zones["America/New_York (FL: until 20:00)"]["next_start"] == "2026-12-03T13:00:00Z"
    assert zones["America/New_York"]["callable"] is True
    text = run("hours", "Leads", "--at", "2026-12-02T14:00:00Z", db=seeded)
    assert "callable now: 4 / 7" in text.stdout
    assert "from 2026-12-02 16:00 UTC" in text.stdout
    assert text.stderr == ""
    wide = run(
        "hours", "Leads", "--at", "2026-12-02T14:00:00Z", "--window", "07:00-22:00", db=seeded
    )
    assert wide.returncode == 0 and "TCPA" in wide.stderr and "TCPA" not in wide.stdout


def test_hours_text_names_each_local_time_once_and_counts_other_zones() -> None:
    """14:30 UTC: the UK mobile's four zones all read 14:30, shown once; the fourth zone
    is "1 other zone"."""
    numbers = [NEW_YORK, UK_MOBILE, IDAHO, INMARSAT]
    report = hours_report(numbers, types_of(numbers), at=at("2026-12-02T14:30:00Z"))
    assert hours_text(report, "Leads")[2:] == [
        "       1  07:30, 06:30  from 2026-12-02 16:00 UTC  America/Boise, America/Los_Angeles",
        "       1  09:30         callable now               America/New_York",
        "       1  --:--         zone unknown               Etc/Unknown",
        "       1  14:30         callable now               "
        "Europe/Guernsey, Europe/Isle_of_Man, Europe/Jersey and 1 other zone",
    ]


@pytest.mark.parametrize("window", ["08:00-21:00", "09:00-10:00"])
def test_hours_text_keeps_its_columns_aligned(window: str) -> None:
    """A Russian mobile's many local times (two named), and "never: ..." (Idaho's two
    zones never share 09:00-10:00), are wider than the other rows: every column starts
    where the others' does."""
    numbers = [NEW_YORK, RUSSIAN_MOBILE, IDAHO, INMARSAT]
    report = hours_report(
        numbers, types_of(numbers), at=at("2026-12-02T14:30:00Z"), window=parse_window(window)
    )
    rows = hours_text(report, "Leads")[2:]
    (russian,) = [row for row in rows if "Asia/Almaty" in row]
    assert re.search(r"  \d\d:\d\d, \d\d:\d\d and \d+ more  ", russian)
    zones = [z.describe(max_zones=3) for z in report.zones]
    assert len({row.index(zone) for row, zone in zip(rows, zones, strict=True)}) == 1
    whens = [row.index(word) for row in rows for word in ("callable", "from", "never", "zone u")
             if word in row]  # fmt: skip
    assert len(whens) == len(rows) and len(set(whens)) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--at", "2026-12-02T14:00:00"),  # no offset
        ("--at", "yesterday"),
        ("--at", "9999-12-31T23:59:00Z"),
        ("--at", "0001-01-01T00:00:00Z"),
        ("--at", "0001-01-01T00:00:00+01:00"),
        ("--window", "21:00-08:00"),
        ("--window", "9-5"),
    ],
)
def test_hours_bad_options_exit_2(seeded: Path, args: tuple[str, ...]) -> None:
    result = run("hours", "Leads", *args, db=seeded)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_hours_of_a_missing_audience(seeded: Path) -> None:
    result = run("hours", "Nope", "--at", "2026-12-02T14:00:00Z", db=seeded)
    assert result.returncode == 2 and "no audience named 'Nope'" in result.stderr
