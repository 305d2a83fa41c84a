"""The keying screen in list mode: header fields, a grid of rows, per-cell messages."""
from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from sqlalchemy import func, select

from crowdcat.models import FieldKind, Submission
from crowdcat.services.keying import submission as submissions
from crowdcat.services.keying.validation import InvalidValues
from crowdcat.services.reconciliation import ditto


def _row(key: str, kind: FieldKind, zh: str, hans: str, en: str, **extra) -> dict:  # noqa: ANN003
    return {"key": key, "kind": kind, "labels": {"zh_Hant": zh, "zh_Hans": hans, "en": en},
            "options": {"part": "row"}} | extra


LIST_FIELDS = [
    {"key": "fonds", "kind": FieldKind.TEXT, "required": True,
     "labels": {"zh_Hant": "全宗號", "zh_Hans": "全宗号", "en": "Fonds"}},
    {"key": "volume", "kind": FieldKind.TEXT,
     "labels": {"zh_Hant": "案卷號", "zh_Hans": "案卷号", "en": "File"}},
    _row("seq", FieldKind.INTEGER, "順序號", "顺序号", "No."),
    _row("author", FieldKind.TEXT, "責任者", "责任者", "Author"),
    _row("title", FieldKind.TEXT, "題名", "题名", "Title", required=True),
    _row("date", FieldKind.DATE, "日期", "日期", "Date"),
]

# Three rows as a volunteer keys them: row 2's author is 同上, row 3's date cannot be read.
# Row 3 of the screen comes after a row left all blank, which is dropped.
GRID = {
    "f_fonds": "L002", "f_volume": "0276",
    "r1_seq": "1", "r1_author": "行政院", "r1_title": "關於徵集民國檔案的訓令",
    "r1_date": "民國三十七年五月十日",
    "r2_seq": "2", "r2_author": "同上", "r2_title": "關於檔案保管的通知", "r2_date": "1948-06-01",
    "r3_seq": "", "r3_author": "", "r3_title": "", "r3_date": "",
    "r4_seq": "3", "r4_author": "內政部", "r4_title": "呈報檔案清冊", "r4_date": "五月某日",
}


def _count(session) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(Submission))


def _open(client, auth, factory):  # noqa: ANN001, ANN202
    project = factory.project(fields=LIST_FIELDS)
    item = factory.item(project)
    auth.login(factory.user().email)
    client.get(f"/projects/{project.slug}/key")
    return project, item


def test_list_screen_shows_header_fields_then_a_grid_in_the_users_language(client, auth, factory):
    project, item = _open(client, auth, factory)
    html = client.get(f"/projects/{project.slug}/pages/{item.id}").get_data(as_text=True)
    assert 'name="f_fonds"' in html and 'name="f_volume"' in html
    assert 'name="f_title"' not in html and 'name="r1_title"' in html
    assert 'id="col-author"' in html and "責任者" in html and "第 1 列" in html and "1 列" in html
    marks = re.search(r'data-ditto-marks="([^"]*)"', html).group(1)
    assert json.loads(html_lib.unescape(marks)) == list(ditto.DITTO_MARKS)
    assert "Alt</kbd>+<kbd>Enter" in html
    client.post("/lang/en")
    html = client.get(f"/projects/{project.slug}/pages/{item.id}").get_data(as_text=True)
    assert ">Author<" in html and "Row 1" in html and "1 row" in html


def test_normal_projects_have_no_grid(client, auth, factory):
    project = factory.project()
    item = factory.item(project)
    auth.login(factory.user().email)
    client.get(f"/projects/{project.slug}/key")
    html = client.get(f"/projects/{project.slug}/pages/{item.id}").get_data(as_text=True)
    assert 'id="list-grid"' not in html and "list_grid.js" not in html and 'name="f_title"' in html


def test_the_view_posts_the_grid_as_rows_and_shows_each_cells_message(
        client, auth, factory, monkeypatch):
    """The view's part alone: rows in order, blank rows dropped, a refusal shown per cell."""
    project, item = _open(client, auth, factory)
    sent = {}

    def refuse(session, **kwargs):  # noqa: ANN001, ANN003, ANN202
        sent.update(kwargs)
        raise InvalidValues({"rows.3.date": "第 3 列「日期」：無法辨讀。"})

    monkeypatch.setattr(submissions, "submit", refuse)
    response = client.post(f"/projects/{project.slug}/pages/{item.id}", data=GRID)
    assert sent["values"] == {"fonds": "L002", "volume": "0276"}
    assert [row["title"] for row in sent["rows"]] == [
        "關於徵集民國檔案的訓令", "關於檔案保管的通知", "呈報檔案清冊"]
    assert sent["rows"][1]["author"] == "同上"  # sent as typed; the service resolves it
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="r3_date-err"' in html and "第 3 列「日期」" in html
    assert 'value="五月某日"' in html and 'id="r3_date"' in html
    assert '= 行政院' in html  # row 2's 同上 shown with the value it stands for
    assert "3 列" in html and 'name="r4_title"' not in html


def _list_submit_takes_rows() -> bool:
    import inspect
    return "rows" in inspect.signature(submissions.submit).parameters


needs_rows = pytest.mark.xfail(
    not _list_submit_takes_rows(), strict=True,
    reason="submission.submit(rows=...) is helper L2's (issue 16); not landed yet")


@needs_rows
def test_a_bad_date_in_row_3_is_refused_by_row_and_column_and_nothing_is_stored(
        client, auth, factory, session):
    project, item = _open(client, auth, factory)
    response = client.post(f"/projects/{project.slug}/pages/{item.id}", data=GRID)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="r3_date-err"' in html and 'aria-invalid="true"' in html
    assert 'id="r1_date-err"' not in html and 'id="r2_author-err"' not in html
    assert 'value="五月某日"' in html and 'value="同上"' in html and "= 行政院" in html
    assert _count(session) == 0


@needs_rows
def test_a_valid_grid_is_stored_as_typed(client, auth, factory, session):
    project, item = _open(client, auth, factory)
    response = client.post(f"/projects/{project.slug}/pages/{item.id}",
                           data=GRID | {"r4_date": "民國三十七年七月一日"})
    assert response.status_code == 303
    stored = session.scalars(select(Submission)).one()
    assert stored.values == {"fonds": "L002", "volume": "0276"}
    assert [row["author"] for row in stored.typed_rows] == ["行政院", "同上", "內政部"]
