"""Offline reconciliation of exported CSVs, through the `reconcile-csv` command."""

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crowdcat.cli.reconcile_csv import reconcile_csv
from crowdcat.services.reconciliation.offline_csv import ReconcileInputError, run

FIELDS = [
    {"key": "title", "kind": "text"},
    {"key": "date", "kind": "date"},
    {"key": "pages", "kind": "integer"},
    {"key": "notes", "kind": "long_text", "blank_values": ["無", "不詳"], "label": "附註"},
]


def write_csv(path: Path, rows: list[list[str]], bom: bool = True) -> Path:
    """Write rows as a UTF-8 CSV (with a BOM, as spreadsheet exports have)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read the output CSV as dicts."""
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def fields(tmp_path: Path) -> Path:
    """A FIELDS.json in the temporary directory."""
    path = tmp_path / "FIELDS.json"
    path.write_text(json.dumps(FIELDS, ensure_ascii=False), encoding="utf-8")
    return path


def invoke(*args: str):
    """Run the command as a user would."""
    return CliRunner().invoke(reconcile_csv, list(args))


HEADER = ["item_id", "volunteer_id", "field", "value", "created_at"]
ROWS = [
    ["p1", "7", "title", "關於徵收田賦的呈", "2024-01-01"],
    ["p1", "7", "date", "民國三十七年五月十日", ""],
    ["p1", "7", "pages", "十二", ""],
    ["p1", "8", "title", "關於徵收田賦的呈", ""],
    ["p1", "8", "date", "1948.5.10", ""],
    ["p1", "8", "pages", "12", ""],
    ["p1", "8", "notes", "無", ""],
    ["p2", "7", "title", "訓令", ""],
    ["p2", "7", "source", "省檔案館", ""],  # a field FIELDS.json does not list: compared as text
]


def test_reconciles_pages_in_first_appearance_order(tmp_path: Path, fields: Path) -> None:
    source = write_csv(tmp_path / "subs.csv", [HEADER, *ROWS])
    out = tmp_path / "out.csv"
    result = invoke(str(source), "--fields", str(fields), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert list(rows[0]) == [
        "item_id",
        *(
            f"{k}{s}"
            for k in ("title", "date", "pages", "notes", "source")
            for s in ("", "__status", "__votes", "__how")
        ),
        "verdict",
    ]
    p1, p2 = rows
    assert (p1["item_id"], p1["date"], p1["date__status"], p1["date__votes"]) == (
        "p1",
        "1948.5.10",
        "unanimous",
        "2/2",
    )
    assert (p1["pages"], p1["notes__status"], p1["source__status"], p1["verdict"]) == (
        "12",
        "blank",
        "blank",
        "done",
    )
    assert (p2["title"], p2["title__status"], p2["title__votes"], p2["verdict"]) == (
        "",
        "conflict",
        "1/1",
        "needs_more",
    )
    assert (p1["title__how"], p1["date__how"], p1["notes__how"], p2["title__how"]) == (
        "exact 2/2", "normalized 2/2", "blank_words 2/2", "undecided 1/1"
    )
    assert "Verdicts: done 1, needs_more 1, conflict 0" in result.output


def test_unsorted_input_gives_the_same_result(tmp_path: Path, fields: Path) -> None:
    sorted_out, shuffled_out = tmp_path / "a.csv", tmp_path / "b.csv"
    run(write_csv(tmp_path / "s.csv", [HEADER, *ROWS]), fields, sorted_out)
    interleaved = [ROWS[0], ROWS[7], ROWS[3], ROWS[8], *ROWS[1:3], *ROWS[4:7]]
    run(write_csv(tmp_path / "u.csv", [HEADER, *interleaved], bom=False), fields, shuffled_out)
    assert read_csv(sorted_out) == read_csv(shuffled_out)


def test_a_volunteers_repeated_rows_are_set_aside(tmp_path: Path, fields: Path) -> None:
    rows = [
        ["p1", "7", "title", "呈", ""],
        ["p1", "8", "title", "令", ""],
        ["p1", "7", "title", "令", ""],  # volunteer 7 again: their first value counts
        ["p1", "8", "title", "令", ""],
    ]
    out = tmp_path / "out.csv"
    result = invoke(
        str(write_csv(tmp_path / "s.csv", [HEADER, *rows])), "--fields", str(fields), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "Rows set aside (repeated volunteer, page and field): 2" in result.output
    (page,) = read_csv(out)
    assert (page["title__status"], page["title__votes"]) == ("conflict", "1/2")


def test_agree_and_max_options(tmp_path: Path, fields: Path) -> None:
    rows = [["p1", v, "title", t, ""] for v, t in (("1", "呈"), ("2", "呈"), ("3", "令"))]
    source, out = write_csv(tmp_path / "s.csv", [HEADER, *rows]), tmp_path / "o.csv"
    assert (
        invoke(
            str(source), "--fields", str(fields), "--agree", "3", "--max", "3", "-o", str(out)
        ).exit_code
        == 0
    )
    assert read_csv(out)[0]["verdict"] == "conflict"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"item_id,field,value\np1,title,x\n", "s.csv, line 1: missing column(s) volunteer_id"),
        (
            b"item_id,volunteer_id,field,value\np1,7,title,\xff\xfe\n",
            "s.csv, line 2: not valid UTF-8",
        ),
        (b"item_id,volunteer_id,field,value\np1,7,title,x\np2,8\n", "s.csv, line 3: expected 4"),
        (
            b"item_id,volunteer_id,field,value\np1,,title,x\n",
            "s.csv, line 2: item_id, volunteer_id",
        ),
        (b"", "s.csv: the file is empty"),
    ],
)
def test_malformed_submissions_exit_2(
    tmp_path: Path, fields: Path, content: bytes, message: str
) -> None:
    source, out = tmp_path / "s.csv", tmp_path / "o.csv"
    source.write_bytes(content)
    result = invoke(str(source), "--fields", str(fields), "-o", str(out))
    assert result.exit_code == 2
    assert f"Error: {message}" in result.output
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"key": "title", "kind": "text"', "F.json: invalid JSON at line 1"),
        ('{"key": "title"}', "F.json: expected a list of fields"),
        (
            '[{"key": "title", "kind": "number"}]',
            "F.json, item 1: field 'title': unknown kind 'number'",
        ),
        ('[{"kind": "text"}]', 'F.json, item 1: "key" must be a non-empty string'),
        (
            '[{"key": "a", "kind": "text"}, {"key": "a", "kind": "date"}]',
            "F.json, item 2: duplicate key 'a'",
        ),
        (
            '[{"key": "a", "kind": "select", "choices": "x"}]',
            "F.json, item 1: field 'a': choices must be a list",
        ),
    ],
)
def test_malformed_fields_exit_2(tmp_path: Path, content: str, message: str) -> None:
    source = write_csv(tmp_path / "s.csv", [HEADER, *ROWS])
    bad = tmp_path / "F.json"
    bad.write_text(content, encoding="utf-8")
    result = invoke(str(source), "--fields", str(bad), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert f"Error: {message}" in result.output


@pytest.mark.parametrize(("agree", "maximum"), [("3", "2"), ("0", "5")])
def test_impossible_redundancy_exits_2(
    tmp_path: Path, fields: Path, agree: str, maximum: str
) -> None:
    source = write_csv(tmp_path / "s.csv", [HEADER, *ROWS])
    result = invoke(
        str(source),
        "--fields",
        str(fields),
        "--agree",
        agree,
        "--max",
        maximum,
        "-o",
        str(tmp_path / "o.csv"),
    )
    assert result.exit_code == 2
    assert "Error: --" in result.output


def test_missing_file_is_an_input_error(tmp_path: Path, fields: Path) -> None:
    with pytest.raises(ReconcileInputError, match="nope.csv: cannot read"):
        run(tmp_path / "nope.csv", fields, tmp_path / "o.csv")


def test_progress_reaches_the_total(tmp_path: Path, fields: Path) -> None:
    source = write_csv(tmp_path / "s.csv", [HEADER, *ROWS])
    seen: list[tuple[int, int]] = []
    summary = run(source, fields, tmp_path / "o.csv", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] == 2 * source.stat().st_size
    assert (summary.pages, summary.submissions, summary.rows) == (2, 3, 9)
