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


# -- list pages: a row column -----------------------------------------------------------------

LIST_FIELDS = [
    {"key": "案卷號", "kind": "reference"},
    {"key": "順序號", "kind": "integer"},
    {"key": "責任者", "kind": "text"},
    {"key": "題名", "kind": "long_text"},
]
LIST_HEADER = ["page_id", "volunteer_id", "row", "field", "value"]


def list_rows(volunteer: str, titles: list[str], creator: str = "湖北省政府") -> list[list[str]]:
    """One volunteer's 卷內文件目錄 page: the header once, then 責任者 and 題名 per row."""
    rows = [["L1", volunteer, "", "案卷號", "0276"]]
    for n, title in enumerate(titles, start=1):
        rows += [["L1", volunteer, str(n), "責任者", creator if n == 1 else "同上"],
                 ["L1", volunteer, str(n), "題名", title]]
    return rows


def test_list_input_gives_one_line_per_reconciled_row(tmp_path: Path) -> None:
    fields = tmp_path / "FIELDS.json"
    fields.write_text(json.dumps(LIST_FIELDS, ensure_ascii=False), encoding="utf-8")
    titles = ["呈報本縣田賦徵收情形", "令發戶口調查表式", "函送保甲編查清冊", "電告匪情"]
    skipped = titles[:1] + titles[2:]
    source = write_csv(tmp_path / "list.csv", [
        LIST_HEADER, *list_rows("7", titles), *list_rows("8", skipped), *list_rows("9", titles),
        ["L2", "7", "1", "題名", "Report on the land tax"],
        ["L2", "8", "1", "題名", "Report on the land tax"],
        ["L2", "8", "2", "題名", "Order on the census"],
    ])
    out = tmp_path / "out.csv"
    result = invoke(str(source), "--fields", str(fields), "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = read_csv(out)
    assert list(lines[0])[:3] == ["item_id", "row", "案卷號"]
    assert list(lines[0])[-3:] == ["row_counts", "row_count", "verdict"]
    first = [line for line in lines if line["item_id"] == "L1"]
    assert [line["題名"] for line in first] == titles
    assert [line["row"] for line in first] == ["1", "2", "3", "4"]
    assert {line["責任者"] for line in first} == {"湖北省政府"}  # 同上 resolved
    assert first[1]["題名__votes"] == "2/2" and first[0]["題名__votes"] == "3/3"
    assert {line["案卷號"] for line in first} == {"0276"}
    assert (first[0]["row_counts"], first[0]["row_count"], first[0]["verdict"]) == (
        "4 4 3", "agreed", "done",
    )
    second = [line for line in lines if line["item_id"] == "L2"]
    assert [(line["row_counts"], line["row_count"], line["verdict"]) for line in second] == [
        ("2 1", "disagreed", "needs_more")] * 2
    assert "List rows: 6 written" in result.output


@pytest.mark.parametrize("number", ["0", "x", "1.5", "-2"])
def test_a_row_that_is_not_a_number_is_refused_with_its_line(
    tmp_path: Path, fields: Path, number: str
) -> None:
    source = write_csv(tmp_path / "list.csv", [
        LIST_HEADER, ["L1", "7", "1", "title", "呈"], ["L1", "7", number, "title", "令"],
    ])
    result = invoke(str(source), "--fields", str(fields), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 2
    assert "line 3: row must be a whole number" in result.output
    assert not (tmp_path / "out.csv").exists()
