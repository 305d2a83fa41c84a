"""One export row per item (件): its first and last image names and its image count."""
from __future__ import annotations

import json

import pytest

from crowdcat.extensions import db
from crowdcat.models import Image
from tests.factories_export import ExportFactory
from tests.services.export.test_writer import full_values, republic, run, table


@pytest.fixture
def make(session) -> ExportFactory:
    """The export factory."""
    return ExportFactory(session)


def rows_by_key(data: bytes) -> list[dict[str, str]]:
    """The CSV's rows as dictionaries of its (key) header."""
    head, *rows = table(data)
    return [dict(zip(head, row, strict=True)) for row in rows]


def images_of(row: dict) -> tuple[str, str, str]:
    """A CSV row's image columns."""
    return row["first_image"], row["last_image"], row["image_count"]


def test_an_item_of_three_images_is_one_row_with_its_first_and_last_names(make):
    project = republic(make)
    item = make.item(project, images=3)
    make.entry(project, full_values(), page=item)
    names = [image.original_name for image in item.images]
    (row,) = rows_by_key(run(project, labels="keys"))
    assert row["reference_code"] == "J001-1-23-4"
    assert images_of(row) == (names[0], names[2], "3")
    (line,) = run(project, format="jsonl").decode().splitlines()
    assert json.loads(line)["item"] == {
        "first_image": names[0], "last_image": names[2], "image_count": 3,
        "sequence": item.sequence}


def test_a_one_image_item_names_its_image_first_and_last(make):
    project = republic(make)
    item = make.item(project, original_name="J001-1-23-4/0001.tif")
    make.entry(project, full_values(), page=item)
    (row,) = rows_by_key(run(project, labels="keys"))
    assert images_of(row) == ("J001-1-23-4/0001.tif", "J001-1-23-4/0001.tif", "1")


def test_images_follow_their_positions_and_gaps_are_not_counted(make, session):
    # A reviewer moved pages: positions 1, 2 and 5 are left, inserted out of order.
    project = republic(make)
    item = make.item(project, images=0)
    for position, name in ((5, "c.jpg"), (1, "a.jpg"), (2, "b.jpg")):
        session.add(Image(item_id=item.id, project_id=project.id, position=position,
                          image_key=f"k/{name}", content_hash=name * 8, width=10, height=10,
                          byte_size=1, original_name=name))
    session.commit()
    make.entry(project, full_values(), page=item)
    (row,) = rows_by_key(run(project, labels="keys"))
    assert images_of(row) == ("a.jpg", "c.jpg", "3")


def test_an_item_without_images_has_empty_names_and_no_count(make):
    project = republic(make)
    make.entry(project, full_values(), page=make.item(project, images=0))
    (row,) = rows_by_key(run(project, labels="keys"))
    assert images_of(row) == ("", "", "0")


def test_image_names_that_look_like_formulas_are_made_safe(make):
    project = republic(make)
    make.entry(project, full_values(),
               page=make.item(project, images=2, original_name="=cmd|x.jpg"))
    (row,) = rows_by_key(run(project, labels="keys"))
    assert row["first_image"] == "'=cmd|x.jpg" and row["last_image"].startswith("scan-")
    (raw,) = rows_by_key(run(project, labels="keys", raw=True))
    assert raw["first_image"] == "=cmd|x.jpg"


@pytest.mark.parametrize("options", [{}, {"raw": True}, {"provenance": True},
                                      {"format": "jsonl"}, {"encoding": "gb18030"}])
def test_copy_and_python_write_the_same_bytes_for_items_of_images(make, session, options):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    from crowdcat.services.export.plan import ExportOptions
    from crowdcat.services.export.writer import export_stream

    project = republic(make)
    make.entry(project, full_values(), page=make.item(project, images=3))
    make.entry(project, full_values(item_no="5"), page=make.item(project, images=1))
    make.entry(project, full_values(item_no="6"), page=make.item(
        project, images=2, original_name='-1,"引號"\\N\t掃描.jpg'))
    make.entry(project, full_values(item_no="7"), page=make.item(project, images=0))
    export = ExportOptions(**options)
    by_copy, generic = (b"".join(export_stream(db.engine, project, export, batch_size=2,
                                               copy=copy)) for copy in (True, False))
    assert by_copy == generic
    assert b"scan-" in generic
