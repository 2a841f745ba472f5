"""Search that knows phones: a number typed any way finds its member in the grid."""

from __future__ import annotations

import polars as pl
import pytest

from core.audience import Member, members_frame, search_members
from core.store import Store
from tests.tui.test_member_grid import open_audience, view_column

UK_MEMBERS = [
    Member({"phone": "+447400300995", "name": "Ada"}, "+447400300995", "GB", "mobile"),
    Member({"phone": "+447400300996", "name": "Bo 7400"}, "+447400300996", "GB", "mobile"),
    Member({"phone": "+442079460958", "name": "Cy"}, "+442079460958", "GB", "fixed_line"),
]


@pytest.mark.parametrize(
    "typed", ["07400 300995", "7400300995", "+447400300995", "+44 7400 300995"]
)
def test_a_number_written_any_way_finds_its_member(store: Store, typed: str) -> None:
    audience = store.create("UK", ["phone", "name"], "phone", UK_MEMBERS)
    frame = members_frame(audience, UK_MEMBERS)
    found = search_members(frame, typed, ["phone", "name"], fix_region=audience.fix_region())
    assert found["name"].to_list() == ["Ada"]


def test_text_search_still_finds_text_and_digits_inside_cells(store: Store) -> None:
    audience = store.create("UK", ["phone", "name"], "phone", UK_MEMBERS)
    frame = members_frame(audience, UK_MEMBERS)
    assert search_members(frame, "cy", ["phone", "name"])["name"].to_list() == ["Cy"]
    # Digits that are no number of their own still match inside cells, as typed.
    found = search_members(frame, "7400", ["phone", "name"], fix_region="GB")
    assert found["name"].to_list() == ["Ada", "Bo 7400"]
    assert search_members(frame, "", ["phone"]).height == 3
    assert isinstance(found, pl.DataFrame)


async def test_the_grid_search_finds_a_national_number(tmp_path, kit) -> None:  # type: ignore[no-untyped-def]
    from tui.app import make_app

    store = Store(tmp_path / "store")
    store.create("UK", ["phone", "name"], "phone", UK_MEMBERS)
    app = make_app(store)
    async with app.run_test() as pilot:
        await kit.settle(pilot)
        grid = await open_audience(pilot, kit, "UK")
        await pilot.press("slash", *"07400 300995")
        await kit.settle(pilot)
        assert view_column(grid, "name") == ["Ada"]
