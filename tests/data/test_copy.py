"""The PostgreSQL COPY reading of the export writes exactly the bytes of the generic reading."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from crowdcat.extensions import db
from crowdcat.models import Entry
from crowdcat.services.export import postgres as export_server
from crowdcat.services.export.plan import ENCODINGS, ExportOptions
from crowdcat.services.export.writer import export_stream
from crowdcat.services.reconciliation import facts as entry_facts
from tests.factories_export import ExportFactory
from tests.factories_lists import LIST_FIELDS, ROWS
from tests.services.export.test_list_export import OTHER_ROWS, approved_list
from tests.services.export.test_writer import HOSTILE, TEMPLATE, full_values

# Hostile values for COPY's text format too: backslashes, its NULL marker, escapes, tabs, CR.
BACKSLASHES = {
    "title": "\\N",
    "creator": "C:\\新檔\\N\\t\\\\x",
    "doc_no": 'a\tb\rc\nd\\\ne,"f"',
    "recipient": "\x0b\x0c\x08\x01 控制字元",
    "date": "民國三十七年五月十日\\",
    "pages": "-12",
}


@pytest.fixture
def project(session):
    """A Republic-era project with hostile entries, a prefill fallback and odd page names."""
    make = ExportFactory(session)
    if db.engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    project = make.project(fields=TEMPLATE, title="民國檔案")
    reviewer = make.user(display_name='=HYPERLINK("x") \\N\t😀')
    make.entry(project, full_values(**HOSTILE), statuses={"title": "conflict"},
               reviewed_at=datetime(2026, 3, 1, 16, 30, 5, 999_999, tzinfo=UTC))
    make.entry(project, full_values(**BACKSLASHES), reviewer=reviewer,
               page=make.item(project, original_name="掃描\\N\t,\"1\".jpg"))
    blank = full_values(title="𠀀𪚥 😀", date="1948.5", pages="十二", catalog_no=" ")
    del blank["fonds_no"]
    make.entry(project, blank, prefill={"fonds_no": "J\\009", "catalog_no": 7})
    make.entry(project, {"title": "only a title"})
    # Blank by str.strip() only (U+3000, NBSP, U+2028), formulas in reference parts and
    # integer columns, a boolean prefill, dates the parser cannot read.
    make.entry(project, full_values(fonds_no="\u3000 ", volume_no="\xa0\u2028", item_no="=1",
                                    pages="+5", doc_no="'123", date="民國卅七年　",
                                    notes="'\t", title=" -x "),
               prefill={"fonds_no": True, "volume_no": 3.5, "item_no": {"a": 1}})
    make.entry(project, full_values(date="不詳", pages="-0", fonds_no="@J", title="\u2028"),
               reviewed_at=datetime(2026, 7, 1, 4, 0, 59, tzinfo=UTC))
    return project


def both(project, **options) -> tuple[bytes, bytes]:
    """The export read by COPY and by the generic keyset batches."""
    opts = ExportOptions(**options)
    return tuple(b"".join(export_stream(db.engine, project, opts, batch_size=2, copy=copy))
                 for copy in (True, False))  # type: ignore[return-value]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize("provenance", [False, True])
def test_copy_csv_is_byte_identical(project, encoding, raw, provenance):
    by_copy, generic = both(project, encoding=encoding, raw=raw, provenance=provenance,
                            timezone="Asia/Shanghai")
    assert by_copy == generic
    assert generic.count(b"\n") >= 5


@pytest.mark.parametrize("provenance", [False, True])
def test_copy_json_lines_is_byte_identical(project, provenance):
    by_copy, generic = both(project, format="jsonl", provenance=provenance)
    assert by_copy == generic
    assert generic.count(b"\n") == 6


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kathmandu", "UTC"])
def test_server_csv_writes_times_in_the_chosen_zone_as_python_does(project, zone):
    by_copy, generic = both(project, provenance=True, timezone=zone)
    assert by_copy == generic


def test_server_csv_is_used_by_default_and_not_for_format_specs(project, monkeypatch):
    calls = []
    original = export_server.server_csv_rows

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(export_server, "server_csv_rows", spy)
    assert both(project)[0] == both(project)[1]
    assert calls
    calls.clear()
    project.reference_format = "{fonds_no}-{catalog_no:>3}-{volume_no!s}-{{{item_no}}}"
    db.session.commit()
    by_copy, generic = both(project)
    assert by_copy == generic and not calls
    assert b"J001-  1-23-{4}" in generic


def test_copy_is_the_default_on_postgresql(project):
    default = b"".join(export_stream(db.engine, project, ExportOptions(), batch_size=2))
    assert default == both(project)[0]


def stamp_all(project) -> int:
    """Stamp every approved entry of the project with its facts (as approval does)."""
    stamped = entry_facts.restamp(db.session, project.id)
    assert not entry_facts.has_stale(db.session, project.id)
    db.session.commit()  # restamp() flushes; the export reads in its own connection
    return stamped


def forms_used(monkeypatch) -> list[str]:
    """Records which form of the COPY each export wrote ("facts" or "full")."""
    used: list[str] = []
    original = export_server.ServerCsv.copy_sql

    def spy(self, connection, dates=None):
        used.append("facts" if dates is None else "full")
        return original(self, connection, dates)

    monkeypatch.setattr(export_server.ServerCsv, "copy_sql", spy)
    return used


@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize("provenance", [False, True])
def test_copy_with_facts_is_byte_identical(project, raw, provenance, monkeypatch):
    used = forms_used(monkeypatch)
    assert stamp_all(project) == 6
    by_copy, generic = both(project, raw=raw, provenance=provenance, timezone="Asia/Shanghai")
    assert by_copy == generic
    assert used == ["facts"]


def test_plain_entries_and_their_neighbours_are_written_alike(session, monkeypatch):
    """Plain rows take the projection; a space, a formula or a blank part take the rest."""
    make = ExportFactory(session)
    if db.engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    project = make.project(fields=TEMPLATE, title="民國檔案")
    make.entry(project, full_values())
    make.entry(project, full_values(fonds_no="J001 ", title="=1+1"))  # not plain
    make.entry(project, full_values(catalog_no=""), prefill={"catalog_no": "7"})
    make.entry(project, full_values(volume_no="", item_no="-3"))  # no 檔號
    make.entry(project, full_values(date="1948.5", pages="-12"))
    stamp_all(project)
    used = forms_used(monkeypatch)
    written = {}
    for fmt in ("{fonds_no}-{catalog_no}-{volume_no}-{item_no}",
                "檔{fonds_no}/{item_no}", "={fonds_no}{catalog_no}", "{{x}}-{item_no}"):
        project.reference_format = fmt
        db.session.commit()
        by_copy, generic = both(project)
        assert by_copy == generic, fmt
        written[fmt] = [row[4] for row in csv.reader(io.StringIO(
            by_copy.decode("utf-8-sig"), newline=""))][1:]
    assert set(used) == {"facts"}
    assert written["{fonds_no}-{catalog_no}-{volume_no}-{item_no}"] == [
        "J001-1-23-4", "J001-1-23-4", "J001-7-23-4", "", "J001-1-23-4"]
    assert written["={fonds_no}{catalog_no}"][:3] == ["'=J0011", "'=J0011", "'=J0017"]
    assert written["檔{fonds_no}/{item_no}"][0] == "檔J001/4"


def test_an_entry_without_facts_sends_the_export_the_long_way(project, monkeypatch):
    used = forms_used(monkeypatch)
    stamp_all(project)
    entry = ExportFactory(db.session).entry(project, full_values(title="後來寫入"))
    assert entry.facts_tag is None and entry_facts.has_stale(db.session, project.id)
    by_copy, generic = both(project)
    assert by_copy == generic and b"\xe5\xbe\x8c\xe4\xbe\x86" in by_copy
    assert used == ["full"]


@pytest.fixture
def list_project(session, factory):
    """A 卷內文件目錄 project of two approved lists (a formula and ditto marks in them)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    project = factory.project(fields=LIST_FIELDS, reference_format="J001-{volume_no}-{item_no}")
    approved_list(session, factory, project, OTHER_ROWS, {"volume_no": "13"}, images=3)
    approved_list(session, factory, project, ROWS, {"volume_no": "12"})
    return project


@pytest.mark.parametrize("facts", [True, False])
@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize("provenance", [False, True])
def test_copy_of_a_list_project_is_byte_identical(list_project, facts, raw, provenance,
                                                  monkeypatch):
    used = forms_used(monkeypatch)
    if not facts:
        db.session.execute(sa.update(Entry).values(facts_tag=None))
        db.session.commit()
    by_copy, generic = both(list_project, raw=raw, provenance=provenance,
                            labels="keys", timezone="Asia/Shanghai")
    assert by_copy == generic
    rows = list(csv.DictReader(io.StringIO(by_copy.decode("utf-8-sig"), newline="")))
    assert [(r["reference_code"], r["row"]) for r in rows] == [
        ("J001-13-1", "1"), ("J001-13-2", "2"), ("J001-12-1", "1"), ("J001-12-2", "2"),
        ("J001-12-3", "3")]
    assert used == ["facts" if facts else "full"]


def test_copy_json_lines_of_a_list_project_is_byte_identical(list_project):
    by_copy, generic = both(list_project, format="jsonl", provenance=True)
    assert by_copy == generic
    assert [json.loads(line)["item"]["row"] for line in generic.splitlines()] == [1, 2, 1, 2, 3]
