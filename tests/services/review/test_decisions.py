"""Review decisions: approve, correct, send back, reject, reopen, and the queue."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crowdcat.extensions import db
from crowdcat.models import AuditEvent, Entry, EntryStatus, FieldKind, ItemStatus, Role, User
from crowdcat.services.errors import Conflict, Forbidden, ServiceError
from crowdcat.services.review import decisions as review
from crowdcat.services.review.queue import (
    conflict_fields,
    next_entry,
    queue,
    status_counts,
    waiting_projects,
)
from crowdcat.services.review.values import InvalidValues
from tests.factories import SIMPLE_FIELDS
from tests.factories_review import ReviewFactory

AGREED = {"title": "呈報縣政府修築公路經費", "date": "民國三十七年五月十日", "pages": "3"}


@pytest.fixture
def rf(session, factory) -> ReviewFactory:
    return ReviewFactory(session, factory)


@pytest.fixture
def reviewer(factory) -> User:
    return factory.user(Role.REVIEWER)


def _events(session, entry) -> list[AuditEvent]:
    return review.history(session, entry)


def test_approve_as_proposed_records_the_decision(session, factory, rf, reviewer):
    project = factory.project()
    entry = rf.agreed(project, AGREED)
    changed = review.approve(session, entry, reviewer, None, entry.version)
    session.commit()
    assert changed == []
    entry = session.get(Entry, entry.id)
    assert entry.status == EntryStatus.APPROVED
    assert entry.values == AGREED
    assert entry.reviewer_id == reviewer.id and entry.reviewed_at is not None
    [event] = _events(session, entry)
    assert event.action == "entry.approve" and event.actor_id == reviewer.id
    assert event.before["status"] == "review"
    assert event.after == {"status": "approved", "values": AGREED}


def test_correct_and_approve_records_each_changed_field(session, factory, rf, reviewer):
    project = factory.project()
    entry = rf.entry(project, [AGREED, AGREED | {"title": "呈報縣政府修築道路經費"},
                               AGREED | {"pages": "三"}])
    review.approve(session, entry, reviewer,
                   {"title": "呈報縣政府修築公路經費案", "pages": "叁", "date": "1948-05-10"},
                   entry.version)
    session.commit()
    correct, approve = _events(session, entry)
    # 叁 is 3 and 1948-05-10 is the proposed date: respellings, not corrections.
    assert correct.action == "entry.correct"
    assert correct.before == {"title": "呈報縣政府修築公路經費"}
    assert correct.after == {"title": "呈報縣政府修築公路經費案"}
    assert approve.after["values"] == {"title": "呈報縣政府修築公路經費案", "pages": "3",
                                       "date": "1948-05-10"}


def test_conflicting_field_must_be_decided(session, factory, rf, reviewer):
    project = factory.project()
    entry = rf.entry(project, [AGREED | {"pages": "3"}, AGREED | {"pages": "4"}])
    assert entry.status == EntryStatus.CONFLICT and conflict_fields(entry) == ["pages"]
    with pytest.raises(InvalidValues) as refused:
        review.approve(session, entry, reviewer, None, entry.version)
    assert set(refused.value.errors) == {"pages"}
    session.rollback()
    review.approve(session, entry, reviewer, {"pages": "4"}, entry.version)
    session.commit()
    correct = _events(session, entry)[0]
    assert correct.before == {"pages": None} and correct.after == {"pages": "4"}


def test_values_are_checked_like_the_keying_form(session, factory, rf, reviewer):
    fields = [*SIMPLE_FIELDS, {"key": "doc_type", "kind": FieldKind.SELECT,
                               "choices": ["訓令", "公函"], "labels": {"en": "Type"}}]
    project = factory.project(fields=fields)
    entry = rf.agreed(project, AGREED | {"doc_type": "公函"})
    with pytest.raises(InvalidValues) as refused:
        review.approve(session, entry, reviewer,
                       {"title": "  ", "date": "五月某日", "pages": "幾頁", "doc_type": "便條"},
                       entry.version)
    assert set(refused.value.errors) == {"title", "date", "pages", "doc_type"}
    session.rollback()
    entry = session.get(Entry, entry.id)
    assert entry.status == EntryStatus.REVIEW and entry.values is None
    assert _events(session, entry) == []


def test_a_reviewer_may_not_approve_their_own_keying(session, factory, rf):
    project = factory.project()
    keyer = factory.user(Role.REVIEWER)
    entry = rf.agreed(project, AGREED, volunteers=[keyer, factory.user()])
    with pytest.raises(Forbidden):
        review.approve(session, entry, keyer, None, entry.version)
    with pytest.raises(Forbidden):
        review.reject(session, entry, keyer, "blank", entry.version)
    session.rollback()
    project.allow_self_review = True
    session.commit()
    review.approve(session, entry, keyer, None, entry.version)
    assert entry.status == EntryStatus.APPROVED


def test_volunteers_cannot_decide(session, factory, rf):
    entry = rf.agreed(factory.project(), AGREED)
    with pytest.raises(Forbidden):
        review.approve(session, entry, factory.user(), None, entry.version)


def test_stale_version_is_refused_and_names_who_changed_it(session, factory, rf, reviewer):
    entry = rf.agreed(factory.project(), AGREED)
    seen = entry.version
    other = factory.user(Role.REVIEWER, display_name="王審核")
    review.approve(session, entry, other, None, seen)
    session.commit()
    with pytest.raises(Conflict, match="王審核"):
        review.reopen(session, entry, reviewer, "typo", seen)


def test_two_sessions_racing_cannot_overwrite(app, session, factory, rf):
    entry = rf.agreed(factory.project(), AGREED)
    first, second = factory.user(Role.REVIEWER), factory.user(Role.REVIEWER)
    # The second reviewer's view of the entry, read before the first one decided.
    other = Session(db.engine, expire_on_commit=False)
    try:
        stale_entry = other.get(Entry, entry.id)
        stale_reviewer = other.get(User, second.id)
        _ = stale_entry.item.project.fields
        other.commit()
        review.approve(session, entry, first, {"title": "第一位"}, entry.version)
        session.commit()
        with pytest.raises(Conflict):
            review.approve(other, stale_entry, stale_reviewer, {"title": "第二位"},
                           stale_entry.version)
        other.rollback()
    finally:
        other.close()
    session.expire_all()
    assert session.get(Entry, entry.id).values["title"] == "第一位"


def test_send_back_reopens_the_page_for_more_keying(session, factory, rf, reviewer):
    entry = rf.entry(factory.project(), [AGREED, AGREED | {"title": "別的題名"}])
    with pytest.raises(ServiceError):
        review.send_back(session, entry, reviewer, "  ", entry.version)
    with pytest.raises(ServiceError):
        review.send_back(session, entry, reviewer, "unclear", entry.version, extra=99)
    session.rollback()
    review.send_back(session, entry, reviewer, "題名難辨，請再著錄", entry.version, extra=2)
    session.commit()
    entry = session.get(Entry, entry.id)
    assert entry.status == EntryStatus.KEYING
    assert entry.item.status == ItemStatus.KEYING and entry.item.wanted == 4
    [event] = _events(session, entry)
    assert event.action == "entry.send_back" and event.reason == "題名難辨，請再著錄"
    assert event.before["page_wanted"] == 2 and event.after["page_wanted"] == 4


def test_reject_marks_not_a_catalog_entry(session, factory, rf, reviewer):
    entry = rf.agreed(factory.project(), AGREED)
    with pytest.raises(ServiceError):
        review.reject(session, entry, reviewer, "boring", entry.version)
    session.rollback()
    review.reject(session, entry, reviewer, "illegible", entry.version, note="水漬")
    session.commit()
    assert entry.status == EntryStatus.REJECTED and entry.values is None
    [event] = _events(session, entry)
    assert event.after == {"status": "rejected", "why": "illegible"} and event.reason == "水漬"


def test_reopen_then_correct_keeps_every_earlier_value_on_record(session, factory, rf, reviewer):
    entry = rf.agreed(factory.project(), AGREED)
    review.approve(session, entry, reviewer, None, entry.version)
    session.commit()
    with pytest.raises(ServiceError):
        review.reopen(session, entry, reviewer, "", entry.version)
    session.rollback()
    review.reopen(session, entry, reviewer, "頁數有誤", entry.version)
    session.commit()
    assert entry.status == EntryStatus.REVIEW and entry.values == AGREED
    review.approve(session, entry, reviewer, {"pages": "4"}, entry.version)
    session.commit()
    actions = [e.action for e in _events(session, entry)]
    assert actions == ["entry.approve", "entry.reopen", "entry.correct", "entry.approve"]
    correct = _events(session, entry)[2]
    assert correct.before == {"pages": "3"} and correct.after == {"pages": "4"}


def test_queue_puts_conflicts_first_then_the_oldest(session, factory, rf, reviewer):
    project = factory.project()
    older = rf.agreed(project, AGREED)
    newer = rf.agreed(project, AGREED)
    conflict = rf.entry(project, [AGREED, AGREED | {"title": "另一題名"}])
    approved = rf.agreed(project, AGREED)
    review.approve(session, approved, reviewer, None, approved.version)
    session.commit()
    entries, total = queue(session, project)
    assert [e.id for e in entries] == [conflict.id, older.id, newer.id] and total == 3
    counts = status_counts(session, project)
    assert counts[EntryStatus.REVIEW] == 2 and counts[EntryStatus.CONFLICT] == 1
    assert counts[EntryStatus.APPROVED] == 1 and counts[EntryStatus.KEYING] == 0
    assert [e.id for e in queue(session, project, status=EntryStatus.APPROVED)[0]] == [approved.id]
    assert [e.id for e in queue(session, project, field_key="title")[0]] == [conflict.id]
    assert queue(session, project, field_key="pages")[0] == []
    [waiting] = waiting_projects(session)
    assert (waiting.project.id, waiting.review, waiting.conflict) == (project.id, 2, 1)


def test_next_entry_skips_the_reviewers_own_pages(session, factory, rf):
    project = factory.project()
    keyer = factory.user(Role.REVIEWER)
    own = rf.agreed(project, AGREED, volunteers=[keyer, factory.user()])
    other = rf.agreed(project, AGREED)
    assert next_entry(session, project, keyer).id == other.id
    assert next_entry(session, project, keyer, exclude=other.id) is None
    assert next_entry(session, project, factory.user(Role.REVIEWER)).id == own.id
