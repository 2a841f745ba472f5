"""The member form: core's phone verdict as you type, refusals that say what to fix."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from core.audience import Audience, Member
from core.member_check import check_member
from core.phones import judge
from core.store import Store
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.member_form import MemberFormModal


class FormHost(App[None]):
    """Opens the form over an empty screen and keeps what it returned."""

    def __init__(self, form: MemberFormModal) -> None:
        super().__init__()
        self.form = form
        self.results: list[Member | None] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.push_screen(self.form, self.results.append)


def uk(demo) -> tuple[Audience, list[Member]]:
    return demo.store.load("UK clinic reminders")


def india(demo) -> tuple[Audience, list[Member]]:
    return demo.store.load("India sales leads")


def form_for(audience: Audience, members: list[Member], member: Member | None = None):
    return MemberFormModal(audience, {m.e164 for m in members}, member)


async def fill(pilot, values: list[str]) -> None:
    """Put one value in each field (as pasting would), then focus the first field."""
    form = pilot.app.screen
    for i, value in enumerate(values):
        form.query_one(f"#field-{i}").value = value
    form.query_one("#field-0").focus()
    await pilot.pause()


async def test_the_phone_verdict_shows_as_you_type(demo, kit):
    audience, members = uk(demo)
    host = FormHost(form_for(audience, members))
    async with host.run_test() as pilot:
        await pilot.press(*"+44 7700")
        text = await kit.text(pilot)
        assert "✗ bad_characters" in text
        await pilot.press("end", "ctrl+u", *"+44770")
        assert "✗ too_short" in await kit.text(pilot)
        await pilot.press("end", "ctrl+u", *"+447400123456")
        text = await kit.text(pilot)
        assert "✓ valid · GB mobile · +447400123456" in text


async def test_a_missing_country_code_gets_a_hint(demo, kit):
    audience, members = india(demo)
    host = FormHost(form_for(audience, members))
    async with host.run_test() as pilot:
        await pilot.press(*"9876543210")
        text = await kit.text(pilot)
        assert "✗" in text and "91" in text  # the hint proposes India's country code


async def test_enter_saves_only_a_valid_member(demo, kit):
    audience, members = uk(demo)
    form = form_for(audience, members)
    host = FormHost(form)
    async with host.run_test() as pilot:
        await fill(pilot, ["+44 7400 123456", "Ada", "Lovelace", "London", "Mon"])
        await pilot.press("enter")
        assert host.results == []  # still open
        text = await kit.text(pilot)
        assert "bad_characters" in text and "Not saved: fix the 1 problem shown above" in text
        assert host.screen is form and form.focused is form.query_one("#field-0")
        await pilot.press("end", "ctrl+u", *"+447400123456", "enter")
        await pilot.pause()
    [member] = host.results
    assert member is not None
    assert member.e164 == "+447400123456" and member.region == "GB"
    assert member.values == {
        "phone": "+447400123456",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "city": "London",
        "appointment_day": "Mon",
    }


async def test_style_mismatch_names_the_fix(demo, kit):
    audience, members = uk(demo)  # every number written with +
    host = FormHost(form_for(audience, members))
    async with host.run_test() as pilot:
        await fill(pilot, ["447400123456", "Ada", "Lovelace", "London", "Mon"])
        text = await kit.text(pilot)
        assert "numbers here are written all with +" in text
        assert "style_mismatch" in text and "use +447400123456" in text  # live, before saving
        await pilot.press("enter")
        assert host.results == []
        assert "use +447400123456" in await kit.text(pilot)


async def test_duplicate_is_refused(demo, kit):
    audience, members = uk(demo)
    host = FormHost(form_for(audience, members))
    async with host.run_test() as pilot:
        await fill(pilot, [members[0].e164, "Ada", "Lovelace", "London", "Mon"])
        await pilot.press("enter")
        assert host.results == []
        assert "already_in_audience" in await kit.text(pilot)


async def test_required_field_left_empty_says_which(demo, kit):
    audience, members = uk(demo)
    host = FormHost(form_for(audience, members))
    async with host.run_test() as pilot:
        await fill(pilot, ["+447400123456", "Ada", "", "London", "Mon"])
        await pilot.press("enter")
        assert host.results == []
        form = host.screen
        assert form.focused is form.query_one("#field-2")
        assert "last_name is required" in await kit.text(pilot)


async def test_edit_keeps_its_own_number_and_escape_cancels(demo, kit):
    audience, members = uk(demo)
    first = members[0]
    form = form_for(audience, members, first)
    host = FormHost(form)
    async with host.run_test() as pilot:
        assert form.to_model() == first.values
        assert "Edit member of UK clinic reminders" in await kit.text(pilot)
        await pilot.press("tab", "end", "ctrl+u", *"Ada", "enter")
        await pilot.pause()
        await pilot.pause()
    [saved] = host.results
    assert saved == Member({**first.values, "first_name": "Ada"}, first.e164, "GB", "mobile")

    host = FormHost(form_for(audience, members, first))
    async with host.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert host.results == [None]


async def test_load_and_to_model_round_trip_and_clean_control_characters(demo, kit):
    audience, members = uk(demo)
    form = form_for(audience, members)
    host = FormHost(form)
    async with host.run_test() as pilot:
        values = dict(members[1].values, first_name="Eve\x1b]0;owned\x07")
        form.load(values)
        assert form.to_model() == dict(values, first_name="Eve]0;owned")
        output = await kit.output(pilot)
        assert "\x07" not in output and "\x1b]0" not in output


async def test_hostile_values_are_literal_in_the_form(hostile, kit):
    audience, members = hostile.load("[b]Mark[/b] up")
    host = FormHost(MemberFormModal(audience, {m.e164 for m in members}, members[0]))
    async with host.run_test() as pilot:
        text = await kit.text(pilot)
        assert "Edit member of [b]Mark[/b] up" in text
        assert "[bold]Zed[/bold]" in text


async def test_markup_typed_into_a_field_is_saved_as_typed(store: Store, tmp_path, kit):
    kit.add_audience(store, tmp_path, "A", "phone,name\n+447400100001,x\n", "phone")
    audience, members = store.load("A")
    host = FormHost(form_for(audience, members))
    async with host.run_test() as pilot:
        await fill(pilot, ["+447400100002", "[@click=app.quit]x[/]"])
        await pilot.press("enter")
        await pilot.pause()
    [member] = host.results
    assert member is not None and member.values["name"] == "[@click=app.quit]x[/]"


def test_snapshot_form_with_a_bad_phone(demo, kit, snap_compare):
    audience, members = uk(demo)

    async def before(pilot) -> None:
        await fill(pilot, ["+44 7700 900", "Ada", "", "London", "Mon"])
        await pilot.press("enter")
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture flaky
        await pilot.pause()

    host = FormHost(form_for(audience, members))
    assert snap_compare(host, terminal_size=(80, 24), run_before=before)


async def test_a_burst_of_keys_with_backspace_and_tab_lands_in_order(demo, kit):
    """Keys sent as fast as a terminal delivers a burst (no wait between them): the
    backspace applies where it was typed, not after the characters that followed it
    (Textual runs bindings only once the key has bubbled up to the app; issue #6605)."""
    from textual import events

    audience, members = india(demo)
    host = FormHost(form_for(audience, members))
    async with host.run_test() as pilot:
        await pilot.pause()
        keys = [
            *"919812345670",
            "tab",
            *"Gracex",
            "backspace",
            "tab",
            *"Pune",
            "tab",
            *"proo",
            "left",
            "backspace",
            "end",
            "home",
            "delete",
        ]
        driver = host._driver
        assert driver is not None
        for key in keys:
            char = key if len(key) == 1 else {"backspace": "\x7f", "tab": "\t"}.get(key)
            driver.send_message(events.Key(key, char))  # no pause: one burst
        await pilot.pause()
        await pilot.pause()
        form = host.screen
        values = [form.query_one(f"#field-{i}").value for i in range(4)]
        assert values == ["919812345670", "Grace", "Pune", "ro"]


EXAMPLE = re.compile(r"e\.g\. (\+?[0-9]+)")


async def test_every_example_number_shown_is_valid(demo, store: Store, tmp_path, kit):
    """Examples in the form (placeholder and the empty-phone line), for audiences of
    several regions and one with no member yet, are judged valid by core."""
    kit.add_audience(store, tmp_path, "Empty", "phone,name\n", "phone")
    audiences = [uk(demo), india(demo), store.load("Empty")]
    seen: list[str] = []
    for audience, members in audiences:
        form = form_for(audience, members)
        async with FormHost(form).run_test() as pilot:
            await pilot.pause()
            texts = [await kit.text(pilot)]
            texts += [box.placeholder for box in form.query(Input)]
            shown = [e for text in texts for e in EXAMPLE.findall(text)]
        # Typed as shown, the example passes this audience's own checks (its style too:
        # India's numbers are written without +).
        for example in shown:
            values = {c: "x" for c in audience.columns} | {audience.phone_column: example}
            problems = check_member(audience, values, {m.e164 for m in members}).problems
            assert not [p for p in problems if p.column == audience.phone_column], example
        seen += shown
    assert len(seen) >= 6  # each form shows its example twice
    for example in seen:
        verdict = judge(example)
        assert verdict.valid, f"{example}: {verdict.reason}"
    assert {judge(e).region for e in seen} == {"GB", "IN"}  # the audience's own region


def test_no_example_number_is_written_in_the_app_s_source() -> None:
    """Examples come from core.audience.example_for, never typed into the app."""
    import tui

    root = Path(tui.__file__).parent
    for path in root.rglob("*.py"):
        assert not re.search(r"e\.g\. \+?[0-9]{6,}", path.read_text()), path


async def test_escape_with_changes_asks_before_closing(demo, kit):
    audience, members = uk(demo)
    host = FormHost(form_for(audience, members, members[0]))
    async with host.run_test() as pilot:
        await pilot.press("tab", *"x", "escape")
        await pilot.pause()
        assert isinstance(host.screen, ConfirmModal)
        assert "lose what you typed" in await kit.text(pilot)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(host.screen, MemberFormModal)
        await pilot.press("escape", "y")
        await pilot.pause()
        await pilot.pause()
    assert host.results == [None]
    assert demo.store.members("UK clinic reminders")[0] == members[0]
