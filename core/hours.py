"""Calling hours: each member's possible time zones, local time, and whether it may be called.

Time zones come from the number alone, offline, through libphonenumber's own data
(`phonenumbers.timezone`; the US state rules use its geocoder's area codes). Local
times come from `zoneinfo` (the system's zone data, else the `tzdata` package), so
daylight saving is applied as each zone applies it.

Rules, decided once here:

- The window is local wall-clock time, start included, end excluded: with 08:00-21:00 a
  member is callable from 08:00:00 up to 20:59:59.
- A number that maps to several zones is callable only when every one of them is inside
  the window (a +1 208 Idaho number may be in Boise or in Los Angeles time).
- A number without a known zone (``Etc/Unknown``, or a zone `zoneinfo` does not know) is
  "unknown", never callable.
- `next_start` is the next instant, in UTC, at which the whole zone set is inside the
  window; None when the set is callable now (nothing to wait for), when its zones are
  unknown, and when no such instant exists within two weeks (a window too short for
  zones that far apart: 09:00-10:00 in both Boise and Los Angeles never happens).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.words import plural

if TYPE_CHECKING:
    import polars as pl

UNKNOWN_ZONE = "Etc/Unknown"
NEXT_START_HORIZON_DAYS = 14

Status = Literal["callable", "not_callable", "unknown"]
STATUSES: tuple[Status, ...] = ("callable", "not_callable", "unknown")


@dataclass(frozen=True, slots=True)
class Window:
    """Local calling hours: from `start` (included) to `end` (excluded), same day."""

    start: time
    end: time

    def __str__(self) -> str:
        end = "24:00" if self.end == time.max else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"

    def contains(self, local: time) -> bool:
        return self.start <= local < self.end

    def ending_by(self, end: time) -> Window:
        """This window, ending no later than `end`: never open (`closed`) when `end` comes
        by its start (20:30-22:00 ending by 20:00)."""
        return replace(self, end=min(self.end, end))

    @property
    def closed(self) -> bool:
        """Never open: it ends by the time it starts (only `ending_by` makes such)."""
        return self.end <= self.start


DEFAULT_WINDOW = Window(time(8, 0), time(21, 0))
"""The TCPA's hours (47 CFR 64.1200(c)(1)): 8 a.m. to 9 p.m. in the callee's local time."""


def window_caution(window: Window) -> str | None:
    """What to tell a user whose window reaches outside 08:00-21:00 local (None when it
    does not): members would be counted callable at hours US rules forbid."""
    if window.start >= DEFAULT_WINDOW.start and window.end <= DEFAULT_WINDOW.end:
        return None
    return (
        f"{window} reaches outside {DEFAULT_WINDOW}, the hours the US TCPA allows calls "
        "in (the member's local time): members are counted callable outside them"
    )


_WINDOW = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])-([01]?[0-9]|2[0-4]):([0-5][0-9])")


def parse_window(text: str) -> Window:
    """`HH:MM-HH:MM` (start before end, both the same day) or ValueError saying why."""
    match = _WINDOW.fullmatch(text.strip())
    if match is None:
        raise ValueError("give the window as HH:MM-HH:MM, for example 08:00-21:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h2 == 24 and m2 != 0:
        raise ValueError("a window ends at 24:00 at the latest")
    start = time(h1, m1)
    end = time.max if h2 == 24 else time(h2, m2)
    if start >= end:
        raise ValueError("the window must start before it ends, within one day")
    return Window(start, end)


# --- US state rules -----------------------------------------------------------------
# TCPA: 8:00-21:00 in the callee's local time; Florida, Oklahoma and Washington end at
# 20:00. Data, so the rule reads in one place and the tests can check every line.
US_STATE_CALL_END: dict[str, time] = {"FL": time(20, 0), "OK": time(20, 0), "WA": time(20, 0)}


def state_rules_note(window: Window) -> str | None:
    """What the US state rules change in `window`: the earlier ends and the states they
    hold in (`20:00 in FL, OK, WA`); None when no state's rule ends `window` earlier
    (09:00-17:00 ends before 20:00 everywhere)."""
    ends: dict[time, list[str]] = {}
    for state, end in US_STATE_CALL_END.items():
        if window.ending_by(end) != window:
            ends.setdefault(end, []).append(state)
    if not ends:
        return None
    return "; ".join(
        # A rule ending calls by the window's start closes it there (20:30-22:00).
        f"never in {', '.join(states)}: calls end there at {end:%H:%M}"
        if window.ending_by(end).closed
        else f"{end:%H:%M} in {', '.join(states)}"
        for end, states in sorted(ends.items())
    )


# How the geocoder names those states (en): the whole area code ("Florida", "Washington
# State") or a city in it ("Palm Beach, FL"). "Washington D.C." is not Washington State.
_STATE_NAMES: dict[str, str] = {"Florida": "FL", "Oklahoma": "OK", "Washington State": "WA"}
_STATE_SUFFIX = re.compile(r", (FL|OK|WA)$")


def state_of_description(description: str) -> str | None:
    """FL, OK or WA when the geocoder's description places a number there, else None."""
    if description in _STATE_NAMES:
        return _STATE_NAMES[description]
    match = _STATE_SUFFIX.search(description)
    return match.group(1) if match else None


# --- one number ----------------------------------------------------------------------
def zones_of_number(e164: str) -> tuple[str, ...]:
    """The number's possible zones, as libphonenumber gives them (the reference)."""
    import phonenumbers
    from phonenumbers import timezone

    number = phonenumbers.parse(e164, None)
    return tuple(str(z) for z in timezone.time_zones_for_number(number))


# The area codes of those states, as the geocoder describes them (en), derived from
# libphonenumber's geocoder data by `geocoder_area_code_states` (a test checks that they
# are still equal). Kept here because importing the geocoder's data takes 4 s (19 MB of
# Python), too long for every `hours` and for the app.
_AREA_CODES = {
    "FL": "239 305 321 324 352 386 407 448 561 645 656 689 727 728 754 772 786 813 850 863 "
    "904 941 954",
    "OK": "405 539 572 580 918",
    "WA": "206 253 360 425 509 564",
}
US_AREA_CODE_STATES: dict[str, str] = {
    code: state for state, codes in _AREA_CODES.items() for code in codes.split()
}


def geocoder_area_code_states() -> dict[str, str]:
    """Area code -> FL/OK/WA for every +1 prefix the geocoder describes as in those
    states, from libphonenumber's geocoder data (what `US_AREA_CODE_STATES` must equal)."""
    states: dict[str, str] = {}
    for prefix, names in _nanp_geocoder_data().items():
        if prefix.startswith("1") and len(prefix) >= 4:
            state = state_of_description(str(names.get("en", "")))
            if state is not None:
                states[prefix[1:4]] = state
    return states


def _nanp_geocoder_data() -> dict[str, dict[str, str]]:
    """The geocoder's +1 prefixes. Its data files are sorted by prefix, so only the first
    few hold +1 ones: those are read alone (0.8 s) rather than all of them through
    `phonenumbers.geodata` (4 s or more); the whole package is the fallback."""
    from pathlib import Path

    import phonenumbers

    folder = Path(phonenumbers.__file__).parent / "geodata"
    data: dict[str, dict[str, str]] = {}
    n = 0
    while (path := folder / f"data{n}.py").exists():
        text = path.read_text(encoding="utf-8")
        first = re.search(r"^ '(\d+)'", text, re.MULTILINE)
        if first is None or not first.group(1).startswith("1"):
            break
        # The files hold one dict literal (and `from ..util import u`).
        scope: dict[str, Any] = {"__name__": f"phonenumbers.geodata.data{n}"}
        scope["__package__"] = "phonenumbers.geodata"
        exec(compile(text, str(path), "exec"), scope)
        data.update(scope["data"])
        n += 1
    if not data:
        from phonenumbers.geodata import GEOCODE_DATA

        data = dict(GEOCODE_DATA)
    return data


# --- many numbers, cached -----------------------------------------------------------
# libphonenumber looks a geographical number up by its longest prefix in TIMEZONE_DATA,
# and a non-geographical one by its country code; which of the two depends on the
# number type. So two numbers of the same type whose digits agree on the first
# `prefix_depth` digits get the same zones: `prefix_depth` counts the leading prefixes
# of the number that begin at least one key of the data (every key the number matches
# is at most that long), and is never below 3, which always covers the country code.
# Each distinct (type, prefix) is looked up once, through the library itself.


@cache
def _prefix_levels() -> tuple[frozenset[str], ...]:
    """Level L holds every length-L prefix of a TIMEZONE_DATA key."""
    from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

    return tuple(
        frozenset(k[:length] for k in TIMEZONE_DATA if len(k) >= length)
        for length in range(1, TIMEZONE_LONGEST_PREFIX + 1)
    )


def _cache_keys(e164: pl.Series, types: pl.Series) -> pl.Series:
    """The (type, decisive prefix) key of each number; the full number when untyped."""
    import polars as pl

    digits = e164.str.strip_prefix("+")
    frame = pl.DataFrame({"d": digits, "t": types.cast(pl.String)})
    depth = pl.sum_horizontal(
        pl.col("d").str.slice(0, length).is_in(pl.Series(sorted(level)).implode())
        for length, level in enumerate(_prefix_levels(), start=1)
    )
    prefix = pl.col("d").str.slice(0, pl.max_horizontal(depth, pl.lit(3)))
    key = (
        pl.when(pl.col("t").is_null())
        .then(pl.lit("?|") + pl.col("d"))
        .otherwise(pl.col("t") + pl.lit("|") + prefix)
    )
    return frame.select(key.alias("key")).to_series()


def number_zones(
    e164: Sequence[str] | pl.Series, types: Sequence[str | None] | pl.Series
) -> pl.DataFrame:
    """Per number, in order: `zones` (list of zone names) and `zone` (names joined by
    ", "; "Etc/Unknown" when unknown). `types` are the stored number types (mobile,
    fixed_line, ...; None looks the number up alone)."""
    import polars as pl

    numbers = pl.Series("e164", e164, dtype=pl.String)
    kinds = pl.Series("type", types, dtype=pl.String)
    frame = pl.DataFrame({"e164": numbers, "key": _cache_keys(numbers, kinds)})
    reps = frame.unique("key", keep="first", maintain_order=True)
    zones = [zones_of_number(n) for n in reps["e164"]]
    looked_up = pl.DataFrame(
        {
            "key": reps["key"],
            "zones": pl.Series(zones, dtype=pl.List(pl.String)),
            "zone": pl.Series([", ".join(z) for z in zones], dtype=pl.String),
        }
    )
    return frame.join(looked_up, on="key", how="left", maintain_order="left").select(
        "zones", "zone"
    )


def number_states(e164: Sequence[str] | pl.Series) -> pl.Series:
    """Per number: FL, OK or WA (the states whose calls end earlier), else null."""
    import polars as pl

    numbers = pl.Series("e164", e164, dtype=pl.String)
    area = pl.when(numbers.str.starts_with("+1")).then(numbers.str.slice(2, 3))
    return (
        pl.select(area.replace_strict(US_AREA_CODE_STATES, default=None, return_dtype=pl.String))
        .to_series()
        .alias("state")
    )


# --- one zone set at one instant -----------------------------------------------------
@cache
def _zone_info(name: str) -> ZoneInfo | None:
    if name == UNKNOWN_ZONE:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class ZoneCall:
    """Where a zone set stands at one instant."""

    local_times: tuple[str, ...]  # HH:MM per zone, in the set's order; () when unknown
    callable: bool
    next_start: datetime | None  # UTC
    unknown: bool


def never_text(window: str, states: Sequence[str]) -> str:
    """Why a zone set (or a member) is never callable in `window` ("HH:MM-HH:MM", the
    one applied): a state's rule ends calls by the window's start, or its zones are too
    far apart for the window ever to hold them all at once."""
    start, _, end = window.partition("-")
    if end <= start and states:  # "HH:MM" text compares as times do
        return f"never: {', '.join(states)} calls end at {end}"
    return "never: the zones are too far apart for the window"


def distinct_times(local_times: Iterable[str]) -> tuple[str, ...]:
    """Each local time once, in order: the four zones of a UK mobile all read 14:30."""
    return tuple(dict.fromkeys(local_times))


def _inside(infos: Sequence[ZoneInfo], window: Window, at: datetime) -> bool:
    return all(window.contains(at.astimezone(z).time()) for z in infos)


def _starts(info: ZoneInfo, window: Window, at: datetime) -> Iterable[datetime]:
    """The instants the window opens in `info`, from the day before `at`, for 2 weeks."""
    first: date = at.astimezone(info).date() - timedelta(days=1)
    for n in range(NEXT_START_HORIZON_DAYS + 2):
        # A start inside a DST gap (02:30 on a spring-forward night) is read with the
        # offset before the gap (03:30 then): later than the true opening, the gap's end,
        # by up to the gap's length. Only a window starting between midnight and 03:00
        # can meet a gap.
        local = datetime.combine(first + timedelta(days=n), window.start, tzinfo=info)
        yield local.astimezone(UTC)


@lru_cache(maxsize=8192)  # bounded: the app asks again every minute with a new `at`
def zone_call(zones: tuple[str, ...], window: Window, at: datetime) -> ZoneCall:
    """Whether every zone of the set is inside `window` at `at` (UTC), and if not, when."""
    infos = [_zone_info(z) for z in zones]
    if not zones or any(i is None for i in infos):
        return ZoneCall((), False, None, True)
    known = [i for i in infos if i is not None]
    local_times = tuple(f"{at.astimezone(i):%H:%M}" for i in known)
    if _inside(known, window, at):
        return ZoneCall(local_times, True, None, False)
    # The set's window opens when the last of its zones opens: one of their starts.
    horizon = at + timedelta(days=NEXT_START_HORIZON_DAYS)
    candidates = sorted({s for i in known for s in _starts(i, window, at) if at < s <= horizon})
    next_start = next((s for s in candidates if _inside(known, window, s)), None)
    return ZoneCall(local_times, False, next_start, False)


FIRST_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
END_INSTANT = datetime(9999, 1, 1, tzinfo=UTC)
"""Times are judged from FIRST_INSTANT up to END_INSTANT (excluded): local times and
the next window two weeks on must stay within the dates Python can hold (year 1 to 9999)."""


def as_utc(at: datetime) -> datetime:
    """An aware datetime in UTC, truncated to the second (naive is refused, and so is a
    time outside the years 1900 to 9998)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the time must carry its offset, for example 2026-12-02T14:00:00Z")
    try:
        moment = at.astimezone(UTC).replace(microsecond=0)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first date in UTC
        moment = None
    if moment is None or not FIRST_INSTANT <= moment < END_INSTANT:
        raise ValueError("give a time from 1900-01-01T00:00Z to 9998-12-31T23:59Z (in UTC)")
    return moment


# --- members -------------------------------------------------------------------------
def member_hours(
    e164: Sequence[str] | pl.Series,
    types: Sequence[str | None] | pl.Series,
    *,
    at: datetime,
    window: Window = DEFAULT_WINDOW,
    us_state_rules: bool = False,
) -> pl.DataFrame:
    """Per member, in order: zones (list), zone (joined), state (FL/OK/WA or null, with
    `us_state_rules`: where the number is, whether or not its rule ends the window
    earlier), window (the one applied, "08:00-20:00" under a state rule),
    local_time ("HH:MM", several joined by ", "; null when unknown),
    status ("callable", "not_callable", "unknown"), callable (bool) and next_start
    (UTC datetime or null, see the module's rules).

    Fast for 10,000s of members: zones are looked up once per (type, decisive prefix),
    times once per (zone set, window).
    """
    import polars as pl

    at = as_utc(at)
    numbers = pl.Series("e164", e164, dtype=pl.String)
    kinds = pl.Series("type", types, dtype=pl.String)
    frame = number_zones(numbers, kinds)
    states = (
        number_states(numbers)
        if us_state_rules
        else pl.Series("state", [None] * numbers.len(), dtype=pl.String)
    )
    frame = frame.with_columns(states.alias("state"))
    groups = frame.select("zone", "zones", "state").unique(["zone", "state"])
    rows = []
    for zone, zones, state in groups.iter_rows():
        applied = window.ending_by(US_STATE_CALL_END[state]) if state else window
        call = zone_call(tuple(zones), applied, at)
        status: Status = (
            "unknown" if call.unknown else "callable" if call.callable else "not_callable"
        )
        local = ", ".join(call.local_times) or None
        rows.append((zone, state, str(applied), local, status, call.callable, call.next_start))
    evaluated = pl.DataFrame(
        rows,
        schema={
            "zone": pl.String,
            "state": pl.String,
            "window": pl.String,
            "local_time": pl.String,
            "status": pl.String,
            "callable": pl.Boolean,
            "next_start": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )
    return frame.join(
        evaluated, on=["zone", "state"], how="left", nulls_equal=True, maintain_order="left"
    )


def member_calls(
    e164: Sequence[str] | pl.Series,
    types: Sequence[str | None] | pl.Series,
    *,
    at: datetime,
    window: Window = DEFAULT_WINDOW,
    us_state_rules: bool = False,
    suppressed: frozenset[str] = frozenset(),
) -> pl.DataFrame:
    """`member_hours` plus, per member, `suppressed` (on the do-not-call list) and
    `ready`: callable now and not suppressed. The members `ready` counts are the ones
    `hours_report` counts as callable."""
    import polars as pl

    numbers = pl.Series("e164", e164, dtype=pl.String)
    frame = member_hours(numbers, types, at=at, window=window, us_state_rules=us_state_rules)
    listed = numbers.is_in(pl.Series(list(suppressed), dtype=pl.String).implode())
    return frame.with_columns(
        numbers,
        listed.alias("suppressed"),
        (pl.col("callable") & ~listed).alias("ready"),
    )


@dataclass(frozen=True, slots=True)
class ZoneHours:
    """Members sharing a zone set (and a window) at one instant."""

    zones: tuple[str, ...]
    members: int
    local_times: tuple[str, ...]
    callable: bool
    next_start: datetime | None
    window: Window
    states: tuple[str, ...] = ()  # FL/OK/WA when the state rule shortened the window
    unknown: bool = False
    # The members' E.164 numbers (so a front end can pick the members of one zone).
    keys: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def status(self) -> Status:
        return "unknown" if self.unknown else "callable" if self.callable else "not_callable"

    @property
    def label(self) -> str:
        """The zones, and the earlier end when a state rule applies."""
        return self.describe()

    def describe(self, max_zones: int | None = None) -> str:
        """`label`, naming at most `max_zones` zones ("... and 41 other zones")."""
        shown = self.zones if max_zones is None else self.zones[:max_zones]
        text = ", ".join(shown) or UNKNOWN_ZONE
        if len(shown) < len(self.zones):
            text += f" and {plural(len(self.zones) - len(shown), 'other zone')}"
        if self.states:
            text += f" ({', '.join(self.states)}: until {self.window.end:%H:%M})"
        return text


@dataclass(frozen=True)
class HoursReport:
    """An audience's calling hours at one instant. Suppressed members are counted apart:
    callable + not_callable + unknown + suppressed = members."""

    at: datetime
    window: Window
    members: int
    callable: int
    not_callable: int
    unknown: int
    suppressed: int
    zones: list[ZoneHours] = field(default_factory=list)
    us_state_rules: bool = False


def hours_report(
    e164: Sequence[str] | pl.Series,
    types: Sequence[str | None] | pl.Series,
    *,
    at: datetime,
    window: Window = DEFAULT_WINDOW,
    us_state_rules: bool = False,
    suppressed: frozenset[str] = frozenset(),
) -> HoursReport:
    """Members grouped by zone set: counts, local times, callable now, next window.

    Zones are sorted by members (most first), then by label. Members whose number is in
    `suppressed` are left out of the zones and counted apart.
    """
    import polars as pl

    at = as_utc(at)
    numbers = pl.Series("e164", e164, dtype=pl.String)
    frame = member_hours(
        numbers, types, at=at, window=window, us_state_rules=us_state_rules
    ).with_columns(numbers)
    total = frame.height
    if suppressed:
        frame = frame.filter(~pl.col("e164").is_in(pl.Series(list(suppressed)).implode()))
    grouped = frame.group_by("zone", "window").agg(
        pl.len().alias("members"),
        pl.col("zones").first(),
        pl.col("local_time").first(),
        pl.col("status").first(),
        pl.col("next_start").first(),
        pl.col("state").drop_nulls().unique().sort().alias("states"),
        pl.col("e164").alias("keys"),
    )
    # The windows applied, by name (a state's may be closed, which `parse_window` refuses).
    applied = [window, *(window.ending_by(end) for end in US_STATE_CALL_END.values())]
    windows = {str(w): w for w in applied}
    zones = []
    for row in grouped.iter_rows(named=True):
        unknown = row["status"] == "unknown"
        # A state's members have a window of their own only when its rule ends the window
        # earlier; otherwise they share the zone's row, which then names no state.
        shortened = row["window"] != str(window)
        zones.append(
            ZoneHours(
                zones=(UNKNOWN_ZONE,) if unknown else tuple(row["zones"]),
                members=row["members"],
                local_times=tuple(row["local_time"].split(", ")) if row["local_time"] else (),
                callable=row["status"] == "callable",
                next_start=row["next_start"],
                window=windows[row["window"]],
                states=tuple(row["states"]) if shortened else (),
                unknown=unknown,
                keys=tuple(row["keys"]),
            )
        )
    zones.sort(key=lambda z: (-z.members, z.label))
    count = {s: sum(z.members for z in zones if z.status == s) for s in STATUSES}
    return HoursReport(
        at=at,
        window=window,
        members=total,
        callable=count["callable"],
        not_callable=count["not_callable"],
        unknown=count["unknown"],
        suppressed=total - frame.height,
        zones=zones,
        us_state_rules=us_state_rules,
    )
