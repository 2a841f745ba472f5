"""The encoding dialog: a file that is not UTF-8 shows its first rows decoded before
anything is read or written, from the new-audience screen and from add-by-CSV alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui.app import AudiencesApp, make_app
from tui.dialogs.encoding import EncodingConsentModal
from tui.screens.new_audience import NewAudienceScreen
from tui.widgets.frame_table import FrameTable

RUSSIAN = (
    "Имя,Фамилия,Телефон,Город\n"
    "Иван,Петров,+79161234567,Москва\n"
    "Ольга,Смирнова,+79262345678,Санкт-Петербург\n"
    "Сергей,Козлов,+79373456789,Новосибирск\n"
)


async def new_audience_from(pilot: Pilot[object], kit, name: str) -> None:  # type: ignore[no-untyped-def]
    """From the list: n, the file's name after the folder the picker starts in, enter."""
    await pilot.press("n")
    await kit.settle(pilot)
    await pilot.press("end")
    await kit.paste(pilot, name)
    await pilot.press("enter")
    await kit.settle(pilot)


def preview(modal: EncodingConsentModal) -> list[tuple[str, ...]]:
    """The header as read, then the rows the dialog's table holds."""
    header = tuple(modal.question.previews[modal.encoding][0])
    return [header, *modal.query_one("#encoding-preview", FrameTable).frame.rows()]


async def test_a_cp1251_file_shows_readable_names_and_esc_writes_nothing(demo, kit) -> None:  # type: ignore[no-untyped-def]
    path = demo.folder / "russian.csv"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    before = (demo.store.catalog_path.read_bytes(), path.read_bytes())
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await new_audience_from(pilot, kit, "russian.csv")
        modal = app.screen
        assert isinstance(modal, EncodingConsentModal)
        assert modal.encoding == "cp1251"
        rows = [tuple(line.split(",")) for line in RUSSIAN.splitlines()]
        assert preview(modal) == rows
        text = await kit.text(pilot)
        assert "russian.csv is not UTF-8. Read as Cyrillic (cp1251), its first rows are:" in text
        assert "Иван Петров +79161234567 Москва" in text
        assert "←/→" not in text  # one likely reading: nothing to switch to
        await pilot.press("escape")
        await kit.settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen) and screen.phase == "pick"
        assert "its encoding needs your consent" in await kit.text(pilot)
        assert (demo.store.catalog_path.read_bytes(), path.read_bytes()) == before
        # Asked again and converted: the screen holds the names as written.
        await pilot.press("enter")
        await kit.settle(pilot)
        assert isinstance(app.screen, EncodingConsentModal)
        await pilot.press("enter")
        await kit.settle(pilot)
        assert screen.phase == "preview" and screen.table is not None
        assert screen.table.converted_from == "cp1251"
        assert screen.table.frame.rows() == rows[1:]
        assert "converted from Cyrillic (cp1251) to UTF-8" in await kit.text(pilot)
    assert demo.store.catalog_path.read_bytes() == before[0]


async def test_an_unsure_guess_shows_each_reading_and_converts_the_one_chosen(demo, kit) -> None:  # type: ignore[no-untyped-def]
    path = demo.folder / "hungarian.csv"
    path.write_bytes("Név;Telefon;Város\nGábor Kovács;+36201234567;Győr\n".encode("cp1250"))
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await new_audience_from(pilot, kit, "hungarian.csv")
        modal = app.screen
        assert isinstance(modal, EncodingConsentModal)
        assert len(modal.question.encodings) > 1
        seen = {}
        for _ in modal.question.encodings:
            seen[modal.encoding] = preview(modal)[1][2]
            await pilot.press("right")
        assert seen["cp1252"] == "Gyõr" and seen["cp1250"] == "Győr"
        while modal.encoding != "cp1250":
            await pilot.press("left")
        assert "Read as Central European (cp1250)" in await kit.text(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewAudienceScreen) and screen.table is not None
        assert screen.table.frame["Város"].to_list() == ["Győr"]


async def test_add_by_csv_asks_with_the_same_dialog(demo, kit) -> None:  # type: ignore[no-untyped-def]
    from tui.dialogs.check_file import CheckFileModal
    from tui.screens.csv_diff import CsvDiffScreen

    text = "phone_number,customer_name,city,plan\n919876543210,José Muñoz,Pune,pro\n"
    (demo.folder / "latin.csv").write_bytes(text.encode("cp1252"))
    app = demo.app()
    async with app.run_test(size=(100, 32)) as pilot:
        await kit.settle(pilot)
        await pilot.press("enter")  # the first audience: India sales leads
        await kit.settle(pilot)
        await pilot.press("A", "end")
        await kit.paste(pilot, "latin.csv")
        await pilot.press("enter")
        await kit.settle(pilot)
        modal = app.screen
        assert isinstance(modal, EncodingConsentModal)
        assert preview(modal)[1] == ("919876543210", "José Muñoz", "Pune", "pro")
        await pilot.press("escape")
        await kit.settle(pilot)
        assert isinstance(app.screen, CheckFileModal)
        assert "its encoding needs your consent" in await kit.text(pilot)
        await pilot.press("enter")
        await kit.settle(pilot)
        await pilot.press("y")
        await kit.settle(pilot)
        assert isinstance(app.screen, CsvDiffScreen)
        assert app.screen.plan.table.frame["customer_name"].to_list() == ["José Muñoz"]


def app_in_samples(demo, monkeypatch: pytest.MonkeyPatch) -> AudiencesApp:  # type: ignore[no-untyped-def]
    """The demo app with its picker in `samples/` (a relative path: the same picture in
    every temporary folder)."""
    monkeypatch.chdir(demo.folder.parent)
    return make_app(demo.store, start_dir=Path(demo.folder.name))


def test_snapshot_encoding_dialog(demo, kit, snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (demo.folder / "russian.csv").write_bytes(RUSSIAN.encode("cp1251"))

    async def before(pilot: Pilot[object]) -> None:
        await kit.settle(pilot)
        await new_audience_from(pilot, kit, "russian.csv")
        assert isinstance(pilot.app.screen, EncodingConsentModal)

    app = app_in_samples(demo, monkeypatch)
    assert snap_compare(app, terminal_size=(100, 32), run_before=before)


def test_snapshot_encoding_dialog_unsure_80x24(demo, kit, snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = "Név;Telefon;Város\nGábor Kovács;+36201234567;Győr\n".encode("cp1250")
    (demo.folder / "hungarian.csv").write_bytes(data)

    async def before(pilot: Pilot[object]) -> None:
        await kit.settle(pilot)
        await new_audience_from(pilot, kit, "hungarian.csv")
        await pilot.press("right")
        await pilot.pause()

    app = app_in_samples(demo, monkeypatch)
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
