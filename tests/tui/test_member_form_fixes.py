"""The member form applies core's fix with one key, asks before saving a number that
reads as two countries' numbers, and refuses a number on the do-not-call list."""

from __future__ import annotations

from core.audience import Audience, Member
from core.phones import judge
from core.store import Store
from core.suppress import SuppressionList, add_numbers
from tests.tui.test_member_form import FormHost
from tui.dialogs.member_form import MemberFormModal


def us_audience(store: Store, numbers: list[str]) -> tuple[Audience, set[str]]:
    """A US audience whose numbers are written as typed here (`1202...`: no +)."""
    members = [
        Member({"phone": n, "name": f"member {i}"}, judge(n).e164 or "", "US")
        for i, n in enumerate(numbers)
    ]
    audience = store.create("US leads", ["phone", "name"], "phone", members)
    return audience, {m.e164 for m in members}


async def type_into(pilot, form: MemberFormModal, values: list[str]) -> None:
    for i, value in enumerate(values):
        form.query_one(f"#field-{i}").value = value
    form.query_one("#field-0").focus()
    await pilot.pause()


def verdict_text(form: MemberFormModal) -> str:
    return str(form.query_one("#phone-verdict").render())


async def test_ctrl_r_puts_the_fix_in_the_field_and_enter_saves_it(store: Store) -> None:
    audience, keys = us_audience(store, ["+12025550123", "+12025550124"])
    host = FormHost(MemberFormModal(audience, keys))
    async with host.run_test() as pilot:
        form = host.form
        await type_into(pilot, form, ["(202) 555-0143", "Ann Lee"])
        shown = verdict_text(form)
        assert "ctrl+r" in shown and "+12025550143" in shown
        await pilot.press("enter")  # refused as typed: the fix is only proposed
        await pilot.pause()
        assert host.results == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert form.query_one("#field-0").value == "+12025550143"
        assert "✓ valid" in verdict_text(form)
        await pilot.press("enter")
        await pilot.pause()
    [saved] = host.results
    assert saved is not None and saved.values["phone"] == "+12025550143"
    assert saved.e164 == "+12025550143"


async def test_ctrl_r_without_a_fix_changes_nothing_and_says_so(store: Store, kit) -> None:
    audience, keys = us_audience(store, ["+12025550123"])
    host = FormHost(MemberFormModal(audience, keys))
    async with host.run_test() as pilot:
        notes = kit.Notes(host)
        form = host.form
        await type_into(pilot, form, ["12345", "Ann"])
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert form.query_one("#field-0").value == "12345"
        assert "ctrl+r" not in verdict_text(form)
        assert "No fix to apply" in notes


async def test_an_ambiguous_number_needs_a_second_enter_or_ctrl_r(store: Store) -> None:
    """`2015550123` is an Egyptian number as typed and a US number missing its 1."""
    audience, keys = us_audience(store, ["12025550123", "12025550124", "13125550100"])
    assert audience.style == "no_plus"
    host = FormHost(MemberFormModal(audience, keys))
    async with host.run_test() as pilot:
        form = host.form
        await type_into(pilot, form, ["2015550123", "Eve"])
        assert "⚠" in verdict_text(form)
        await pilot.press("enter")
        await pilot.pause()
        assert host.results == []  # not saved on the first enter
        summary = str(form.query_one("#member-form-summary").render())
        assert "two countries" in summary
        await pilot.press("ctrl+r")  # read it as a US number
        await pilot.pause()
        assert form.query_one("#field-0").value == "12015550123"
        await pilot.press("enter")
        await pilot.pause()
    [saved] = host.results
    assert saved is not None and saved.e164 == "+12015550123"


async def test_a_second_enter_saves_the_ambiguous_number_as_typed(store: Store) -> None:
    audience, keys = us_audience(store, ["12025550123", "12025550124", "13125550100"])
    host = FormHost(MemberFormModal(audience, keys))
    async with host.run_test() as pilot:
        await type_into(pilot, host.form, ["2015550123", "Eve"])
        await pilot.press("enter", "enter")  # one burst: the second acts on the warning
        await pilot.pause()
    [saved] = host.results
    assert saved is not None and saved.e164 == "+2015550123"


async def test_the_form_refuses_a_number_on_the_do_not_call_list(store: Store) -> None:
    audience, keys = us_audience(store, ["+12025550123"])
    add_numbers(store, ["+12025550143"])
    form = MemberFormModal(audience, keys, suppressed=SuppressionList.load(store).keys())
    host = FormHost(form)
    async with host.run_test() as pilot:
        await type_into(pilot, form, ["+12025550143", "Bo"])
        await pilot.press("enter")
        await pilot.pause()
        assert host.results == []
        problem = str(form.query_one("#problem-0").render())
        assert "suppressed" in problem and "do-not-call" in problem
