"""`crowdcat export`: files written whole or not at all, clear refusals."""
from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

import pytest

from crowdcat.services.export import postgres as export_server
from crowdcat.services.export import writer as export_service
from tests.factories_export import ExportFactory

HOSTILE = '=1+2, "引號"\n換行 😀 𠀀 𪚥'


@pytest.fixture
def project(session):
    """A project with two approved entries (one hostile), approved on different days."""
    make = ExportFactory(session)
    project = make.project(slug="minguo", title="民國檔案")
    make.entry(project, {"title": HOSTILE, "date": "1948-05-10", "pages": "3"},
               reviewed_at=datetime(2026, 1, 1, 4, tzinfo=UTC))
    make.entry(project, {"title": "二", "date": "1948", "pages": "4"},
               reviewed_at=datetime(2026, 2, 1, 4, tzinfo=UTC))
    return project


@pytest.fixture
def run(app, monkeypatch):
    """Invoke the command (messages in English)."""
    monkeypatch.setenv("CROWDCAT_LOCALE", "en")

    def invoke(*args: str):
        return app.test_cli_runner().invoke(args=["export", *args])

    return invoke


def read_csv(path, encoding="utf-8-sig"):
    """Parse a written CSV file."""
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_raw_csv_round_trips(run, project, tmp_path, encoding):
    target = tmp_path / "out.csv"
    result = run("minguo", "--raw", "--encoding", encoding, "--labels", "keys", "-o", str(target))
    assert result.exit_code == 0, result.output + result.stderr
    assert "Exported 2 entries" in result.stderr
    rows = read_csv(target, encoding)
    assert rows[0][:3] == ["title", "date", "date_iso"]
    assert [r[0] for r in rows[1:]] == [HOSTILE, "二"]
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left


def test_default_is_safe_with_chinese_headers(run, project, tmp_path):
    target = tmp_path / "out.csv"
    assert run("minguo", "-o", str(target), "--quiet").exit_code == 0
    rows = read_csv(target)
    assert rows[0][0] == "題名" and rows[1][0] == "'" + HOSTILE


def test_json_lines_and_date_filter(run, project, tmp_path):
    target = tmp_path / "out.jsonl"
    result = run("minguo", "--format", "jsonl", "--provenance", "--approved-from", "2026-01-15",
                 "-o", str(target))
    assert result.exit_code == 0, result.stderr
    lines = target.read_text("utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["fields"]["title"] == "二" and entry["fields"]["pages"] == 4
    assert entry["provenance"]["approved_at"].startswith("2026-02-01T12:00:00+08:00")


def test_unknown_project_is_refused_and_writes_nothing(run, app, tmp_path):
    result = run("nope", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 1 and "There is no project nope." in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--approved-from", "2026-02-30"], 2, "2026-02-30 is not a date"),
    (["--approved-to", "yesterday"], 2, "yesterday is not a date"),
    (["--approved-from", "2026-03-01", "--approved-to", "2026-01-01"], 1, "start date is after"),
    (["--format", "jsonl", "--encoding", "gb18030"], 1, "always UTF-8"),
    (["--labels", "fr"], 2, "'fr' is not one of"),
])
def test_bad_arguments_are_refused(run, project, tmp_path, args, code, message):
    result = run("minguo", *args, "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == code and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_is_a_clear_error(run, project, tmp_path):
    result = run("minguo", "-o", str(tmp_path / "no" / "out.csv"))
    assert result.exit_code == 1 and "Cannot write to" in result.stderr


def test_a_failed_export_leaves_the_old_file_and_no_half_file(run, project, tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("the previous export")
    def failing(real):
        def rows_then_failure(*args, **kwargs):
            yield from real(*args, **kwargs)  # the header and the rows are written...
            raise RuntimeError("database went away")  # ...then the database fails
        return rows_then_failure

    # Rows read by Python (SQLite) or written by PostgreSQL's COPY.
    monkeypatch.setattr(export_service, "_batches", failing(export_service._batches))
    monkeypatch.setattr(export_server, "server_csv_rows", failing(export_server.server_csv_rows))
    result = run("minguo", "-o", str(target))
    assert result.exit_code != 0
    assert target.read_text() == "the previous export"
    assert list(tmp_path.iterdir()) == [target]


def test_postgresql_export_stamps_entries_that_lack_facts_first(run, project, tmp_path, session):
    from crowdcat.extensions import db
    from crowdcat.services.reconciliation import facts as entry_facts

    assert entry_facts.has_stale(session, project.id)
    result = run("minguo", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output + result.stderr
    postgres = db.engine.dialect.name == "postgresql"
    # PostgreSQL writes stamped entries as a projection; SQLite's export reads no facts.
    assert entry_facts.has_stale(session, project.id) is not postgres
    assert ("Reading dates" in result.stderr) is postgres
    assert [r[0] for r in read_csv(tmp_path / "out.csv")[1:]] == ["'" + HOSTILE, "二"]
