"""The demo's 卷內文件目錄 pages: records, images, and the list project in every stage."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from crowdcat.demo import list_loader
from crowdcat.demo import lists as demo_lists
from crowdcat.demo.list_images import render_list, render_list_with_text, render_lists
from crowdcat.demo.lists import DITTO, LIST_RECORDS, ROW_KEYS, list_characters, resolved_rows
from crowdcat.demo.paper import FONT_FILES, HEIGHT, WIDTH, font
from crowdcat.models import Entry, EntryStatus, Item, Project, Submission
from crowdcat.services.projects.snapshot import is_list_mode
from crowdcat.services.reconciliation.normalization import parse_date

NOT_A_GLYPH = "\ue000"


def _glyph(kind: str, ch: str) -> bytes:
    image = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(image).text((32, 32), ch, fill=255, font=font(kind, 40), anchor="mm")
    return image.tobytes()


@pytest.mark.parametrize("kind", sorted(FONT_FILES))
def test_the_font_subsets_cover_every_character_of_the_list_pages(kind: str) -> None:
    notdef = _glyph(kind, NOT_A_GLYPH)
    assert [ch for ch in list_characters() if not ch.isspace()
            and _glyph(kind, ch) == notdef] == []


def test_list_records_are_realistic_file_lists() -> None:
    assert 6 <= len(LIST_RECORDS) <= 8
    assert demo_lists._build() == LIST_RECORDS
    assert {r["hand"] for r in LIST_RECORDS} == {True, False}
    for record in LIST_RECORDS:
        assert 8 <= len(record["rows"]) <= 20
        assert all(tuple(row) == ROW_KEYS for row in record["rows"])
        assert [row["item_no"] for row in record["rows"]] == [
            str(n) for n in range(1, len(record["rows"]) + 1)]
        assert record["rows"][0]["creator"] != DITTO
        for row in resolved_rows(record):
            assert row["title"] and row["creator"] != DITTO
            assert parse_date(row["date"]) is not None
            assert row["pages"].isdigit()
    assert sum(row["creator"] == DITTO for r in LIST_RECORDS for row in r["rows"]) >= 5


def test_list_pages_draw_every_value_with_covered_characters_only() -> None:
    covered = set(list_characters())
    for index in (0, 1, len(LIST_RECORDS) - 1):
        record = LIST_RECORDS[index]
        drawn = render_list_with_text(record, index)[1]
        assert set("".join(drawn)) <= covered
        shown = "".join(drawn)
        assert "卷 內 文 件 目 錄" in shown
        for row in record["rows"]:
            for key in ROW_KEYS:
                assert row[key] in shown, (index, key, row[key])


def test_list_pages_render_deterministically_as_jpegs() -> None:
    assert render_list(LIST_RECORDS[2], 2).tobytes() == render_list(LIST_RECORDS[2], 2).tobytes()
    pages = list(render_lists())
    assert [ref for ref, _, _ in pages] == [r["reference"] for r in LIST_RECORDS]
    for _, name, data in pages:
        assert name.endswith(".jpg")
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.size == (WIDTH, HEIGHT)


def test_volunteers_type_a_ditto_mark_as_written_as_the_name_or_as_the_mark() -> None:
    record = next(r for r in LIST_RECORDS if any(row["creator"] == DITTO for row in r["rows"]))
    at = next(i for i, row in enumerate(record["rows"]) if row["creator"] == DITTO)
    typed = [list_loader.typed_rows(record, hand)[at]["creator"] for hand in (0, 1, 2)]
    assert typed == ["同上", resolved_rows(record)[at]["creator"], DITTO]


def test_the_demo_loads_the_list_project_in_every_stage(app, session):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert list_loader.SLUG in result.output
    project = session.scalars(select(Project).where(Project.slug == list_loader.SLUG)).one()
    assert is_list_mode(project)
    assert [f.key for f in project.fields if (f.options or {}).get("part") != "row"] == [
        "fonds_no", "catalog_no", "volume_no"]
    items = session.scalars(select(Item).where(Item.project_id == project.id)
                            .order_by(Item.sequence)).all()
    assert [i.reference for i in items] == [r["reference"] for r in LIST_RECORDS]
    statuses = {}
    for item, record in zip(items, LIST_RECORDS, strict=True):
        entries = session.scalars(select(Entry).where(Entry.item_id == item.id)
                                  .order_by(Entry.row)).all()
        keyed = session.scalars(select(Submission).where(Submission.item_id == item.id)).all()
        statuses[item.reference] = ({e.status for e in entries}, len(keyed))
        if entries and entries[0].status in (EntryStatus.REVIEW, EntryStatus.APPROVED):
            assert [e.row for e in entries] == list(range(1, len(record["rows"]) + 1))
            assert [e.reconciled["fields"]["creator"]["value"] for e in entries] == [
                row["creator"] for row in resolved_rows(record)]
        if keyed:
            assert any(row.get("creator") == "同上" for s in keyed for row in s.typed_rows) \
                == any(row["creator"] == DITTO for row in record["rows"])
    assert list(statuses.values()) == [
        (set(), 0), ({EntryStatus.KEYING}, 1), ({EntryStatus.REVIEW}, 2),
        ({EntryStatus.REVIEW}, 3), ({EntryStatus.CONFLICT}, 3), ({EntryStatus.APPROVED}, 3),
        ({EntryStatus.APPROVED}, 2)]
    conflict = session.scalars(select(Entry).where(Entry.item_id == items[4].id)).first()
    rows = len(LIST_RECORDS[4]["rows"])
    assert conflict.reconciled["list"]["row_counts"] == [rows, rows - 1, rows + 1]
