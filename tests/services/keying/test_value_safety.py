"""Keyed values and the text rule: refused characters save nothing, dropped ones are gone
from what is stored, and a values object naming far more keys than fields gets one message."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crowdcat.models import FieldKind, Submission
from crowdcat.services.keying import submission as submissions
from crowdcat.services.keying.validation import InvalidValues
from tests.factories import SIMPLE_FIELDS
from tests.factories_keying import GOOD, reserve

NOTES = [*SIMPLE_FIELDS, {"key": "notes", "kind": FieldKind.LONG_TEXT,
                          "labels": {"zh_Hant": "附註", "en": "Notes"}}]


def _count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Submission))


@pytest.mark.parametrize("title", ["關於\u202e徵集的訓令", "Order \u2067on archives\u2069"])
def test_a_direction_override_is_refused_naming_field_and_character(session, factory, title):
    project = factory.project()
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=page, user=user, values=GOOD | {"title": title})
    session.rollback()
    message = str(caught.value.errors["title"])
    assert message.startswith("Title: U+") and "changes the order" in message
    assert ("U+202E RIGHT-TO-LEFT OVERRIDE" in message) or ("U+2067 RIGHT-TO-LEFT ISOLATE"
                                                            in message)
    assert _count(session) == 0


def test_pasted_invisible_characters_are_not_stored(session, factory):
    project = factory.project(fields=NOTES)
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    stored = submissions.submit(session, page=page, user=user, values={
        "title": "\ufeff關於徵集\u200b民國檔案的訓令\u200b", "date": "\u200e1948-05-10",
        "pages": "3", "notes": "第一行\r\n第二行 👨\u200d👩\u200d👧"})
    session.commit()
    row = session.scalars(select(Submission)).one()
    assert row.values == stored.values == {
        "title": "關於徵集民國檔案的訓令", "date": "1948-05-10", "pages": "3",
        "notes": "第一行\n第二行 👨\u200d👩\u200d👧"}


def test_a_line_break_in_a_single_line_field_is_refused(session, factory):
    project = factory.project(fields=NOTES)
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=page, user=user,
                           values=GOOD | {"title": "關於徵集\n民國檔案"})
    session.rollback()
    assert str(caught.value.errors["title"]).startswith("Title takes a single line")


def test_ten_thousand_keys_get_one_message(session, factory):
    project = factory.project()
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    values = GOOD | {f"k{n}": "x" for n in range(10_000)}
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=page, user=user, values=values)
    session.rollback()
    assert list(caught.value.errors) == ["values"]
    assert "10003" in str(caught.value.errors["values"])


def test_unknown_keys_are_named_a_few_at_a_time(session, factory):
    project = factory.project()
    factory.item(project)
    user = factory.user()
    page = reserve(session, project, user)
    # 13 keys: as many as 3 fields and the margin allow, none of them a field.
    values = {f"extra_{n}": "x" for n in range(12)} | {"y" * 200: "x"}
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=page, user=user, values=values)
    session.rollback()
    errors = caught.value.errors
    assert sorted(k for k in errors if k.startswith("extra_")) == \
        sorted(f"extra_{n}" for n in range(10))
    assert "3" in str(errors["values"]) and "y" * 200 not in errors
