"""The diff view's repair keys on files shaped like real exports: r repairs (and r
again takes the repairs back), a asks once how to read numbers of two countries, m
maps near-match column names, l adds what fits; keys typed ahead in one burst act on
the plan the key before them made. The store is read back after each write."""

from __future__ import annotations

from core.audience import Member
from core.history import Session
from core.plan import plan_add, plan_create
from core.reading import read_file
from core.store import Store
from tests.exports import HUBSPOT_ROWS, hubspot_csv
from tests.tui.test_csv_diff import DiffApp, settle, text_of, uk_numbers
from tui.dialogs.ambiguity import AmbiguityModal
from tui.screens.csv_diff import CsvDiffScreen

FIXABLE = [(row, want) for row, (*_, typed, want) in enumerate(HUBSPOT_ROWS, 1) if want]
# Rows whose number is right as typed need no repair; the others are repaired.
REPAIRED = sum(1 for *_, typed, want in HUBSPOT_ROWS if want and typed != want)


def hubspot_plan(write_csv) -> object:  # type: ignore[no-untyped-def]
    path = write_csv(hubspot_csv(), "hubspot-contacts.csv")
    return plan_create(read_file(path), "Phone Number", fix_headers=True)


def audience_and_plan(store: Store, write_csv, first: str, second: str):  # type: ignore[no-untyped-def]
    """Audience "L" created from the CSV text `first`, and the plan to add `second`."""
    created = plan_create(read_file(write_csv(first, "a.csv")), "phone")
    store.create("L", created.columns, created.phone_column, created.members())
    audience, members = store.load("L")
    plan = plan_add(read_file(write_csv(second, "b.csv")), audience, {m.e164 for m in members})
    return audience, plan


def stored_numbers(store: Store, name: str) -> list[str]:
    return [m.values[store.get(name).phone_column] for m in store.load(name)[1]]


async def test_r_repairs_a_hubspot_export_and_enter_creates_it(store: Store, write_csv) -> None:  # type: ignore[no-untyped-def]
    session = Session(store)
    plan = hubspot_plan(write_csv)
    screen = CsvDiffScreen(
        store, plan, audience=None, new_name="HubSpot", history=session.audiences
    )
    app = DiffApp(screen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert screen.counts.new == 1  # only "+12025550147" is right as typed
        verdict = text_of(app, "#diff-verdict")
        assert f"r to repair {REPAIRED}" in verdict
        # The row under the cursor shows its fix in full, whatever the column widths.
        detail = text_of(app, "#diff-detail")
        assert detail.startswith("Row 1") and "+12025550123" in detail
        await pilot.press("r")
        await settle(pilot)
        assert screen.counts.new == len(FIXABLE)
        assert screen.counts.repaired == REPAIRED
        detail = text_of(app, "#diff-detail")
        assert "(202) 555-0123" in detail and "+12025550123" in detail
        await pilot.press("i", "enter")
        await settle(pilot)
    assert app.result is not None and f"{REPAIRED} repaired" in str(app.result)
    assert stored_numbers(store, "HubSpot") == [want for _, want in FIXABLE]
    # Creating was one step of the session: undo takes the audience away again.
    assert session.audiences.undo() == "create audience 'HubSpot'"
    assert [a.name for a in store.list_audiences()] == []


async def test_r_then_enter_in_one_burst_writes_the_repaired_numbers(
    store: Store, write_csv
) -> None:  # type: ignore[no-untyped-def]
    app = DiffApp(CsvDiffScreen(store, hubspot_plan(write_csv), audience=None, new_name="H"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("r", "i", "enter")  # as a slow SSH link delivers them
        await settle(pilot)
    assert stored_numbers(store, "H") == [want for _, want in FIXABLE]


async def test_r_again_takes_the_repairs_back(store: Store, write_csv) -> None:  # type: ignore[no-untyped-def]
    app = DiffApp(CsvDiffScreen(store, hubspot_plan(write_csv), audience=None, new_name="H"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("r", "r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CsvDiffScreen)
        assert screen.counts.repaired == 0 and screen.counts.new == 1
        await pilot.press("i", "enter")
        await settle(pilot)
    assert stored_numbers(store, "H") == ["+12025550147"]  # only the one typed right


AMBIGUOUS_FILE = (
    "phone,name\n"
    "+12025550123,Ann\n"
    "+13125550100,Bo\n"
    "+14155550100,Cy\n"
    "2015550123,Di\n"  # +20 1555 0123 (Egypt) as typed, +1 201 555 0123 as a US number
)


async def test_a_asks_once_and_national_reads_the_us_number(store: Store, write_csv) -> None:  # type: ignore[no-untyped-def]
    plan = plan_create(read_file(write_csv(AMBIGUOUS_FILE, "us.csv")), "phone")
    app = DiffApp(CsvDiffScreen(store, plan, audience=None, new_name="US"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AmbiguityModal)  # asked at once, without a key
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CsvDiffScreen)
        assert screen.ambiguity == "national"
        assert not isinstance(app.screen, AmbiguityModal)  # not asked a second time
        await pilot.press("enter")
        await settle(pilot)
    assert stored_numbers(store, "US")[-1] == "+12015550123"


async def test_escape_leaves_the_question_open_and_enter_says_press_a(
    store: Store, write_csv
) -> None:  # type: ignore[no-untyped-def]
    plan = plan_create(read_file(write_csv(AMBIGUOUS_FILE, "us.csv")), "phone")
    app = DiffApp(CsvDiffScreen(store, plan, audience=None, new_name="US"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "press a to choose" in text_of(app, "#diff-verdict")
        await pilot.press("enter")
        await settle(pilot)
        assert store.list_audiences() == []
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AmbiguityModal)
        await pilot.press("s")  # leave them out
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert stored_numbers(store, "US") == ["+12025550123", "+13125550100", "+14155550100"]
    assert "1 left out as ambiguous" in str(app.result)


async def test_m_maps_a_second_file_from_the_same_source(store: Store, write_csv) -> None:  # type: ignore[no-untyped-def]
    """Created with proposed names (`Phone Number` -> `Phone_Number`), the audience
    takes the next HubSpot export once m maps the names, without editing the file."""
    first = HUBSPOT_ROWS[8:9]  # the row typed right
    created = plan_create(
        read_file(write_csv(hubspot_csv(first), "first.csv")), "Phone Number", fix_headers=True
    )
    store.create("HubSpot", created.columns, created.phone_column, created.members())
    audience, members = store.load("HubSpot")
    second = [("Ola", "Berg", "+14155550123", "+14155550123")]
    table = read_file(write_csv(hubspot_csv(second), "second.csv"))
    plan = plan_add(table, audience, {m.e164 for m in members})
    app = DiffApp(CsvDiffScreen(store, plan, audience="HubSpot"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "press m to map them" in text_of(app, "#diff-verdict")
        await pilot.press("m")
        await settle(pilot)
        assert "Press enter to add 1 member" in text_of(app, "#diff-verdict")
        await pilot.press("m")  # m again: the names as the file has them
        await settle(pilot)
        assert "press m to map them" in text_of(app, "#diff-verdict")
        await pilot.press("m", "enter")  # one burst
        await settle(pilot)
    assert stored_numbers(store, "HubSpot") == ["+12025550147", "+14155550123"]
    assert store.load("HubSpot")[1][1].values["First_Name"] == "Ola"


def fifteen_to_add_to_9990(store: Store, write_csv):  # type: ignore[no-untyped-def]
    """The plan of 15 new rows for "Big", an audience of 9,990 members: 10 fit."""
    members = [Member({"phone": p, "name": "x"}, p, "GB", "mobile") for p in uk_numbers(0, 9990)]
    store.create("Big", ["phone", "name"], "phone", members, ["phone"])
    path = write_csv("phone,name\n" + "".join(f"{p},y\n" for p in uk_numbers(9990, 15)))
    audience, current = store.load("Big")
    return plan_add(read_file(path), audience, {m.e164 for m in current})


async def test_l_adds_the_rows_that_fit_and_says_how_many_were_left_out(
    store: Store, write_csv
) -> None:  # type: ignore[no-untyped-def]
    app = DiffApp(CsvDiffScreen(store, fifteen_to_add_to_9990(store, write_csv), audience="Big"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "press l to add the 10 that fit" in text_of(app, "#diff-verdict")
        await pilot.press("l", "enter")
        await settle(pilot)
    assert store.get("Big").member_count == 10_000
    assert stored_numbers(store, "Big")[-1] == uk_numbers(9999, 1)[0]
    assert "5 left out over the limit" in str(app.result)


async def test_a_refused_write_makes_the_plan_again_against_the_store_as_it_is(
    store: Store, write_csv
) -> None:  # type: ignore[no-untyped-def]
    """Another process adds a member after the view fitted 10 rows: enter is refused
    (one too many), the plan is made again against the store, and enter adds the 9 that
    fit now (the l choice kept)."""
    app = DiffApp(CsvDiffScreen(store, fifteen_to_add_to_9990(store, write_csv), audience="Big"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        other = uk_numbers(20_000, 1)[0]
        store.add_members("Big", [Member({"phone": other, "name": "z"}, other, "GB", "mobile")])
        await pilot.press("enter")
        await settle(pilot)
        assert store.get("Big").member_count == 9_991  # refused, nothing written
        assert "Press enter to add 9 members" in text_of(app, "#diff-verdict")
        await pilot.press("enter")
        await settle(pilot)
    assert store.get("Big").member_count == 10_000
    assert "6 left out over the limit" in str(app.result)


async def test_u_updates_members_already_in_and_undo_takes_it_back(store: Store, write_csv) -> None:  # type: ignore[no-untyped-def]
    first = "phone,name,city\n+12025550123,Ann,Boston\n+12025550124,Bo,Denver\n"
    second = "phone,name,city\n+12025550123,Ann Lee,\n+12025550125,Cy,Austin\n"
    audience, plan = audience_and_plan(store, write_csv, first, second)
    history = Session(store).members(audience.id)
    app = DiffApp(CsvDiffScreen(store, plan, audience="L", history=history))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "u to update those members" in text_of(app, "#diff-verdict")
        await pilot.press("u")
        await settle(pilot)
        assert "Press enter to add 1 member and update 1" in text_of(app, "#diff-verdict")
        detail = text_of(app, "#diff-detail")  # the cursor is on row 1, Ann's
        assert "updates the member" in detail and "name: Ann -> Ann Lee" in detail
        await pilot.press("enter")
        await settle(pilot)
    assert str(app.result).startswith("Added 1 member; updated 1 member")
    assert [m.values for m in store.load("L")[1]] == [
        {"phone": "+12025550123", "name": "Ann Lee", "city": "Boston"},
        {"phone": "+12025550124", "name": "Bo", "city": "Denver"},
        {"phone": "+12025550125", "name": "Cy", "city": "Austin"},
    ]
    history.undo()
    assert [m.values["name"] for m in store.load("L")[1]] == ["Ann", "Bo"]


async def test_s_splits_a_file_over_the_limit_into_audiences_and_undo_removes_them(
    store: Store, write_csv
) -> None:  # type: ignore[no-untyped-def]
    numbers = uk_numbers(0, 10_005)
    text = "phone,name\n" + "".join(f"{p},n{i}\n" for i, p in enumerate(numbers)) + "12345,bad\n"
    plan = plan_create(read_file(write_csv(text, "big.csv")), "phone")
    session = Session(store)
    screen = CsvDiffScreen(store, plan, audience=None, new_name="Big", history=session.audiences)
    app = DiffApp(screen)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # the invalid row is not skipped yet: nothing is split
        await settle(pilot)
        assert store.list_audiences() == []
        await pilot.press("i")
        assert "press s to split them into several" in text_of(app, "#diff-verdict")
        await pilot.press("s")
        await settle(pilot)
    assert str(app.result).startswith("Created 2 audiences ('Big 1' to 'Big 2') with 10,005")
    assert [(a.name, a.member_count) for a in store.list_audiences()] == [
        ("Big 1", 10_000),
        ("Big 2", 5),
    ]
    stored = [m.e164 for name in ("Big 1", "Big 2") for m in store.load(name)[1]]
    assert stored == numbers
    session.audiences.undo()
    assert store.list_audiences() == []
    session.audiences.redo()
    assert [a.member_count for a in store.list_audiences()] == [10_000, 5]


async def test_keys_typed_while_a_slow_choice_runs_act_on_the_plan_it_makes(
    store: Store, write_csv, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """`r u enter` in one burst on a big file: `u` only becomes possible once the repair
    has made the row a member's number; it must still be taken, then enter."""
    import time

    from core.plan import ImportPlan

    slow = ImportPlan.chosen

    def chosen(self, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # a big file, or a slow machine
        return slow(self, **kwargs)

    monkeypatch.setattr(ImportPlan, "chosen", chosen)
    first, second = "phone,name\n+12025550123,Ann\n", "phone,name\n(202) 555-0123,Annie\n"
    _, plan = audience_and_plan(store, write_csv, first, second)
    app = DiffApp(CsvDiffScreen(store, plan, audience="L"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("r", "u", "enter")
        await settle(pilot)
    assert [m.values for m in store.load("L")[1]] == [{"phone": "+12025550123", "name": "Annie"}]


async def test_u_with_nothing_to_change_writes_nothing(store: Store, write_csv) -> None:  # type: ignore[no-untyped-def]
    text = "phone,name\n+12025550123,Ann\n"
    audience, plan = audience_and_plan(store, write_csv, text, text)
    history = Session(store).members(audience.id)
    app = DiffApp(CsvDiffScreen(store, plan, audience="L", history=history))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "Nothing to write" in text_of(app, "#diff-verdict")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
    assert history.undo() is None  # no empty step was recorded


async def test_g_names_the_region_of_numbers_without_a_country_code(
    store: Store, write_csv
) -> None:  # type: ignore[no-untyped-def]
    """Half UK, half US numbers: no region is the file's, so (202) 555-0143 has no fix
    until the user names one; then r repairs it, as --default-region US does."""
    text = (
        "phone,name\n+447400123456,A\n+447400123457,B\n+12025550123,C\n+12025550124,D\n"
        "(202) 555-0143,E\nXX,F\n"
    )
    plan = plan_create(read_file(write_csv(text, "mixed.csv")), "phone")
    assert plan.fix_region is None and plan.fixable == 0
    app = DiffApp(CsvDiffScreen(store, plan, audience=None, new_name="Mixed"))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert "g to name their region" in text_of(app, "#diff-verdict")
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("ctrl+u", *"usa", "enter")  # not a region: said, not closed
        await settle(pilot)
        assert "not a region code" in str(app.screen.query_one("#region-problem").render())
        await pilot.press("ctrl+u", *"us", "enter", "r", "i", "enter")
        await settle(pilot)
    assert stored_numbers(store, "Mixed") == [
        "+447400123456",
        "+447400123457",
        "+12025550123",
        "+12025550124",
        "+12025550143",
    ]
