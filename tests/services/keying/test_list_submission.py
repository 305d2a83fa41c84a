"""Submitting a list item: header values once, rows checked cell by cell, ditto marks resolved."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from crowdcat.models import Entry, Reservation, Submission
from crowdcat.services.keying import submission as submissions
from crowdcat.services.keying.validation import MAX_ROWS, InvalidValues
from crowdcat.services.projects import snapshot
from tests.factories_keying import GOOD, key, reserve
from tests.factories_lists import HEADER, LIST_FIELDS, ROWS, key_list


def _count(session, model=Submission) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def _reserved(session, factory):  # noqa: ANN001, ANN202
    project = factory.project(fields=LIST_FIELDS)
    factory.item(project)
    user = factory.user()
    return project, reserve(session, project, user), user


def test_a_project_with_a_row_field_is_in_list_mode(session, factory):
    listed, plain = factory.project(fields=LIST_FIELDS), factory.project()
    assert snapshot.is_list_mode(listed) and not snapshot.is_list_mode(plain)
    loaded = snapshot.load(session, project_id=listed.id)
    assert loaded.list_mode
    assert [s.key for s in loaded.header_fields_for({})] == ["volume_no"]
    assert [s.key for s in loaded.row_fields()] == ["item_no", "title", "creator", "date"]
    assert snapshot.list_keys(listed) == ("item_no", "title")


def test_rows_are_stored_as_typed_and_the_header_as_values(session, factory):
    _project, item, user = _reserved(session, factory)
    stored = key_list(session, item, user)
    saved = session.get(Submission, stored.id)
    assert saved.values == HEADER
    assert saved.typed_rows[1]["creator"] == "同上"  # the typed form is kept
    assert _count(session, Reservation) == 0
    assert submissions.to_dict(stored)["rows"] == saved.typed_rows


def test_a_ditto_mark_takes_the_value_above_in_the_reconciled_row(session, factory):
    _project, item, user = _reserved(session, factory)
    key_list(session, item, user)
    second = session.scalar(select(Entry).where(Entry.item_id == item.id, Entry.row == 2))
    assert second.reconciled["fields"]["creator"]["groups"][0]["value"] == "廣東省政府"


def test_a_bad_cell_is_refused_naming_its_row_and_column_and_nothing_is_saved(session, factory):
    _project, item, user = _reserved(session, factory)
    rows = [ROWS[0], ROWS[1] | {"date": "某一天"}, ROWS[2] | {"title": " "}]
    with pytest.raises(InvalidValues) as caught, force_locale("zh_Hant"):
        submissions.submit(session, page=item, user=user, values=HEADER, rows=rows)
    errors = caught.value.errors
    session.rollback()
    assert set(errors) == {"rows.2.date", "rows.3.title"}
    with force_locale("zh_Hant"):
        assert "2" in str(errors["rows.2.date"]) and "日期" in str(errors["rows.2.date"])
        assert "3" in str(errors["rows.3.title"]) and "題名" in str(errors["rows.3.title"])
    assert _count(session) == 0 and _count(session, Entry) == 0
    assert _count(session, Reservation) == 1


def test_a_ditto_mark_in_the_first_row_is_refused(session, factory):
    _project, item, user = _reserved(session, factory)
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=item, user=user, values=HEADER,
                           rows=[ROWS[0] | {"creator": "〃"}, *ROWS[1:]])
    assert list(caught.value.errors) == ["rows.1.creator", "rows.2.creator"]  # 同上 of 〃
    assert "none above" in str(caught.value.errors["rows.1.creator"])


@pytest.mark.parametrize(("rows", "key"), [
    ([], "rows"),
    ("not a list", "rows"),
    ([ROWS[0]] * (MAX_ROWS + 1), "rows"),
    ([ROWS[0] | {"secret": "x"}], "rows.1"),
])
def test_rows_of_the_wrong_shape_are_refused(session, factory, rows, key):
    _project, item, user = _reserved(session, factory)
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=item, user=user, values=HEADER, rows=rows)
    assert key in caught.value.errors


def test_a_header_value_is_checked_like_any_field(session, factory):
    _project, item, user = _reserved(session, factory)
    with pytest.raises(InvalidValues) as caught:
        submissions.submit(session, page=item, user=user, values={"title": "x"}, rows=ROWS)
    assert "title" in caught.value.errors  # a row field is not a header field


def test_a_list_item_can_be_skipped(session, factory):
    _project, item, user = _reserved(session, factory)
    submissions.submit(session, page=item, user=user, skip_reason="illegible")
    session.commit()
    saved = session.scalar(select(Submission))
    assert saved.skipped and saved.typed_rows is None


def test_a_second_submission_of_the_same_list_is_refused(session, factory):
    _project, item, user = _reserved(session, factory)
    key_list(session, item, user)
    with pytest.raises(submissions.AlreadySubmitted):
        submissions.submit(session, page=item, user=user, values=HEADER, rows=ROWS)


def test_a_list_item_not_given_to_the_volunteer_is_refused(session, factory):
    project = factory.project(fields=LIST_FIELDS)
    item = factory.item(project)
    with pytest.raises(submissions.NotAssigned):
        submissions.submit(session, page=item, user=factory.user(), values=HEADER, rows=ROWS)
    assert _count(session) == 0


def test_a_normal_project_keys_as_before(session, factory):
    project = factory.project()
    factory.item(project)
    user = factory.user()
    item = reserve(session, project, user)
    stored = key(session, item, user, GOOD)
    assert session.get(Submission, stored.id).typed_rows is None
    assert session.scalar(select(Entry)).row == 0
