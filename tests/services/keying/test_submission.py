"""Submitting: validation per field kind, one submission per volunteer, reservations, skips."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crowdcat.models import (
    EntryStatus,
    FieldKind,
    Item,
    ItemStatus,
    Reservation,
    Submission,
    utcnow,
)
from crowdcat.services.keying import submission as submissions
from crowdcat.services.keying.submission import AlreadySubmitted, NoLongerNeeded
from crowdcat.services.keying.validation import InvalidValues
from tests.factories import SIMPLE_FIELDS
from tests.factories_keying import GOOD, key, reserve

SELECT_FIELDS = [*SIMPLE_FIELDS, {
    "key": "doc_type", "kind": FieldKind.SELECT, "choices": ["訓令", "呈", "函"],
    "labels": {"en": "Type"},
}, {
    "key": "creator", "kind": FieldKind.TEXT, "options": {"blank_values": ["不詳"]},
    "labels": {"en": "Creator"},
}]


def _count(session, model=Submission) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("date", "五月的某一天", "This date could not be read."),
    ("date", "民國三十七年十三月", "This date could not be read."),
    ("pages", "幾頁", "Please type a whole number"),
    ("doc_type", "電報", "Please choose one of the listed values."),
    ("title", "   ", "This field is required."),
    ("title", "bad\x00text", "Title: U+0000 NULL is an invisible control character"),
    ("title", "abc\u202etxt.exe", "Title: U+202E RIGHT-TO-LEFT OVERRIDE is an invisible"),
    ("title", "第一行\n第二行", "Title takes a single line"),
    ("title", "長" * 501, "This is too long (at most 500 characters)."),
])
def test_bad_values_get_a_message_and_nothing_is_saved(session, factory, field, typed,
                                                       message):
    project = factory.project(fields=SELECT_FIELDS)
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=page, user=user, values=GOOD | {field: typed})
    session.rollback()
    assert list(caught.value.errors) == [field]
    assert str(caught.value.errors[field]).startswith(message)
    assert _count(session) == 0
    assert _count(session, Reservation) == 1  # still held: the volunteer fixes and resubmits


def test_values_are_read_as_written(session, factory):
    project = factory.project(fields=SELECT_FIELDS)
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    saved = key(session, page, user, GOOD | {"pages": "十二", "doc_type": "訓令",
                                             "creator": "不詳", "title": "  題名  "})
    assert saved.values["pages"] == "十二" and saved.values["title"] == "題名"


def test_unknown_fields_are_refused(session, factory):
    project = factory.project()
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=page, user=user, values=GOOD | {"secret": "x"})
    assert "secret" in caught.value.errors


def test_double_submit_records_one_submission(session, factory):
    project = factory.project()
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    first = key(session, page, user)
    with pytest.raises(AlreadySubmitted) as caught:
        submissions.submit(session, page=page, user=user, values=GOOD | {"pages": "4"})
    session.rollback()
    assert caught.value.submission.id == first.id
    assert _count(session) == 1
    assert session.get(Item, page.id).submission_count == 1


def test_late_submit_is_saved_when_the_page_still_needs_it(session, factory):
    project = factory.project(reservation_minutes=10)
    factory.item(project)
    user = factory.user()
    start = utcnow()
    page = reserve(session, project, user, now=start)
    key(session, page, user, now=start + timedelta(hours=2))
    assert _count(session) == 1


def test_late_submit_is_refused_politely_when_others_took_the_page(session, factory):
    project = factory.project(reservation_minutes=10, agree_needed=2)
    factory.item(project)
    late, a, b = factory.user(), factory.user(), factory.user()
    start = utcnow()
    page = reserve(session, project, late, now=start)
    later = start + timedelta(minutes=20)
    for other in (a, b):
        assert reserve(session, project, other, now=later).id == page.id
    with pytest.raises(NoLongerNeeded):
        submissions.submit(session, page=page, user=late, values=GOOD, now=later)
    session.rollback()
    assert _count(session) == 0


def test_two_agreeing_submissions_finish_the_page(session, factory):
    project = factory.project()
    factory.item(project)
    a, b = factory.user(), factory.user()
    page = reserve(session, project, a)
    key(session, page, a, GOOD)
    assert reserve(session, project, b).id == page.id
    key(session, page, b, GOOD | {"date": "1948-05-10"})  # the same date, written otherwise
    page = session.get(Item, page.id)
    entry = page_entry(session, page)
    assert page.status == ItemStatus.DONE and entry.status == EntryStatus.REVIEW
    assert entry.reconciled["fields"]["date"]["normalized"] == "1948-05-10"


def test_disagreement_asks_for_one_more_then_conflict_at_the_maximum(session, factory):
    project = factory.project(agree_needed=2, max_submissions=3)
    factory.item(project)
    a, b, c = factory.user(), factory.user(), factory.user()
    page = reserve(session, project, a)
    key(session, page, a, GOOD | {"pages": "3"})
    reserve(session, project, b)
    key(session, page, b, GOOD | {"pages": "4"})
    page = session.get(Item, page.id)
    assert page.status == ItemStatus.KEYING and page.wanted == 3
    assert reserve(session, project, c).id == page.id
    key(session, page, c, GOOD | {"pages": "5"})
    page = session.get(Item, page.id)
    assert page.status == ItemStatus.DONE
    assert page_entry(session, page).status == EntryStatus.CONFLICT


def test_skip_with_a_reason(session, factory):
    project = factory.project()
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    saved = submissions.submit(session, page=page, user=user, skip_reason="blank")
    session.commit()
    assert saved.skipped and saved.values is None
    assert session.get(Item, page.id).submission_count == 0  # a skip is not a vote
    assert _count(session, Reservation) == 0


def test_skip_needs_a_known_reason(session, factory):
    project = factory.project()
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    with pytest.raises(InvalidValues):
        submissions.submit(session, page=page, user=user, skip_reason="bored")
    assert _count(session) == 0


def test_pages_skipped_by_enough_volunteers_go_to_a_reviewer(session, factory):
    project = factory.project(agree_needed=2)
    page = factory.item(project)
    for _ in range(2):
        user = factory.user()
        reserve(session, project, user)
        submissions.submit(session, page=page, user=user, skip_reason="illegible")
        session.commit()
    page = session.get(Item, page.id)
    assert page.status == ItemStatus.DONE
    entry = page_entry(session, page)
    assert entry.status == EntryStatus.CONFLICT and entry.reconciled["skipped"] == {"illegible": 2}


def page_entry(session, page):  # noqa: ANN001, ANN201
    """The entry of a page."""
    from crowdcat.models import Entry

    return session.scalar(select(Entry).where(Entry.item_id == page.id))


@pytest.mark.parametrize("sent", [{"values": {}}, {"values": GOOD | {"date": "某日"}},
                                  {"skip_reason": "bored"}, {"skip_reason": ""}])
def test_an_item_not_given_is_refused_before_its_values_are_looked_at(session, factory, sent):
    """A refusal of values answers with the item's keying screen: only for its volunteer."""
    project = factory.project()
    item = factory.item(project)
    holder, intruder = factory.user(), factory.user()
    assert reserve(session, project, holder).id == item.id
    with pytest.raises(submissions.NotAssigned):
        submissions.submit(session, page=item, user=intruder, **sent)
    session.rollback()
    with pytest.raises(InvalidValues):  # the holder hears about the values
        submissions.submit(session, page=item, user=holder, **sent)
    session.rollback()
    assert _count(session) == 0


def test_a_volunteer_who_keyed_the_item_hears_about_their_values(session, factory):
    """Keyed (their hold is gone): bad values are still the answer, then the first is kept."""
    project = factory.project()
    item = factory.item(project)
    user = factory.user()
    key(session, reserve(session, project, user), user)
    with pytest.raises(InvalidValues):
        submissions.submit(session, page=item, user=user, values={})
    session.rollback()
    with pytest.raises(AlreadySubmitted):
        submissions.submit(session, page=item, user=user, values=GOOD)
