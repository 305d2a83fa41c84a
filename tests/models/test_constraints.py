"""Integrity rules live in the schema, on both databases."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from crowdcat.models import Entry, EntryStatus, Item, Reservation, Submission


def _fails(session, statement: str, **params) -> None:  # noqa: ANN001
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text(statement), params)


def test_one_submission_per_page_and_volunteer(session, factory):
    project = factory.project()
    page, user = factory.item(project), factory.user()
    session.add(Submission(item_id=page.id, user_id=user.id, project_id=project.id,
                           values={"title": "a"}))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Submission(item_id=page.id, user_id=user.id, project_id=project.id,
                               values={"title": "b"}))
        session.flush()


def test_a_submission_is_either_values_or_a_skip(session, factory):
    project = factory.project()
    page, user = factory.item(project), factory.user()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Submission(item_id=page.id, user_id=user.id, project_id=project.id))
        session.flush()


def test_foreign_keys_are_enforced(session):
    _fails(session, "INSERT INTO field_specs (project_id, position, key, kind, labels, help,"
           " required, keyed, choices, options) VALUES (9999, 0, 'k', 'text', '{}', '{}',"
           " false, true, '[]', '{}')")


def test_project_redundancy_rules(session, factory):
    project = factory.project()
    _fails(session, "UPDATE projects SET max_submissions = 1, agree_needed = 2 WHERE id = :i",
           i=project.id)
    _fails(session, "UPDATE projects SET agree_needed = 0 WHERE id = :i", i=project.id)
    _fails(session, "UPDATE projects SET status = 'deleted' WHERE id = :i", i=project.id)


def test_approved_entry_needs_a_review(session, factory):
    project = factory.project()
    page = factory.item(project)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Entry(item_id=page.id, project_id=project.id, status=EntryStatus.APPROVED))
        session.flush()


def test_times_are_timezone_aware_utc(session, factory):
    page = factory.item(factory.project())
    session.rollback()
    stored = session.get(Item, page.id).created_at
    assert stored.tzinfo is not None and stored.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - stored).total_seconds()) < 60


def test_naive_datetimes_are_refused(session, factory):
    page = factory.item(factory.project())
    page.created_at = datetime(2026, 1, 1)
    with pytest.raises(StatementError):
        session.flush()
    session.rollback()


def test_entry_version_detects_a_lost_update(app, session, factory):
    from sqlalchemy.orm.exc import StaleDataError

    project = factory.project()
    entry = Entry(item_id=factory.item(project).id, project_id=project.id)
    session.add(entry)
    session.commit()
    session.execute(text("UPDATE entries SET version = version + 1 WHERE id = :i"), {"i": entry.id})
    entry.status = EntryStatus.REVIEW
    with pytest.raises(StaleDataError):
        session.flush()
    session.rollback()


def _two_projects_page(factory):  # noqa: ANN001, ANN202
    """A page of one project, another project, and a volunteer."""
    project, other = factory.project(), factory.project()
    return factory.item(project), project, other, factory.user()


def test_a_submission_of_another_project_than_its_page_is_refused(session, factory):
    page, project, other, user = _two_projects_page(factory)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Submission(item_id=page.id, user_id=user.id, project_id=other.id,
                               values={"title": "a"}))
        session.flush()
    session.add(Submission(item_id=page.id, user_id=user.id, project_id=project.id,
                           values={"title": "a"}))
    session.flush()  # the page's own project is accepted


def test_a_reservation_of_another_project_than_its_page_is_refused(session, factory):
    page, project, other, user = _two_projects_page(factory)
    until = datetime(2100, 1, 1, tzinfo=UTC)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Reservation(item_id=page.id, user_id=user.id, project_id=other.id,
                                expires_at=until))
        session.flush()
    session.add(Reservation(item_id=page.id, user_id=user.id, project_id=project.id,
                            expires_at=until))
    session.flush()


def test_an_entry_of_another_project_than_its_page_is_refused(session, factory):
    page, project, other, _user = _two_projects_page(factory)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Entry(item_id=page.id, project_id=other.id))
        session.flush()
    session.add(Entry(item_id=page.id, project_id=project.id))
    session.flush()


def test_a_row_cannot_be_moved_to_another_project_than_its_page(session, factory):
    page, project, other, user = _two_projects_page(factory)
    session.add(Submission(item_id=page.id, user_id=user.id, project_id=project.id,
                           values={"title": "a"}))
    session.add(Entry(item_id=page.id, project_id=project.id))
    session.flush()
    for table in ("submissions", "entries"):
        _fails(session, f"UPDATE {table} SET project_id = :o WHERE item_id = :p",
               o=other.id, p=page.id)
    # Nor can the page leave its project while its rows point at it.
    _fails(session, "UPDATE items SET project_id = :o WHERE id = :p", o=other.id, p=page.id)


def test_deleting_a_project_still_deletes_its_pages_rows(session, factory):
    page, project, _other, user = _two_projects_page(factory)
    session.add(Submission(item_id=page.id, user_id=user.id, project_id=project.id,
                           values={"title": "a"}))
    session.add(Reservation(item_id=page.id, user_id=user.id, project_id=project.id,
                            expires_at=datetime(2100, 1, 1, tzinfo=UTC)))
    session.add(Entry(item_id=page.id, project_id=project.id))
    session.flush()
    session.execute(text("DELETE FROM projects WHERE id = :i"), {"i": project.id})
    for table in ("submissions", "reservations", "entries"):
        left = session.execute(text(f"SELECT count(*) FROM {table} WHERE item_id = :p"),
                               {"p": page.id}).scalar()
        assert left == 0, table
