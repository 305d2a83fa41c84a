"""Exporting a list project: one line per approved row entry, in list order, with its row."""
from __future__ import annotations

import json

import pytest

from crowdcat.extensions import db
from crowdcat.models import Item, Project, Role
from crowdcat.services.export.plan import ExportOptions
from crowdcat.services.export.writer import export_stream
from crowdcat.services.review import lists
from tests.factories import Factory
from tests.factories_keying import assign
from tests.factories_lists import LIST_FIELDS, ROWS, key_list
from tests.services.export.test_item_images import rows_by_key
from tests.services.export.test_writer import run, table

OTHER_ROWS = [
    {"item_no": "1", "title": "省府會議紀錄", "creator": "廣東省政府",
     "date": "民國三十八年一月五日"},
    {"item_no": "2", "title": "=人事任免令", "creator": "〃", "date": "民國三十八年二月"},
]


def approved_list(session, factory: Factory, project: Project, rows: list[dict[str, str]],
                  header: dict[str, str], *, images: int = 1) -> Item:
    """A list item keyed alike by two volunteers, then approved by a reviewer (all rows)."""
    item = factory.item(project, images=images)
    for _ in range(2):
        user = factory.user()
        assign(session, item, user)
        key_list(session, item, user, rows=rows, header=header)
    item = session.get(Item, item.id)
    versions = {entry.row: entry.version for entry in lists.item_entries(session, item)}
    lists.approve_list(session, item, factory.user(Role.REVIEWER), versions)
    session.commit()
    return item


@pytest.fixture
def listed(session, factory):  # noqa: ANN001, ANN201
    """A 卷內文件目錄 project of two approved lists, the later item approved first."""
    project = factory.project(fields=LIST_FIELDS, reference_format="J001-{volume_no}-{item_no}")
    first = factory.item(project, images=2)
    second = approved_list(session, factory, project, OTHER_ROWS, {"volume_no": "13"})
    for _ in range(2):
        user = factory.user()
        assign(session, first, user)
        key_list(session, first, user)
    first = session.get(Item, first.id)
    versions = {entry.row: entry.version for entry in lists.item_entries(session, first)}
    lists.approve_list(session, first, factory.user(Role.REVIEWER), versions)
    session.commit()
    return project, first, second


def test_each_approved_row_is_a_line_in_list_order_with_its_own_reference(listed):
    project, first, second = listed
    rows = rows_by_key(run(project, labels="keys"))
    assert [(r["item_sequence"], r["row"]) for r in rows] == [
        (str(first.sequence), "1"), (str(first.sequence), "2"), (str(first.sequence), "3"),
        (str(second.sequence), "1"), (str(second.sequence), "2")]
    assert [r["reference_code"] for r in rows] == [
        "J001-12-1", "J001-12-2", "J001-12-3", "J001-13-1", "J001-13-2"]
    assert [r["title"] for r in rows[:3]] == [row["title"] for row in ROWS]
    assert rows[1]["creator"] == "廣東省政府"  # 同上, as approved
    assert rows[4]["creator"] == "廣東省政府"  # 〃
    assert rows[4]["title"] == "'=人事任免令"  # safe mode, as for any entry
    assert {r["volume_no"] for r in rows[:3]} == {"12"}


def test_each_line_names_the_images_of_the_list_it_came_from(listed):
    project, first, second = listed
    rows = rows_by_key(run(project, labels="keys"))
    names = [image.original_name for image in first.images]
    assert {(r["first_image"], r["last_image"], r["image_count"]) for r in rows[:3]} == {
        (names[0], names[1], "2")}
    (only,) = second.images
    assert rows[3]["first_image"] == rows[3]["last_image"] == only.original_name


@pytest.mark.parametrize(("labels", "header"), [
    ("zh_Hant", "列次"), ("zh_Hans", "行次"), ("en", "List row"), ("keys", "row")])
def test_the_row_column_comes_after_the_item_sequence_in_each_language(listed, labels, header):
    project, _first, _second = listed
    head = table(run(project, labels=labels))[0]
    assert head[-1] == header
    assert head[-2] in ("件序號", "件序号", "Item sequence", "item_sequence")


def test_json_lines_give_each_row_its_item_and_row(listed):
    project, first, second = listed
    lines = [json.loads(line) for line in run(project, format="jsonl").decode().splitlines()]
    assert [(o["item"]["sequence"], o["item"]["row"]) for o in lines] == [
        (first.sequence, 1), (first.sequence, 2), (first.sequence, 3),
        (second.sequence, 1), (second.sequence, 2)]
    assert lines[3]["fields"]["title"] == "省府會議紀錄"
    assert lines[0]["fields"]["date"]["iso"] == "1948-05-10"
    assert lines[0]["fields"]["reference_code"] == "J001-12-1"


def test_batches_of_list_rows_lose_and_repeat_nothing(listed):
    project, _first, _second = listed
    for size in (1, 2, 4):
        data = b"".join(export_stream(db.engine, project, ExportOptions(labels="keys"),
                                      batch_size=size, copy=False))
        assert [r["reference_code"] for r in rows_by_key(data)] == [
            "J001-12-1", "J001-12-2", "J001-12-3", "J001-13-1", "J001-13-2"]


def test_a_list_row_not_yet_approved_is_not_exported(session, factory):
    project = factory.project(fields=LIST_FIELDS, reference_format="{volume_no}-{item_no}")
    item = factory.item(project)
    user = factory.user()
    assign(session, item, user)
    key_list(session, item, user)
    assert table(run(project))[1:] == []
