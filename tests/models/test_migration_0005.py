"""Migration 0005 on a database with data: every row kept, each row's project its page's."""
from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests.models.migration_data import MigratedDatabase, kept

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2100, 1, 1, tzinfo=UTC)


def _project(id_: int) -> dict:
    return {"id": id_, "slug": f"p{id_}", "title": f"Project {id_}", "description": "",
            "instructions": "", "status": "active", "agree_needed": 2, "max_submissions": 5,
            "reservation_minutes": 30, "weighted_votes": False, "allow_self_review": False,
            "reference_format": "", "created_at": T0, "updated_at": T0}


def _page(id_: int, project_id: int, *, wanted: int = 2, count: int = 0) -> dict:
    return {"id": id_, "project_id": project_id, "sequence": id_, "image_key": f"k{id_}",
            "content_hash": f"{id_:064x}", "width": 100, "height": 150, "byte_size": 1000,
            "original_name": f"{id_}.jpg", "access": "open", "status": "keying",
            "submission_count": count, "wanted": wanted, "prefill": {}, "created_at": T0}


def _user(id_: int, role: str = "volunteer") -> dict:
    return {"id": id_, "email": f"u{id_}@example.org", "display_name": f"User {id_}",
            "password_hash": "x", "role": role, "active": True, "session_token": f"s{id_}",
            "created_at": T0}


def _submission(id_: int, page_id: int, user_id: int, project_id: int) -> dict:
    return {"id": id_, "page_id": page_id, "user_id": user_id, "project_id": project_id,
            "typed_values": {"title": f"題名 {id_}"}, "skip_reason": None, "started_at": T0,
            "submitted_at": T0 + timedelta(minutes=id_), "duration_seconds": 60}


def _entry(id_: int, page_id: int, project_id: int, **kwargs: object) -> dict:
    return {"id": id_, "page_id": page_id, "project_id": project_id, "status": "keying",
            "reconciled": {"fields": {}}, "final_values": None, "submission_count": 1,
            "reviewer_id": None, "reviewed_at": None, "created_at": T0, "updated_at": T0,
            "version": 1, **kwargs}


def _reservation(id_: int, page_id: int, user_id: int, project_id: int) -> dict:
    return {"id": id_, "page_id": page_id, "user_id": user_id, "project_id": project_id,
            "created_at": T0, "expires_at": LATER}


def _seed(database: MigratedDatabase) -> None:
    """Two projects with pages, keyed, held and reviewed; three rows whose project is wrong."""
    database.insert("users", _user(1), _user(2), _user(3, "reviewer"))
    database.insert("projects", _project(1), _project(2))
    database.insert("field_specs", *[
        {"project_id": p, "position": 0, "key": "title", "kind": "text",
         "labels": {"en": "Title"}, "help": {}, "required": True, "keyed": True,
         "choices": [], "options": {}} for p in (1, 2)])
    database.insert("api_tokens", {"user_id": 1, "name": "phone", "token_hash": "h" * 64,
                                   "created_at": T0})
    database.insert("pages", _page(1, 1, count=2), _page(2, 1, count=1), _page(3, 2, count=1),
                    _page(4, 2))
    database.insert("submissions", _submission(1, 1, 1, 1), _submission(2, 1, 2, 1),
                    _submission(3, 3, 1, 2),
                    _submission(4, 2, 1, 2))  # wrong: page 2 is project 1's
    database.insert("entries",
                    _entry(1, 1, 1, status="approved", final_values={"title": "題名"},
                           reviewer_id=3, reviewed_at=T0),
                    _entry(2, 3, 2),
                    _entry(3, 2, 2))  # wrong
    database.insert("reservations", _reservation(1, 2, 2, 1), _reservation(2, 4, 1, 2),
                    _reservation(3, 4, 3, 1))  # wrong: page 4 is project 2's
    database.insert("audit_events", {"created_at": T0, "actor_id": 3, "action": "approve",
                                     "object_type": "entry", "object_id": 1, "project_id": 1,
                                     "before": None, "after": {"title": "題名"},
                                     "reason": ""})


@pytest.fixture
def seeded(blank_database: MigratedDatabase) -> MigratedDatabase:
    """A database at the revision before 0005, with data."""
    blank_database.upgrade(blank_database.before("0005"))
    _seed(blank_database)
    return blank_database


def test_upgrade_keeps_every_row_and_puts_wrong_projects_right(seeded):
    before = seeded.snapshot()
    seeded.upgrade("0005")
    after = seeded.snapshot()

    expected = copy.deepcopy(before)
    expected["submissions"][3]["project_id"] = 1  # corrected to the page's project
    expected["entries"][2]["project_id"] = 1
    expected["reservations"] = [r for r in expected["reservations"] if r["id"] != 3]  # dropped
    # Its two holds filled page 4; with one dropped it is no longer known to be full (0002).
    assert before["pages"][3]["full_until"].year == LATER.year
    expected["pages"][3]["full_until"] = before["pages"][0]["full_until"]  # the epoch
    assert kept(before, after) == expected
    assert len(after["submissions"]) == 4 and len(after["entries"]) == 3


def test_after_the_upgrade_the_database_refuses_a_row_of_another_project(seeded):
    seeded.upgrade("0005")
    for table, row in (("submissions", _submission(9, 4, 2, 1)),
                       ("entries", _entry(9, 4, 1)),
                       ("reservations", _reservation(9, 3, 3, 1))):
        with pytest.raises(IntegrityError):
            seeded.insert(table, row)
    seeded.insert("submissions", _submission(9, 4, 2, 2))  # its page's project: accepted


def test_the_rebuilt_reservations_keep_filling_and_freeing_pages(seeded):
    """SQLite rebuilds reservations: migration 0002's triggers must come back with it."""
    seeded.upgrade("0005")
    seeded.insert("pages", _page(5, 1, wanted=1))
    seeded.insert("reservations", _reservation(10, 5, 3, 1))
    assert _full_until(seeded, 5).year == LATER.year  # the hold fills the page: hint set
    seeded.execute("DELETE FROM reservations WHERE id = 10")
    assert _full_until(seeded, 5).year == 1970  # released: not known to be full


def _full_until(database: MigratedDatabase, page_id: int) -> datetime:
    return next(p["full_until"] for p in database.rows("pages") if p["id"] == page_id)


def test_downgrade_and_upgrade_again_keep_every_row(seeded):
    seeded.upgrade("0005")
    upgraded = seeded.snapshot()
    seeded.downgrade(seeded.before("0005"))
    assert kept(upgraded, seeded.snapshot()) == upgraded
    seeded.insert("submissions", _submission(9, 4, 2, 1))  # the old schema allowed this
    seeded.execute("DELETE FROM submissions WHERE id = 9")
    seeded.upgrade("0005")
    assert seeded.snapshot() == upgraded
