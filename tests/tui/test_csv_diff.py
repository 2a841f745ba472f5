"""CSV diff view: refusals, skip choices, problems CSV, cancel; store state asserted."""

from __future__ import annotations

import asyncio
import contextlib
import csv
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from core.audience import Member
from core.demo import seed_demo
from core.history import Session
from core.plan import ImportPlan, plan_add, plan_create
from core.reading import read_file
from core.store import Store
from tui.screens.csv_diff import CsvDiffScreen
from tui.screens.plan_view import STATUS
from tui.widgets.frame_table import FrameTable

UNSET = object()
INDIA = "India sales leads"


class DiffApp(App[None]):
    """Pushes one CsvDiffScreen and keeps what it returned."""

    def __init__(self, screen: CsvDiffScreen) -> None:
        super().__init__()
        self.diff = screen
        self.result: object = UNSET

    def on_mount(self) -> None:
        self.push_screen(self.diff, self.finished)

    def finished(self, summary: str | None) -> None:
        self.result = summary


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the screen's workers, then for the repaint."""
    for _ in range(3):
        await pilot.pause()
        running = list(pilot.app.workers)
        if running:
            # An exclusive worker replaced by the next one ends cancelled: expected.
            with contextlib.suppress(WorkerCancelled):
                await pilot.app.workers.wait_for_complete(running)
    await asyncio.sleep(0)
    await pilot.pause()


@pytest.fixture
def demo(tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo audiences in `store` and the sample CSVs in `samples/` (cwd = tmp_path)."""
    monkeypatch.chdir(tmp_path)
    seed_demo(store, Path("samples"))
    return Path("samples")


def add_plan(store: Store, path: Path, audience: str = INDIA) -> ImportPlan:
    current, members = store.load(audience)
    return plan_add(read_file(path), current, {m.e164 for m in members})


def text_of(app: App[None], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def uk_numbers(start: int, count: int) -> list[str]:
    return [f"+4474001{i:05d}" for i in range(start, start + count)]


async def test_add_by_csv_skips_duplicates_only_when_asked_and_undo_covers_it(
    demo: Path, store: Store
) -> None:
    history = Session(store).members(store.get(INDIA).id)
    plan = add_plan(store, demo / "india_sales_leads_batch2.csv")
    app = DiffApp(CsvDiffScreen(store, plan, audience=INDIA, history=history))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        counts = text_of(app, "#diff-counts")
        assert "Duplicates                    1" in counts
        assert "in file 0 · in audience 1" in counts
        assert "146 + 24 = 170" in counts
        assert "Room left after         9,830" in counts
        await pilot.press("enter")
        await settle(pilot)
        assert app.result is UNSET
        assert "press d" in text_of(app, "#diff-verdict")
        assert store.get(INDIA).member_count == 146
        await pilot.press("d")
        assert "Press enter to add 24 members" in text_of(app, "#diff-verdict")
        await pilot.press("enter")
        await settle(pilot)
    assert app.result == "Added 24 members; 1 skipped as a duplicate"
    assert store.get(INDIA).member_count == 170
    assert history.undo() == "add 24 members from india_sales_leads_batch2.csv"
    assert store.get(INDIA).member_count == 146


async def test_wrong_header_case_is_refused_with_the_near_match_hint(
    demo: Path, store: Store
) -> None:
    plan = add_plan(store, demo / "india_leads_wrong_headers.csv")
    app = DiffApp(CsvDiffScreen(store, plan, audience=INDIA))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = app.screen.query_one("#header-diff", FrameTable)
        rows = [header.row(i) for i in range(header.row_count)]
        assert {"audience": "phone_number", "file": "Phone_Number", "verdict": "near match"} in rows
        assert {"audience": "city", "file": "City", "verdict": "near match"} in rows
        verdict = text_of(app, "#diff-verdict")
        assert "'Phone_Number' should be 'phone_number'" in verdict
        assert "'City' should be 'city'" in verdict
        await pilot.press("d", "i", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
    assert store.get(INDIA).member_count == 146


async def test_the_10000_limit_refuses_9000_plus_1001(
    tmp_path: Path, store: Store, write_csv
) -> None:  # type: ignore[no-untyped-def]
    members = [Member({"phone": p, "name": "x"}, p, "GB", "mobile") for p in uk_numbers(0, 9000)]
    store.create("Big", ["phone", "name"], "phone", members, ["phone"])
    path = write_csv("phone,name\n" + "".join(f"{p},y\n" for p in uk_numbers(9000, 1001)))
    plan = add_plan(store, path, "Big")
    app = DiffApp(CsvDiffScreen(store, plan, audience="Big"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        counts = text_of(app, "#diff-counts")
        assert "9,000 + 1,001 = 10,001" in counts
        assert "Over the limit by           1" in counts
        verdict = text_of(app, "#diff-verdict")
        assert "at most 1,000 more" in verdict
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        # l: only the rows that fit; the capacity says so instead of "over the limit".
        await pilot.press("l")
        counts = text_of(app, "#diff-counts")
        assert "9,000 + 1,000 = 10,000 of 10,000" in counts
        assert "Left out, no room           1" in counts and "Over the limit" not in counts
        await pilot.press("l")
        assert "Over the limit by           1" in text_of(app, "#diff-counts")
    assert store.get("Big").member_count == 9000


async def test_invalid_rows_are_refused_without_skip_and_problems_can_be_walked(
    demo: Path, store: Store
) -> None:
    plan = plan_create(read_file(demo / "india_sales_leads.csv"), "phone_number")
    assert (plan.invalid, plan.duplicates_in_file) == (3, 1)
    app = DiffApp(CsvDiffScreen(store, plan, audience=None, new_name="Leads"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        assert "Leads" not in [a.name for a in store.list_audiences()]
        table = app.screen.query_one("#diff-rows", FrameTable)
        problems = [p.row - 1 for p in plan.problems()]
        await pilot.press("n")
        assert table.cursor_row == problems[0]
        await pilot.press("n", "n")
        assert table.cursor_row == problems[2]
        await pilot.press("N")
        assert table.cursor_row == problems[1]
        await pilot.press("f")  # problems only
        assert table.row_count == 4
        assert {table.row(i)[STATUS] for i in range(4)} >= {"duplicate_in_file"}
        await pilot.press("f")  # valid and new only
        assert table.row_count == 146
        await pilot.press("i", "enter")  # duplicates still block
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        await pilot.press("d", "enter")
        await settle(pilot)
    assert app.result == (
        "Created 'Leads' with 146 members; 3 skipped as invalid; 1 skipped as a duplicate"
    )
    audience, members = store.load("Leads")
    assert len(members) == 146 and audience.phone_column == "phone_number"


async def test_w_writes_the_problem_rows_beside_the_input(demo: Path, store: Store) -> None:
    plan = plan_create(read_file(demo / "india_sales_leads.csv"), "phone_number")
    app = DiffApp(CsvDiffScreen(store, plan, audience=None, new_name="Leads"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
    written = demo / "india_sales_leads.problems.csv"
    with written.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4
    assert {r["reason"] for r in rows} >= {"duplicate_in_file"}
    assert all(r["column"] == "phone_number" and r["line"] for r in rows)


async def test_escape_cancels_and_writes_nothing(demo: Path, store: Store) -> None:
    before = [(a.name, a.member_count) for a in store.list_audiences()]
    plan = add_plan(store, demo / "india_sales_leads_batch2.csv")
    app = DiffApp(CsvDiffScreen(store, plan, audience=INDIA))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d", "escape")
        await settle(pilot)
    assert app.result is None
    assert [(a.name, a.member_count) for a in store.list_audiences()] == before


async def test_a_store_refusal_is_shown_not_raised(demo: Path, store: Store) -> None:
    plan = plan_create(read_file(demo / "uk_clinic_reminders.csv"), "phone")
    # Another process took the name after the plan was made.
    app = DiffApp(CsvDiffScreen(store, plan, audience=None, new_name="UK clinic reminders"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        assert "already exists" in text_of(app, "#diff-verdict")
        assert app.screen.busy is False
    assert store.get("UK clinic reminders").member_count == 48


# --- snapshots ------------------------------------------------------------------------------


@pytest.fixture
def fixed_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, Path]:
    """A demo store for snapshot tests (sync tests cannot share the async fixtures' loop)."""
    monkeypatch.chdir(tmp_path)
    store = Store(tmp_path / "store", lock_timeout=30)
    seed_demo(store, Path("samples"))
    return store, Path("samples")


def test_snapshot_add_by_csv(snap_compare, fixed_demo) -> None:  # type: ignore[no-untyped-def]
    store, samples = fixed_demo
    plan = add_plan(store, samples / "india_sales_leads_batch2.csv")
    app = DiffApp(CsvDiffScreen(store, plan, audience=INDIA))
    assert snap_compare(app, terminal_size=(100, 32), press=["d"], run_before=settle)


def test_snapshot_wrong_headers(snap_compare, fixed_demo) -> None:  # type: ignore[no-untyped-def]
    store, samples = fixed_demo
    plan = add_plan(store, samples / "india_leads_wrong_headers.csv")
    app = DiffApp(CsvDiffScreen(store, plan, audience=INDIA))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_snapshot_create_with_fixes_and_problems(snap_compare, fixed_demo) -> None:  # type: ignore[no-untyped-def]
    store, samples = fixed_demo
    plan = plan_create(read_file(samples / "webinar_signups.csv"), "Phone Number", fix_headers=True)
    app = DiffApp(CsvDiffScreen(store, plan, audience=None, new_name="Webinar"))
    assert snap_compare(app, terminal_size=(80, 24), press=["f", "n"], run_before=settle)


async def test_many_reasons_never_push_the_capacity_out_of_the_counts(
    tmp_path: Path, store: Store, kit
) -> None:
    """Six reasons wrapped in the narrow counts panel hid the capacity lines (the panel
    has at most 11 lines); the reasons now take at most two, the rest counted."""
    values = [
        "",
        "+1 202 555 0123",
        "+999123",
        "+120255",
        "+1202555012399",
        "+12021234567",
        "+12025550123",
        "+12025550123",
    ]
    path = tmp_path / "mixed.csv"
    path.write_text("phone,name\n" + "".join(f"{v},n{i}\n" for i, v in enumerate(values)))
    plan = plan_create(read_file(path), "phone")
    assert len(plan.invalid_by_reason()) == 6
    app = DiffApp(CsvDiffScreen(store, plan, audience=None, new_name="Mixed"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        text = await kit.text(pilot)
        assert "Room left after" in text and "0 + 1 = 1 of 10,000" in text
        assert "9,999" in text
        assert "more" in text  # the reasons that did not fit are counted


def test_reason_lines_fit_the_panel_with_a_million_rows_of_counts() -> None:
    """The counts of the million-row benchmark file: one line of 6 reasons wrapped to 5
    lines in the 34-column panel and pushed the capacity out; now 3 lines at most."""
    from tui.screens.plan_view import COUNTS_WIDTH, REASON_LINES, reason_lines

    by_reason = {
        "empty": 50_020,
        "bad_characters": 59_645,
        "invalid_country_code": 5_170,
        "too_short": 117_544,
        "too_long": 41_613,
        "invalid_number": 33_161,
    }
    lines = reason_lines(by_reason, COUNTS_WIDTH, REASON_LINES)
    assert len(lines) == REASON_LINES and all(len(line) <= COUNTS_WIDTH for line in lines)
    assert lines[0] == "  too_short 117,544"  # most common first
    shown = sum(line.count(" · ") + 1 for line in lines) - 1  # the "+N more" piece
    assert lines[-1].endswith(f"+{len(by_reason) - shown} more")
    assert reason_lines({"too_short": 3, "empty": 2}, COUNTS_WIDTH, REASON_LINES) == [
        "  too_short 3 · empty 2"
    ]


async def test_the_empty_states_say_what_is_true(demo: Path, store: Store, tmp_path: Path) -> None:
    # column names that match, but a file with no row
    empty = tmp_path / "empty.csv"
    empty.write_text("phone_number,customer_name,city,plan\n", encoding="utf-8")
    app = DiffApp(CsvDiffScreen(store, add_plan(store, empty), audience=INDIA))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        text = text_of(app, "#diff-filter")
        assert text == "The file has no rows"
        assert app.screen.query_one("#diff-rows", FrameTable).placeholder == (
            "The file has a header but no rows"
        )
    # names that do not match: 5 rows in the file, none checked (not "all rows: 0")
    wrong = add_plan(store, demo / "india_leads_wrong_headers.csv")
    app = DiffApp(CsvDiffScreen(store, wrong, audience=INDIA))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert text_of(app, "#diff-filter") == (
            "5 rows in the file, checked once the column names match"
        )
    # names that match, every row valid: the problem filter shows none, and says so
    fresh = tmp_path / "fresh.csv"
    rows = "".join(f"{n},Ann,Lee,Leeds,Mon\n" for n in uk_numbers(90_000, 3))
    fresh.write_text("phone,first_name,last_name,city,appointment_day\n" + rows)
    good = add_plan(store, fresh, audience="UK clinic reminders")
    app = DiffApp(CsvDiffScreen(store, good, audience="UK clinic reminders"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        table = app.screen.query_one("#diff-rows", FrameTable)
        assert table.row_count == 0
        assert table.placeholder == "No problem rows (f shows the next filter)"
        assert text_of(app, "#diff-filter").startswith("Showing problem rows: 0 of 3 rows")
