"""New audience screen: keystrokes in, the store and the screen checked (plus snapshots)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static

from core.demo import SAMPLES, seed_demo
from core.reading import CsvTable
from core.store import Store
from tui.dialogs.encoding import EncodingConsentModal
from tui.screens.csv_diff import CsvDiffScreen
from tui.screens.new_audience import NewAudienceScreen
from tui.testing import settle as settle_app
from tui.widgets.frame_table import FrameTable

UNSET = object()


class NewAudienceApp(App[None]):
    """Pushes the new-audience screen and keeps what it returned."""

    def __init__(self, store: Store, start_dir: Path) -> None:
        super().__init__()
        self.store = store
        self.start_dir = start_dir
        self.result: object = UNSET

    def on_mount(self) -> None:
        self.push_screen(NewAudienceScreen(self.store, self.start_dir), self.finished)

    def finished(self, name: str | None) -> None:
        self.result = name


async def settle(pilot: Pilot[None]) -> None:
    await settle_app(pilot)  # type: ignore[arg-type]


@pytest.fixture
def samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample CSVs in `samples/` under a temporary working folder (paths stay short)."""
    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    return Path("samples")


def problem(app: App[None]) -> str:
    return str(app.screen.query_one("#new-audience-problem", Static).render())


async def choose(pilot: Pilot[None], path: str) -> None:
    """Type a path in the path box and press enter."""
    box = pilot.app.screen.query_one("#file-path", Input)
    box.value = path
    box.focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_create_from_a_sample_using_the_folder_browser(samples: Path, store: Store) -> None:
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        # tab to the browser; the 4th file (sorted) is uk_clinic_reminders.csv
        await pilot.press("tab", "down", "down", "down", "down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen)
        assert screen.phase == "preview"
        assert screen.phone_column == "phone"
        columns = screen.query_one("#column-profiles", FrameTable)
        assert columns.marked == {0}
        assert columns.row(0)["valid"] == "48 of 48 (100%)"
        assert columns.row(0)["regions"] == "GB 48"
        assert screen.query_one("#audience-name", Input).value == "Uk clinic reminders"
        screen.query_one("#audience-name", Input).value = "Clinic"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        assert store.list_audiences() == []  # nothing written before the diff is confirmed
        await pilot.press("enter")
        await settle(pilot)
        assert app.result == "Clinic"
        audience, members = store.load("Clinic")
        assert audience.phone_column == "phone"
        assert audience.columns == ["phone", "first_name", "last_name", "city", "appointment_day"]
        assert len(members) == 48


async def test_header_fixes_must_be_accepted_and_invalid_rows_skipped(
    samples: Path, store: Store
) -> None:
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/webinar_signups.csv")
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen)
        assert screen.phone_column == "Phone Number"
        assert screen.query_one("#fix-headers", Checkbox).display
        columns = screen.query_one("#column-profiles", FrameTable)
        assert "saved_as" in columns.columns
        assert columns.row(0)["saved_as"] == "First_Name"
        box = screen.query_one("#fix-headers", Checkbox)
        assert box.value and "Using the proposed column names" in str(box.label)  # ticked
        await pilot.press("f", "enter")  # untick: refused, and said so
        await settle(pilot)
        assert app.screen is screen
        assert not box.value and "Not using the proposed column names" in str(box.label)
        assert "press f" in problem(app)
        await pilot.press("f", "enter")
        await settle(pilot)
        diff = app.screen
        assert isinstance(diff, CsvDiffScreen)
        await pilot.press("enter")  # 5 invalid rows: refused until skipped
        await settle(pilot)
        assert app.screen is diff
        assert store.list_audiences() == []
        await pilot.press("i", "enter")
        await settle(pilot)
        assert app.result == "Webinar signups"
        audience, members = store.load("Webinar signups")
        assert audience.columns == ["First_Name", "Last_Name", "Phone_Number", "E_mail", "City"]
        assert audience.phone_column == "Phone_Number"
        assert len(members) == 55


async def test_space_chooses_another_phone_column(samples: Path, store: Store) -> None:
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/uk_clinic_reminders.csv")
        await pilot.press("down", "down", "space")
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen)
        assert screen.phone_column == "last_name"
        assert screen.query_one("#column-profiles", FrameTable).marked == {2}


async def test_typing_a_name_uses_letters_and_space_as_text(samples: Path, store: Store) -> None:
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/webinar_signups.csv")
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen)
        await pilot.press("ctrl+n", "ctrl+u", "f", "space", "n")
        await settle(pilot)
        assert screen.query_one("#audience-name", Input).value == "f n"
        assert screen.accept_fixes is True  # as it started: "f" went into the name
        assert screen.phone_column == "Phone Number"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen) and app.screen.new_name == "f n"


async def test_escape_cancels_a_slow_read(
    samples: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.reading as module  # the screen's worker reads through it

    release = threading.Event()
    real_read = module.read_file

    def slow_read(path: Path, encoding: str | None = None) -> CsvTable:
        release.wait(10)
        return real_read(path, encoding=encoding)

    monkeypatch.setattr(module, "read_file", slow_read)
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#file-path", Input)
        box.value = "samples/uk_clinic_reminders.csv"
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen)
        assert screen.phase == "read"
        assert screen.query_one("#new-audience-progress").display
        await pilot.press("escape")
        assert screen.phase == "pick"
        release.set()
        await settle(pilot)
        assert screen.phase == "pick"  # the late result is dropped
        assert "Stopped reading" in problem(app)
        assert app.result is UNSET


async def test_cancel_at_each_step_writes_nothing(samples: Path, store: Store) -> None:
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/uk_clinic_reminders.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        await pilot.press("escape")  # diff view: cancel
        await settle(pilot)
        assert isinstance(app.screen, NewAudienceScreen)
        assert app.screen.phase == "preview"
        await pilot.press("escape", "escape")  # back to the picker, then close
        await settle(pilot)
        assert app.result is None
        assert store.list_audiences() == []


async def test_a_taken_name_and_an_unreadable_file_are_refused_in_the_app(
    samples: Path, store: Store, tmp_path: Path
) -> None:
    seed_demo(store, tmp_path / "demo")
    (samples / "picture.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/picture.csv")
        assert app.screen.phase == "pick"  # type: ignore[attr-defined]
        assert "PNG image" in problem(app)
        await choose(pilot, "samples/nothing_here.csv")
        assert "no such file" in str(app.screen.query_one("#file-problem", Static).render())
        await choose(pilot, "samples/uk_clinic_reminders.csv")
        app.screen.query_one("#audience-name", Input).value = "UK clinic reminders"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NewAudienceScreen)
        assert "already exists" in problem(app)
        assert len(store.list_audiences()) == 2


async def test_a_non_utf8_file_is_converted_only_with_consent(samples: Path, store: Store) -> None:
    (samples / "legacy.csv").write_bytes("phone,name\n+447400122702,Renée\n".encode("cp1252"))
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/legacy.csv")
        assert isinstance(app.screen, EncodingConsentModal)
        assert "Western European (cp1252)" in str(
            app.screen.query_one("#encoding-reading", Static).render()
        )
        await pilot.press("n")
        await settle(pilot)
        assert "consent" in problem(app)
        await choose(pilot, "samples/legacy.csv")
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen) and screen.phase == "preview"
        summary = str(screen.query_one("#file-summary", Static).render())
        assert "converted from Western European (cp1252)" in summary
        assert screen.query_one("#column-profiles", FrameTable).row(1)["example"] == "Renée"


async def test_a_workbook_is_read_from_its_first_sheet(samples: Path, store: Store) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(samples / "crm.xlsx"))
    sheet = book.add_worksheet("Contacts")
    for r, row in enumerate([["name", "phone"], ["Ann", "+447400123456"], ["Bo", 447400123457]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.add_worksheet("Notes").write(0, 0, "x")
    book.close()
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/crm.xlsx")
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen) and screen.phase == "preview"
        assert screen.table is not None and screen.table.sheet == "Contacts"
        assert screen.phone_column == "phone"
        summary = str(screen.query_one("#file-summary", Static).render())
        assert "Excel sheet 'Contacts' (the first of 2)" in summary
        assert "numbers, not text, in phone: leading + and 0 are lost" in summary


async def test_a_spreadsheets_empty_columns_at_the_end_are_left_out(
    samples: Path, store: Store
) -> None:
    """`;;` at the end of each line: no header fixes to accept, the summary says what
    was left out, and the audience is created with the named columns only."""
    (samples / "excel.csv").write_bytes(
        "phone;name;;\r\n+447400123456;Zoë;;\r\n+447400123457;Bo;;\r\n".encode("cp1252")
    )
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/excel.csv")
        screen = app.screen
        if isinstance(screen, EncodingConsentModal):
            await pilot.press("enter")  # convert from the encoding detected
            await settle(pilot)
            screen = app.screen
        assert isinstance(screen, NewAudienceScreen) and screen.phase == "preview"
        summary = str(screen.query_one("#file-summary", Static).render())
        assert "left out 2 empty columns with no name at the end of each line" in summary
        assert screen.table is not None and screen.table.headers == ["phone", "name"]


async def test_path_box_completes_paths(samples: Path, store: Store) -> None:
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#file-path", Input)
        box.value = "samples/web"
        box.cursor_position = len(box.value)
        await settle(pilot)
        await pilot.press("right")  # accept the suggestion
        assert box.value == "samples/webinar_signups.csv"


async def test_tilde_means_home_in_the_path_box(
    samples: Path, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#file-path", Input)
        box.value = "~/samples/uk_cl"
        box.cursor_position = len(box.value)
        await settle(pilot)
        await pilot.press("right", "enter")
        await settle(pilot)
        assert box.value == "~/samples/uk_clinic_reminders.csv"
        assert app.screen.phase == "preview"  # type: ignore[attr-defined]


async def test_a_path_pasted_after_the_folder_shown_starts_again(
    samples: Path, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The box shows the folder it starts in; a whole path pasted after it (`//`) or a
    home path (`/~/`) starts again there, as in Emacs, instead of "no such file"."""
    monkeypatch.setenv("HOME", str(tmp_path))
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#file-path", Input)
        for typed in (
            f"{samples.resolve()}/{tmp_path}/samples/uk_clinic_reminders.csv",
            "samples/~/samples/uk_clinic_reminders.csv",
        ):
            box.value = typed
            box.focus()
            await pilot.press("end", "enter")
            await settle(pilot)
            assert app.screen.phase == "preview", typed  # type: ignore[attr-defined]
            await pilot.press("escape")
            await settle(pilot)
        box = app.screen.query_one("#file-path", Input)
        box.value = "samples/nothing.csv"
        box.focus()
        await pilot.press("end", "enter")
        await settle(pilot)
        said = str(app.screen.query_one("#file-problem", Static).render())
        assert said == "no such file: samples/nothing.csv; check the path"


async def test_the_browser_chooses_a_file_with_the_keyboard(samples: Path) -> None:
    from tui.widgets.file_picker import FilePicker

    chosen: list[Path] = []

    class PickerApp(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield FilePicker(samples)

        def on_file_picker_file_chosen(self, event: FilePicker.FileChosen) -> None:
            chosen.append(event.path)

    app = PickerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "down", "down", "enter")  # the browser: 2nd file
        await settle(pilot)
    assert chosen == [(samples / "india_sales_leads.csv").resolve()]


# --- snapshots ------------------------------------------------------------------------------


def no_blink(pilot: Pilot[None]) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


def test_snapshot_picker(snap_compare, samples: Path, store: Store) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        no_blink(pilot)

    app = NewAudienceApp(store, samples)
    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)


def test_snapshot_preview_with_header_fixes(snap_compare, samples: Path, store: Store) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await choose(pilot, "samples/webinar_signups.csv")
        no_blink(pilot)
        await pilot.pause()  # the proposed names start ticked, said in words

    app = NewAudienceApp(store, samples)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_preview(snap_compare, samples: Path, store: Store) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await choose(pilot, "samples/india_sales_leads.csv")
        no_blink(pilot)

    app = NewAudienceApp(store, samples)
    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)


async def test_enter_with_names_left_bad_says_so_in_a_notification(
    samples: Path, store: Store
) -> None:
    app = NewAudienceApp(store, samples)
    seen: list[str] = []
    original = app.notify
    app.notify = lambda message, **kw: (seen.append(message), original(message, **kw))[1]  # type: ignore[method-assign,func-returns-value]
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/webinar_signups.csv")
        await pilot.press("f", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NewAudienceScreen)
        assert any("press f to use the proposed names" in m for m in seen)


async def test_back_from_the_preview_the_path_cursor_is_at_the_end_and_the_browser_fresh(
    samples: Path, store: Store
) -> None:
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await choose(pilot, "samples/uk_clinic_reminders.csv")
        (samples / "written_meanwhile.csv").write_text("phone\n+447400123456\n")
        await pilot.press("escape")
        await settle(pilot)
        box = app.screen.query_one("#file-path", Input)
        assert box.has_focus and box.cursor_position == len(box.value)
        tree = app.screen.query_one("#file-tree")
        listed = [node.data.path.name for node in tree.root.children]
        assert "written_meanwhile.csv" in listed


async def test_the_browser_follows_a_typed_folder(samples: Path, store: Store) -> None:
    (samples / "more").mkdir()
    (samples / "more" / "inside.csv").write_text("phone\n+447400123456\n")
    app = NewAudienceApp(store, Path("."))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#file-path", Input)
        box.value = ""
        await pilot.press(*"samples/more/")
        await settle(pilot)
        tree = app.screen.query_one("#file-tree")
        assert Path(tree.path).resolve() == (samples / "more").resolve()
        assert [node.data.path.name for node in tree.root.children] == ["inside.csv"]


async def test_a_new_path_clears_the_last_files_problem(
    samples: Path, store: Store, tmp_path: Path
) -> None:
    """The empty file's problem goes once another path is typed; the picker then says
    what is wrong with that path, and only that shows."""
    (tmp_path / "empty.csv").write_text("")
    app = NewAudienceApp(store, samples)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await choose(pilot, str(tmp_path / "empty.csv"))
        assert "empty" in problem(app)
        await choose(pilot, str(tmp_path / "nope.csv"))
        assert problem(app) == ""
        picker_problem = str(app.screen.query_one("#file-problem", Static).render())
        assert "no such file" in picker_problem
