"""The PostgreSQL COPY reading of the export writes exactly the bytes of the generic reading."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crowdcat.extensions import db
from crowdcat.services import export_server
from crowdcat.services.export import export_stream
from crowdcat.services.export_plan import ENCODINGS, ExportOptions
from tests.factories_export import ExportFactory
from tests.services.test_export import HOSTILE, TEMPLATE, full_values

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
               page=make.page(project, original_name="掃描\\N\t,\"1\".jpg"))
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
