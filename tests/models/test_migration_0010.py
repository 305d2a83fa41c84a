"""Migration 0010 on a database with data: every entry becomes row 0 of its item, nothing lost."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from tests.models.migration_data import MigratedDatabase, kept
from tests.models.test_migration_0005 import T0, _project, _user
from tests.models.test_migration_0009 import _image

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _item(id_: int, project_id: int) -> dict:
    return {"id": id_, "project_id": project_id, "sequence": id_, "reference": f"{id_}.jpg",
            "access": "open", "status": "keying", "submission_count": 1, "wanted": 2,
            "prefill": {}, "created_at": T0, "full_until": EPOCH}


def _submission(id_: int, item_id: int, user_id: int, project_id: int) -> dict:
    return {"id": id_, "item_id": item_id, "user_id": user_id, "project_id": project_id,
            "typed_values": {"title": f"題名 {id_}"}, "skip_reason": None, "started_at": T0,
            "submitted_at": T0, "duration_seconds": 60}


def _entry(id_: int, item_id: int, project_id: int, **kwargs: object) -> dict:
    return {"id": id_, "item_id": item_id, "project_id": project_id, "status": "keying",
            "reconciled": {"fields": {}}, "final_values": None, "submission_count": 1,
            "reviewer_id": None, "reviewed_at": None, "created_at": T0, "updated_at": T0,
            "version": 1, **kwargs}


@pytest.fixture
def seeded(blank_database: MigratedDatabase) -> MigratedDatabase:
    """A database at 0009 with items keyed and reviewed."""
    database = blank_database
    database.upgrade(database.before("0010"))
    database.insert("users", _user(1), _user(2, "reviewer"))
    database.insert("projects", _project(1), _project(2))
    database.insert("items", _item(1, 1), _item(2, 1), _item(3, 2))
    database.insert("images", _image(1, 1, 1, 1), _image(2, 2, 1, 1), _image(3, 3, 2, 1))
    database.insert("submissions", _submission(1, 1, 1, 1), _submission(2, 3, 1, 2))
    database.insert("entries",
                    _entry(1, 1, 1, status="approved", final_values={"title": "題名"},
                           reviewer_id=2, reviewed_at=T0),
                    _entry(2, 3, 2))
    return database


def test_every_entry_becomes_row_0_and_every_row_is_kept(seeded):
    before = seeded.snapshot()
    seeded.upgrade("0010")
    after = seeded.snapshot()

    assert kept(before, after) == before
    assert [entry["row"] for entry in after["entries"]] == [0, 0]
    assert [s["typed_rows"] for s in after["submissions"]] == [None, None]


def test_after_the_upgrade_an_item_holds_one_entry_per_row(seeded):
    seeded.upgrade("0010")
    seeded.insert("entries", _entry(3, 2, 1, row=1), _entry(4, 2, 1, row=2))
    seeded.insert("entries", {k: v for k, v in _entry(5, 2, 1).items()})  # row 0 by default
    assert sorted(e["row"] for e in seeded.rows("entries") if e["item_id"] == 2) == [0, 1, 2]
    for wrong in (_entry(6, 2, 1, row=1),    # row 1 twice
                  _entry(7, 1, 1),           # a second row 0
                  _entry(8, 2, 1, row=-1),   # a negative row
                  _entry(9, 2, 2, row=3)):   # another project's than its item's
        with pytest.raises(IntegrityError):
            seeded.insert("entries", wrong)
    seeded.insert("submissions", {**_submission(3, 2, 1, 1), "typed_rows": [{"title": "〃"}]})
    assert seeded.rows("submissions")[-1]["typed_rows"] == [{"title": "〃"}]


def test_downgrade_is_refused_while_an_item_holds_rows(seeded):
    seeded.upgrade("0010")
    seeded.insert("entries", _entry(3, 2, 1, row=1))
    with pytest.raises(SystemExit):
        seeded.downgrade("0009")
    assert len(seeded.rows("entries")) == 3


def test_downgrade_gives_back_one_entry_per_item(seeded):
    before = seeded.snapshot()
    seeded.upgrade("0010")
    seeded.downgrade("0009")
    assert seeded.snapshot() == before
