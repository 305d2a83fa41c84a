"""The catalog export service: columns, round trips, spreadsheet safety, JSON Lines, filters."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from crowdcat.extensions import db
from crowdcat.models import EntryStatus, FieldKind
from crowdcat.services.errors import ServiceError
from crowdcat.services.export.cells import unneutralize
from crowdcat.services.export.plan import ExportOptions
from crowdcat.services.export.references import project_reference
from crowdcat.services.export.rows import sqlite_text
from crowdcat.services.export.writer import count_entries, export_stream
from crowdcat.services.projects.templates import REPUBLIC_FILE_LEVEL
from tests.factories_export import ExportFactory

TEMPLATE = [{"required": False, "keyed": True, "choices": [], "options": {}, "help": {}} | f
            for f in REPUBLIC_FILE_LEVEL]
# Values a spreadsheet or a CSV parser could trip on.
HOSTILE = {
    "title": '關於"查禁"事, 致函,\n第二行\r\n第三行',
    "creator": "=HYPERLINK(\"http://evil.example\",\"點此\")",
    "doc_no": "+1+cmd|' /C calc'!A0",
    "recipient": "@SUM(1+1)",
    "notes": "\t前有跳格 😀 𠀀 𪚥 𫝀",
    "doc_type": "-2+3",
    "classification": "'=already quoted",
    "language": "\r回車",
}


@pytest.fixture
def make(session) -> ExportFactory:
    """The export factory."""
    return ExportFactory(session)


def run(project, **options) -> bytes:
    """The whole export as bytes."""
    return b"".join(export_stream(db.engine, project, ExportOptions(**options), batch_size=3))


def table(data: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    """Parse an exported CSV the way a careful reader does."""
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def republic(make: ExportFactory):
    """A project with the 15-field Republic-era template."""
    return make.project(fields=TEMPLATE, title="民國檔案")


def full_values(**overrides: str) -> dict[str, str]:
    """Final values of every keyed template field."""
    return {"fonds_no": "J001", "catalog_no": "1", "volume_no": "23", "item_no": "4",
            "title": "關於徵收田賦的訓令", "creator": "江蘇省政府", "doc_no": "府秘字第一二三號",
            "recipient": "各縣政府", "date": "民國三十七年五月十日", "pages": "12",
            "doc_type": "訓令", "classification": "普通", "language": "漢語", "notes": ""
            } | overrides


def test_header_follows_the_field_order_in_each_language(make):
    project = republic(make)
    make.entry(project, full_values())
    hant = table(run(project))[0]
    assert hant[:9] == ["全宗號", "目錄號", "案卷號", "件號", "檔號", "首頁掃描檔名",
                        "末頁掃描檔名", "掃描頁數", "題名"]
    assert hant[12:14] == ["日期", "日期（ISO 8601）"]
    assert hant[-1] == "件序號"
    assert table(run(project, labels="zh_Hans"))[0][4:9] == [
        "档号", "首页扫描文件名", "末页扫描文件名", "扫描页数", "题名"]
    assert table(run(project, labels="en"))[0][4:9] == [
        "Reference code", "First image file name", "Last image file name", "Image count",
        "Title"]
    keys = table(run(project, labels="keys"))[0]
    fields = [f["key"] for f in REPUBLIC_FILE_LEVEL]
    assert keys == fields[:5] + ["first_image", "last_image", "image_count"] + fields[5:9] + [
        "date", "date_iso", "pages", "doc_type", "classification", "language", "notes",
        "item_sequence"]


def test_row_holds_the_final_values_the_composed_reference_and_the_page(make):
    project = republic(make)
    entry = make.entry(project, full_values())
    rows = table(run(project, labels="keys"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["reference_code"] == "J001-1-23-4" == project_reference(project, full_values())
    assert row["title"] == "關於徵收田賦的訓令"
    assert (row["date"], row["date_iso"]) == ("民國三十七年五月十日", "1948-05-10")
    assert row["pages"] == "12"
    assert row["item_sequence"] == str(entry.item.sequence)
    assert (row["first_image"], row["last_image"], row["image_count"]) == (
        entry.item.images[0].original_name, entry.item.images[0].original_name, "1")


def test_reference_parts_fall_back_to_the_values_fixed_at_import(make):
    project = republic(make)
    values = full_values()
    del values["fonds_no"]
    values["catalog_no"] = " "
    make.entry(project, values, prefill={"fonds_no": "J009", "catalog_no": "7"})
    rows = table(run(project, labels="keys"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["fonds_no"], row["catalog_no"]) == ("J009", "7")
    assert row["reference_code"] == "J009-7-23-4"


def test_a_missing_reference_part_leaves_the_reference_empty(make):
    project = republic(make)
    make.entry(project, full_values(item_no=""))
    rows = table(run(project, labels="keys"))
    assert dict(zip(rows[0], rows[1], strict=True))["reference_code"] == ""


def test_absent_and_non_text_final_values_come_out_as_text(make):
    # Final values are text; an entry written otherwise (an import, an older version) still
    # exports: an absent field as an empty cell, a number as its digits.
    project = republic(make)
    values = full_values(pages="3")
    values["pages"] = 3
    del values["recipient"]
    make.entry(project, values)
    for options in ({}, {"format": "jsonl"}):
        data = run(project, labels="keys", **options)
        if options:
            fields = json.loads(data)["fields"]
            assert (fields["recipient"], fields["pages"]) == ("", 3)
            continue
        row = dict(zip(*table(data)[:2], strict=True))
        assert (row["recipient"], row["pages"], row["title"]) == ("", "3", "關於徵收田賦的訓令")


def test_project_without_a_composed_field_gets_an_added_reference_column(make):
    fields = [f for f in TEMPLATE if f["key"] not in ("reference_code",)]
    project = make.project(fields=fields, reference_format="{fonds_no}.{volume_no}")
    make.entry(project, full_values())
    rows = table(run(project))
    assert rows[0][0] == "檔號" and rows[1][0] == "J001.23"
    assert rows[0].count("檔號") == 1


def test_project_without_reference_parts_gets_no_reference_column(make):
    project = make.project()  # title, date, pages
    entry = make.entry(project, {"title": "A", "date": "1948", "pages": "3"})
    name = entry.item.images[0].original_name
    assert table(run(project, labels="keys")) == [
        ["title", "date", "date_iso", "pages", "first_image", "last_image", "image_count",
         "item_sequence"],
        ["A", "1948", "1948", "3", name, name, "1", str(entry.item.sequence)]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_raw_round_trip_gives_back_exactly_what_the_database_holds(make, encoding):
    project = republic(make)
    stored = [full_values(**HOSTILE), full_values(title="普通題名", notes="𠀀𪚥 and 😀")]
    for values in stored:
        make.entry(project, values)
    data = run(project, raw=True, encoding=encoding, labels="keys")
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    rows = table(data, encoding)
    got = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    for values, row in zip(stored, got, strict=True):
        assert {k: row[k] for k in values} == values


def test_gb18030_encodes_characters_outside_the_bmp(make):
    project = republic(make)
    make.entry(project, full_values(title="𠀀𪚥😀"))
    data = run(project, raw=True, encoding="gb18030")
    assert "𠀀𪚥😀".encode("gb18030") in data
    assert "題名".encode("gb18030") in data


def test_safe_mode_neutralizes_formulas_and_can_be_undone(make):
    project = republic(make)
    stored = full_values(**HOSTILE)
    make.entry(project, stored)
    rows = table(run(project, labels="keys"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["creator"].startswith("'=HYPERLINK")
    assert row["doc_no"].startswith("'+") and row["recipient"].startswith("'@")
    assert row["notes"].startswith("'\t") and row["language"].startswith("'\r")
    assert row["doc_type"] == "'-2+3"
    assert row["classification"] == "''=already quoted"
    assert row["title"] == stored["title"]  # not a formula: untouched
    assert {k: unneutralize(row[k]) for k in stored} == stored


def test_safe_mode_keeps_numbers_in_integer_columns(make):
    fields = [{"key": "title", "kind": FieldKind.TEXT, "labels": {}},
              {"key": "count", "kind": FieldKind.INTEGER, "labels": {}}]
    project = make.project(fields=fields)
    make.entry(project, {"title": "-5", "count": "-5"})
    make.entry(project, {"title": "7", "count": "=1+1"})
    rows = table(run(project, labels="keys"))
    assert [r[:2] for r in rows[1:]] == [["'-5", "-5"], ["7", "'=1+1"]]


def test_safe_mode_neutralizes_labels_and_reviewer_names(make):
    fields = [{"key": "title", "kind": FieldKind.TEXT, "labels": {"zh_Hant": "=題名"}}]
    project = make.project(fields=fields)
    make.entry(project, {"title": "x"}, reviewer=make.user(display_name="@reviewer"))
    rows = table(run(project, provenance=True))
    assert rows[0][0] == "'=題名" and "'@reviewer" in rows[1]
    assert table(run(project, raw=True))[0][0] == "=題名"


def test_provenance_columns(make):
    project = republic(make)
    when = datetime(2026, 3, 1, 16, 30, 5, tzinfo=UTC)
    make.entry(project, full_values(), statuses={"title": "majority", "date": "unanimous"},
               hows={"title": "contained 3/4"}, submission_count=4, reviewed_at=when)
    rows = table(run(project, labels="keys", provenance=True, timezone="Asia/Shanghai"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["title_status"], row["date_status"], row["notes_status"]) == (
        "majority", "unanimous", "")
    # How each field was decided; "" for a record reconciled before that was kept.
    assert (row["title_how"], row["date_how"]) == ("contained 3/4", "")
    assert "reference_code_status" not in row and "reference_code_how" not in row
    assert row["submission_count"] == "4" and row["reviewer"] == "審核員甲"
    assert row["approved_at"] == "2026-03-02T00:30:05+08:00"
    hant = table(run(project, provenance=True))[0]
    assert hant[-4:] == ["附註：判定方式", "著錄份數", "審核員", "審核通過時間"]
    assert "附註：一致性" in hant


def test_only_approved_entries_of_the_project_in_approval_order(make):
    project = make.project()
    other = make.project()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    make.entry(project, {"title": "late"}, reviewed_at=start + timedelta(hours=2))
    make.entry(project, {"title": "early"}, reviewed_at=start)
    make.entry(project, None, status=EntryStatus.REVIEW)
    make.entry(project, {"title": "rejected"}, status=EntryStatus.REJECTED)
    make.entry(other, {"title": "other project"})
    rows = table(run(project, labels="keys"))
    assert [r[0] for r in rows[1:]] == ["early", "late"]


def test_batches_with_equal_approval_times_lose_and_repeat_nothing(make):
    project = make.project()
    same = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(10):  # batch size is 3: ties cross batch boundaries
        make.entry(project, {"title": f"t{i}"}, reviewed_at=same + timedelta(hours=i // 4))
    rows = table(run(project, labels="keys"))
    assert sorted(r[0] for r in rows[1:]) == [f"t{i}" for i in range(10)]


def test_approval_dates_filter_whole_days_in_the_export_time_zone(make):
    project = make.project()
    # 2026-01-01 23:30 in Shanghai is 15:30 UTC; 2026-01-02 00:30 is 16:30 UTC on the 1st.
    for title, hour in (("day1", 15), ("day2", 16), ("day3", 40)):
        make.entry(project, {"title": title},
                   reviewed_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hour, minutes=30))
    shanghai = {"labels": "keys", "timezone": "Asia/Shanghai"}
    one = run(project, approved_from=date(2026, 1, 2), approved_to=date(2026, 1, 2), **shanghai)
    assert [r[0] for r in table(one)[1:]] == ["day2"]
    rest = run(project, approved_from=date(2026, 1, 2), **shanghai)
    assert [r[0] for r in table(rest)[1:]] == ["day2", "day3"]
    assert count_entries(db.session, project, ExportOptions(
        approved_to=date(2026, 1, 1), timezone="Asia/Shanghai")) == 1


def test_closing_a_download_early_ends_its_transaction(make):
    project = make.project()
    for i in range(7):
        make.entry(project, {"title": f"t{i}"})
    stream = export_stream(db.engine, project, ExportOptions(), batch_size=2)
    assert next(stream).startswith(b"\xef\xbb\xbf")
    stream.close()  # the client went away
    make.entry(project, {"title": "after"})  # nothing is left holding the database


def test_empty_export_has_the_header_only(make):
    project = make.project()
    assert table(run(project, labels="keys")) == [
        ["title", "date", "date_iso", "pages", "first_image", "last_image", "image_count",
         "item_sequence"]]


def test_json_lines_with_real_types(make):
    project = republic(make)
    make.entry(project, full_values(**HOSTILE), statuses={"title": "conflict"},
               hows={"title": "undecided 1/3"})
    make.entry(project, full_values(date="1948.5", pages="", notes="𠀀"))
    make.entry(project, full_values(date="不詳", pages="十二"))
    data = run(project, format="jsonl", provenance=True)
    lines = data.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 4
    first, second, third = (json.loads(line) for line in lines[:3])
    assert first["fields"]["title"] == HOSTILE["title"]
    assert first["fields"]["creator"] == HOSTILE["creator"]  # JSON is never neutralized
    assert first["fields"]["reference_code"] == "J001-1-23-4"
    assert first["fields"]["date"] == {"value": "民國三十七年五月十日", "iso": "1948-05-10",
                                       "precision": "day"}
    assert first["fields"]["pages"] == 12
    assert list(first["fields"]) == [f["key"] for f in REPUBLIC_FILE_LEVEL]
    assert first["provenance"]["status"]["title"] == "conflict"
    assert first["provenance"]["how"]["title"] == "undecided 1/3"
    assert first["provenance"]["how"]["date"] is None
    assert first["provenance"]["submissions"] == 3
    assert first["provenance"]["reviewer"] == "審核員甲"
    assert first["item"]["first_image"].startswith("scan-")
    assert first["item"]["image_count"] == 1
    assert second["fields"]["date"] == {"value": "1948.5", "iso": "1948-05", "precision": "month"}
    assert second["fields"]["pages"] is None and second["fields"]["notes"] == "𠀀"
    assert third["fields"]["date"] == {"value": "不詳", "iso": None, "precision": None}
    assert third["fields"]["pages"] == 12


@pytest.mark.parametrize(("options", "field"), [
    ({"format": "xlsx"}, "format"),
    ({"encoding": "latin-1"}, "encoding"),
    ({"format": "jsonl", "encoding": "gb18030"}, "encoding"),
    ({"labels": "fr"}, "labels"),
    ({"approved_from": date(2026, 2, 1), "approved_to": date(2026, 1, 1)}, "approved_to"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
])
def test_bad_options_are_refused(options, field):
    with pytest.raises(ServiceError) as info:
        ExportOptions(**options)
    assert info.value.field == field


@pytest.mark.parametrize("member", [
    '"題名"', '""', '"😀 𠀀"', "3", "-7", "0", "4611686018427387904", "18446744073709551616",
    "3.5", "1e2", "1e20", "0.1", "-2.5e-7", "0.3333333333333333", "true", "false", "null",
    '[1,"a",null]', '{"a":1,"b":[true]}',
])
def test_values_read_in_python_are_the_text_sqlite_would_give(member):
    # SQLite exports read the final values from their JSON in Python (one parse per row,
    # not one per field): each must come out as CAST(json_extract(...) AS TEXT) gives it.
    document = '{"v":' + member + "}"
    with sqlite3.connect(":memory:") as connection:
        expected = connection.execute(
            "SELECT coalesce(CAST(json_extract(?, '$.\"v\"') AS TEXT), '')", (document,)
        ).fetchone()[0]
    assert sqlite_text(json.loads(document)["v"]) == expected
    assert sqlite_text(json.loads("{}").get("v")) == ""
