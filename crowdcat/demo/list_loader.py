"""The demo's list project: 卷內文件目錄 pages keyed as a header and rows, in every stage."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdcat.demo.list_images import render_lists
from crowdcat.demo.lists import DITTO, HEADER_KEYS, LIST_RECORDS, ROW_KEYS, header
from crowdcat.models import FieldSpec, Item, Project, ProjectStatus, User
from crowdcat.services.keying import assignment
from crowdcat.services.keying import submission as submissions
from crowdcat.services.projects.templates import REFERENCE_FORMATS, REPUBLIC_FILE_LEVEL
from crowdcat.services.reconciliation.normalization import parse_date
from crowdcat.services.review import lists as list_review
from crowdcat.services.scans.ingest import Importer, Source
from crowdcat.services.scans.storage import LocalStorage

SLUG = "volume-lists-demo"
TITLE = "卷內文件目錄著錄（示範）"
INSTRUCTIONS = """\
## 著錄說明

1. 每頁是一份卷內文件目錄：先著錄表頭的全宗號、目錄號、案卷號，再逐行著錄每一件文件。
2. 一行一件，照錄順序號、文號、責任者、題名、日期、頁數、備註；按 Enter 到下一格，
   Alt+Enter 新增一行。
3. 原件寫「〃」或「同上」的欄，可照錄「同上」或「〃」，系統會帶入上一行的內容。
4. 表格中空白的行不必著錄。

每頁由兩位志願者各自著錄；行數或內容不一致時，再請第三位志願者著錄。
"""
# How many of the list pages end in each stage, in page order.
STAGES = (("new", 1), ("partly", 1), ("review", 2), ("conflict", 1), ("approved", 2))
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ROW_LABELS = {"item_no": ("順序號", "顺序号", "Seq. no."),
               "notes": ("備註", "备注", "Remarks")}


def _field_defs() -> Iterator[dict[str, Any]]:
    """The 民國 template's fields: reference parts as header, file-level fields as row fields."""
    by_key = {definition["key"]: definition for definition in REPUBLIC_FILE_LEVEL}
    for key in HEADER_KEYS:
        yield copy.deepcopy(by_key[key])
    for key in ROW_KEYS:
        definition = copy.deepcopy(by_key[key])
        options = {k: v for k, v in definition.get("options", {}).items() if k != "page_count"}
        definition["options"] = options | {"part": "row"}
        if key in _ROW_LABELS:
            hant, hans, en = _ROW_LABELS[key]
            definition["labels"] = {"zh_Hant": hant, "zh_Hans": hans, "en": en}
        yield definition


def _create_project(session: Session) -> Project:
    """The list project: header 全宗號/目錄號/案卷號, a row per file."""
    project = Project(
        slug=SLUG, title=TITLE,
        description="浙江省民國時期案卷的卷內文件目錄：一頁目錄著錄為多件文件級條目。",
        instructions=INSTRUCTIONS, status=ProjectStatus.ACTIVE, agree_needed=2,
        max_submissions=3, reference_format=REFERENCE_FORMATS["republic_file_level"],
    )
    session.add(project)
    session.flush()
    for position, definition in enumerate(_field_defs()):
        project.fields.append(FieldSpec(position=position, **({
            "required": False, "keyed": True, "choices": [], "options": {}, "help": {}}
            | definition)))
    session.flush()
    return project


def _import_pages(session: Session, project: Project, storage: LocalStorage,
                  admin: User) -> list[Item]:
    """Render and import the list pages, one item each."""
    report = Importer(session, project, storage, actor=admin).run(
        [Source(name, read=lambda data=data: data, item=reference)
         for reference, name, data in render_lists()])
    if report.rejected:
        raise RuntimeError(f"demo list images rejected: {report.rejected}")
    return list(session.scalars(select(Item).where(Item.project_id == project.id)
                                .order_by(Item.sequence)))


def _typed_row(row: dict[str, str], above: dict[str, str] | None, hand: int) -> dict[str, str]:
    """What volunteer `hand` types for one row: the same in meaning, not in spelling."""
    values = dict(row)
    if row["creator"] == DITTO and above is not None:
        values["creator"] = ("同上", above["creator"], DITTO)[hand]
    parsed = parse_date(row["date"])
    if parsed and hand == 1:
        y, *rest = (int(p) for p in parsed.iso.split("-"))
        values["date"] = f"民國{y - 1911}年" + "".join(
            f"{n}{unit}" for n, unit in zip(rest, "月日", strict=False))
        values["pages"] = row["pages"].translate(_FULL_WIDTH)
    elif parsed and hand == 2:
        values["date"] = parsed.iso.replace("-", ".")
        values["title"] = row["title"] + " "
    return values


def typed_rows(record: dict[str, Any], hand: int) -> list[dict[str, str]]:
    """Every row of a list page as volunteer `hand` types it (〃 as 同上, the name or 〃)."""
    rows, above = [], None
    for row in record["rows"]:
        rows.append(_typed_row(row, above, hand))
        above = row if row["creator"] != DITTO else {**row, "creator": above["creator"]}
    return rows


def _missed_one(rows: list[dict[str, str]], at: int) -> list[dict[str, str]]:
    """The rows of a volunteer who skipped row `at` (0-based)."""
    return rows[:at] + rows[at + 1:]


def _split_title(rows: list[dict[str, str]], at: int) -> list[dict[str, str]]:
    """The rows of a volunteer who took the second line of a long title for a row of its own."""
    title = rows[at]["title"].strip()
    cut = len(title) // 2
    blank = dict.fromkeys(rows[at], "")
    return (rows[:at] + [{**rows[at], "title": title[:cut]},
                         {**blank, "title": title[cut:], "date": DITTO}] + rows[at + 1:])


def _submit(session: Session, item: Item, user: User, record: dict[str, Any],
            rows: list[dict[str, str]]) -> None:
    """The volunteer is given the list page and keys its header and rows."""
    assignment.assign(session, page=item, user=user)
    submissions.submit(session, page=item, user=user, values=header(record), rows=rows)


def _key_stage(session: Session, stage: str, item: Item, record: dict[str, Any],
               users: dict[str, User], index: int) -> None:
    """Submit (and review) a list page so that it ends in `stage`."""
    vol = [users["vol1"], users["vol2"], users["vol3"]]
    if stage == "partly":
        _submit(session, item, vol[2], record, typed_rows(record, 0))
    elif stage in ("review", "approved"):
        _submit(session, item, vol[0], record, typed_rows(record, 0))
        if index % 2:  # the second volunteer misses a row; the third settles it
            _submit(session, item, vol[1], record, _missed_one(typed_rows(record, 1), 3))
            _submit(session, item, vol[2], record, typed_rows(record, 2))
        else:
            _submit(session, item, vol[1], record, typed_rows(record, 1))
    elif stage == "conflict":  # three volunteers, three row counts
        _submit(session, item, vol[0], record, typed_rows(record, 0))
        _submit(session, item, vol[1], record, _missed_one(typed_rows(record, 1), 5))
        _submit(session, item, vol[2], record, _split_title(typed_rows(record, 2), 2))
    if stage == "approved":
        versions = {e.row: e.version for e in list_review.item_entries(session, item)}
        list_review.approve_list(session, item, users["reviewer"], versions)


def load_lists(session: Session, storage: LocalStorage,
               users: dict[str, User]) -> tuple[int, int, dict[str, int]]:
    """Create the list project with its pages in every stage: (pages, rows, stage counts)."""
    project = _create_project(session)
    items = _import_pages(session, project, storage, users["admin"])
    counts: dict[str, int] = {}
    queue = iter(enumerate(zip(items, LIST_RECORDS, strict=True)))
    for stage, wanted in STAGES:
        for _ in range(wanted):
            index, (item, record) = next(queue)
            _key_stage(session, stage, item, record, users, index)
            counts[stage] = counts.get(stage, 0) + 1
    return len(items), sum(len(r["rows"]) for r in LIST_RECORDS), counts
