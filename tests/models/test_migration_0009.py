"""Migration 0009 on a database with data: every page becomes a one-image item, nothing lost."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from tests.models.migration_data import MigratedDatabase
from tests.models.test_migration_0005 import (
    LATER,
    T0,
    _entry,
    _page,
    _project,
    _reservation,
    _submission,
    _user,
)

IMAGE_COLUMNS = ("image_key", "content_hash", "width", "height", "byte_size", "original_name")


def _reading(id_: int, page_id: int) -> dict:
    return {"id": id_, "page_id": page_id, "engine": "rapidocr", "model_version": "PP-OCRv4",
            "vertical": True, "lines": [{"text": "呈", "confidence": 0.9, "box": [1, 2, 3, 4]}],
            "text": "呈", "error": None, "seconds": 1.5, "created_at": T0}


def _seed(database: MigratedDatabase) -> None:
    """Two projects with pages keyed, held, reviewed and read by OCR."""
    database.insert("users", _user(1), _user(2), _user(3, "reviewer"))
    database.insert("projects", _project(1), _project(2))
    database.insert("pages", _page(1, 1, count=2), _page(2, 1, count=1), _page(3, 2, count=1),
                    _page(4, 2, wanted=1))
    database.insert("submissions", _submission(1, 1, 1, 1), _submission(2, 1, 2, 1),
                    _submission(3, 3, 1, 2), _submission(4, 2, 1, 1))
    database.insert("entries",
                    _entry(1, 1, 1, status="approved", final_values={"title": "題名"},
                           reviewer_id=3, reviewed_at=T0),
                    _entry(2, 3, 2))
    database.insert("reservations", _reservation(1, 2, 2, 1), _reservation(2, 4, 1, 2))
    database.insert("page_texts", _reading(1, 1), _reading(2, 3))
    database.insert("audit_events", {"created_at": T0, "actor_id": 3, "action": "approve",
                                     "object_type": "entry", "object_id": 1, "project_id": 1,
                                     "before": None, "after": {"title": "題名"},
                                     "reason": ""})


@pytest.fixture
def seeded(blank_database: MigratedDatabase) -> MigratedDatabase:
    """A database at the revision before 0009, with data."""
    blank_database.upgrade(blank_database.before("0009"))
    _seed(blank_database)
    return blank_database


def _renamed(row: dict, old: str, new: str) -> dict:
    return {(new if key == old else key): value for key, value in row.items()}


def test_every_page_becomes_a_one_image_item_and_every_row_is_kept(seeded):
    before = seeded.snapshot()
    seeded.upgrade("0009")
    after = seeded.snapshot()

    assert "pages" not in after and "page_texts" not in after
    pages = before["pages"]
    assert [{k: v for k, v in item.items() if k != "reference"} for item in after["items"]] == [
        {k: v for k, v in page.items() if k not in IMAGE_COLUMNS} for page in pages]
    assert [item["reference"] for item in after["items"]] == [p["original_name"] for p in pages]
    assert after["images"] == [
        {"id": p["id"], "item_id": p["id"], "project_id": p["project_id"], "position": 1,
         **{k: p[k] for k in IMAGE_COLUMNS}, "created_at": p["created_at"]} for p in pages]
    for table in ("submissions", "entries", "reservations"):
        assert after[table] == [_renamed(row, "page_id", "item_id") for row in before[table]]
    assert after["image_texts"] == [_renamed(row, "page_id", "image_id")
                                    for row in before["page_texts"]]
    for table in ("users", "projects", "audit_events", "api_tokens", "field_specs"):
        assert after[table] == before[table]


def test_the_holds_keep_filling_and_freeing_items(seeded):
    """The triggers of migration 0002 come back for items (PostgreSQL and SQLite)."""
    seeded.upgrade("0009")
    assert _full_until(seeded, 4).year == LATER.year  # item 4 wants one: its hold fills it
    seeded.execute("DELETE FROM reservations WHERE id = 2")
    assert _full_until(seeded, 4).year == 1970
    seeded.insert("reservations", _renamed(_reservation(3, 4, 2, 2), "page_id", "item_id"))
    assert _full_until(seeded, 4).year == LATER.year
    seeded.execute("UPDATE items SET wanted = 3 WHERE id = 4")  # wants more: not full
    assert _full_until(seeded, 4).year == 1970


def _full_until(database: MigratedDatabase, item_id: int) -> datetime:
    return next(i["full_until"] for i in database.rows("items") if i["id"] == item_id)


def _image(id_: int, item_id: int, project_id: int, position: int) -> dict:
    return {"id": id_, "item_id": item_id, "project_id": project_id, "position": position,
            "image_key": f"k{id_}", "content_hash": f"{id_:064x}", "width": 100,
            "height": 150, "byte_size": 10, "original_name": f"{id_}.jpg",
            "created_at": datetime(2026, 12, 1, tzinfo=UTC)}


def test_after_the_upgrade_an_item_takes_more_images_in_order_and_only_its_own(seeded):
    seeded.upgrade("0009")
    seeded.insert("images", _image(10, 1, 1, 2))  # page 2 of item 1
    for wrong in (_image(11, 1, 1, 2),   # a second page 2
                  _image(12, 1, 2, 3),   # another project's than its item's
                  _image(13, 1, 1, 0)):  # position 0
        with pytest.raises(IntegrityError):
            seeded.insert("images", wrong)
    # A new image gets an id after the copied ones (PostgreSQL: the sequence was moved on).
    new = {k: v for k, v in _image(0, 2, 1, 2).items() if k != "id"}
    seeded.insert("images", new)
    added = next(i["id"] for i in seeded.rows("images") if i["position"] == 2 and i["item_id"] == 2)
    assert added > 4


def test_downgrade_is_refused_with_a_reason(seeded):
    seeded.upgrade("0009")
    seeded.insert("images", _image(10, 1, 1, 2))
    with pytest.raises(SystemExit):  # Flask-Migrate logs the reason and exits 1
        seeded.downgrade("0005")
    assert len(seeded.rows("images")) == 5
