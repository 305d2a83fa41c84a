"""List-mode test data: a 卷內文件目錄 project (header fields and row fields) and its keying."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crowdcat.models import FieldKind, Item, User
from crowdcat.services.keying import submission as submissions

ROW = {"part": "row"}
LIST_FIELDS: list[dict[str, Any]] = [
    {"key": "volume_no", "kind": FieldKind.REFERENCE,
     "labels": {"zh_Hant": "案卷號", "zh_Hans": "案卷号", "en": "File no."}},
    {"key": "item_no", "kind": FieldKind.REFERENCE, "options": ROW,
     "labels": {"zh_Hant": "順序號", "zh_Hans": "顺序号", "en": "Seq. no."}},
    {"key": "title", "kind": FieldKind.TEXT, "required": True, "options": ROW,
     "labels": {"zh_Hant": "題名", "zh_Hans": "题名", "en": "Title"}},
    {"key": "creator", "kind": FieldKind.TEXT, "options": ROW,
     "labels": {"zh_Hant": "責任者", "zh_Hans": "责任者", "en": "Creator"}},
    {"key": "date", "kind": FieldKind.DATE, "options": ROW,
     "labels": {"zh_Hant": "日期", "zh_Hans": "日期", "en": "Date"}},
]
HEADER = {"volume_no": "12"}
ROWS = [
    {"item_no": "1", "title": "關於徵集民國檔案的訓令", "creator": "廣東省政府",
     "date": "民國三十七年五月十日"},
    {"item_no": "2", "title": "呈報檔案移交清冊", "creator": "同上",
     "date": "民國三十七年六月一日"},
    {"item_no": "3", "title": "函送會議紀錄", "creator": "廣州市政府",
     "date": "民國三十七年七月三日"},
]


def key_list(session: Session, item: Item, user: User, rows: list[dict[str, str]] | None = None,
             header: dict[str, str] | None = None) -> submissions.Stored:
    """Submit a list item's header and rows (default: HEADER, ROWS) and commit."""
    stored = submissions.submit(session, page=item, user=user,
                                values=HEADER if header is None else header,
                                rows=ROWS if rows is None else rows)
    session.commit()
    return stored
