"""Integrity rules live in the schema, on both databases."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from crowdcat.models import Entry, EntryStatus, Page, Submission


def _fails(session, statement: str, **params) -> None:  # noqa: ANN001
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text(statement), params)


def test_one_submission_per_page_and_volunteer(session, factory):
    project = factory.project()
    page, user = factory.page(project), factory.user()
    session.add(Submission(page_id=page.id, user_id=user.id, project_id=project.id,
                           values={"title": "a"}))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Submission(page_id=page.id, user_id=user.id, project_id=project.id,
                               values={"title": "b"}))
        session.flush()


def test_a_submission_is_either_values_or_a_skip(session, factory):
    project = factory.project()
    page, user = factory.page(project), factory.user()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Submission(page_id=page.id, user_id=user.id, project_id=project.id))
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
    page = factory.page(project)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Entry(page_id=page.id, project_id=project.id, status=EntryStatus.APPROVED))
        session.flush()


def test_times_are_timezone_aware_utc(session, factory):
    page = factory.page(factory.project())
    session.rollback()
    stored = session.get(Page, page.id).created_at
    assert stored.tzinfo is not None and stored.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - stored).total_seconds()) < 60


def test_naive_datetimes_are_refused(session, factory):
    page = factory.page(factory.project())
    page.created_at = datetime(2026, 1, 1)
    with pytest.raises(StatementError):
        session.flush()
    session.rollback()


def test_entry_version_detects_a_lost_update(app, session, factory):
    from sqlalchemy.orm.exc import StaleDataError

    project = factory.project()
    entry = Entry(page_id=factory.page(project).id, project_id=project.id)
    session.add(entry)
    session.commit()
    session.execute(text("UPDATE entries SET version = version + 1 WHERE id = :i"), {"i": entry.id})
    entry.status = EntryStatus.REVIEW
    with pytest.raises(StaleDataError):
        session.flush()
    session.rollback()
