"""The demo project: accounts, a Republic-era project, generated scans, every pipeline stage."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crowdcat.demo.content import DEMO_RECORDS
from crowdcat.demo.images import render_all
from crowdcat.demo.list_loader import load_lists
from crowdcat.models import OPEN_TO_CROWD, Access, Entry, Item, Project, ProjectStatus, Role, User
from crowdcat.services.accounts import users as accounts
from crowdcat.services.keying import assignment
from crowdcat.services.keying import submission as submissions
from crowdcat.services.projects.templates import apply_template
from crowdcat.services.reconciliation.normalization import parse_date
from crowdcat.services.review import decisions as review
from crowdcat.services.scans.ingest import Importer, Source
from crowdcat.services.scans.storage import LocalStorage

SLUG = "republic-files-demo"
# (e-mail, display name, role, password); printed by `crowdcat demo` and `make run`.
ACCOUNTS: tuple[tuple[str, str, Role, str], ...] = (
    ("admin@demo.crowdcat.org", "館員 王主任", Role.ADMIN, "seal-and-stamp-1948"),
    ("reviewer@demo.crowdcat.org", "審核員 李明", Role.REVIEWER, "red-ink-check-1937"),
    ("vol1@demo.crowdcat.org", "志願者 陳小文", Role.VOLUNTEER, "brush-and-paper-01"),
    ("vol2@demo.crowdcat.org", "志願者 林雅婷", Role.VOLUNTEER, "brush-and-paper-02"),
    ("vol3@demo.crowdcat.org", "志願者 張志豪", Role.VOLUNTEER, "brush-and-paper-03"),
)
INSTRUCTIONS = """\
## 著錄說明

1. 依掃描影像**照錄**各欄，不改字、不補字；原件無題名時自擬題名，並加 `[ ]`。
2. 日期照原件著錄（如「民國三十七年五月十日」），系統會自動換算為公元日期。
3. 字跡無法辨認的字以 `□` 代替；整頁空白或無法辨認時，請選「略過」並說明原因。
4. 全宗號、目錄號、案卷號、件號見頁面右上角的檔號章。

每頁由兩位志願者各自著錄；意見一致即送審核，不一致時再請第三位志願者著錄。
"""
# How many of the generated pages end in each stage, in page order.
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
STAGES = (("new", 6), ("partly", 5), ("review", 6), ("conflict", 4), ("approved", 6))


@dataclass
class DemoSummary:
    """What `load_demo` made."""

    loaded: bool
    pages: int = 0
    stages: dict[str, int] = field(default_factory=dict)
    # The list project (list_loader.SLUG): its 卷內文件目錄 pages, their rows, their stages.
    list_pages: int = 0
    list_rows: int = 0
    list_stages: dict[str, int] = field(default_factory=dict)


def is_empty(session: Session) -> bool:
    """True when the database has no users and no projects."""
    users = session.scalar(select(func.count()).select_from(User))
    projects = session.scalar(select(func.count()).select_from(Project))
    return not users and not projects


def _typed(record: dict[str, Any], hand: int) -> dict[str, str]:
    """What volunteer number `hand` types for a record: equal in meaning, not in spelling."""
    values = {k: str(v) for k, v in record.items()}
    parsed = parse_date(record["date"])
    if parsed and hand == 1:
        y, *rest = (int(p) for p in parsed.iso.split("-"))
        md = "".join(f"{n}{unit}" for n, unit in zip(rest, "月日", strict=False))
        values["date"] = f"民國{y - 1911}年{md}"
        values["pages"] = str(record["pages"]).translate(_FULL_WIDTH)
    elif parsed and hand == 2:
        values["date"] = parsed.iso.replace("-", ".")
        values["title"] = values["title"] + " "
    return values


def _disagreeing(record: dict[str, Any], hand: int) -> dict[str, str]:
    """A volunteer who misreads the title and the issuing number (for conflict pages)."""
    values = _typed(record, hand)
    if hand == 1:
        values["title"] = values["title"].replace("關於", "關于").replace("的", "之", 1)
        values["doc_no"] = values["doc_no"].replace("第", "") or "無"
    elif hand == 2:
        values["title"] = values["title"][:-1] + "□"
        values["doc_no"] = (values["doc_no"] + "附") if values["doc_no"] else "不詳"
    return values


def _create_accounts(session: Session) -> dict[str, User]:
    """The demo accounts, by e-mail local part."""
    users = {}
    for email, name, role, password in ACCOUNTS:
        users[email.split("@")[0]] = accounts.create_user(
            session, email=email, display_name=name, password=password, role=role, locale="zh_Hant"
        )
    return users


def _create_project(session: Session, admin: User) -> Project:
    """The demo project with the Republic-era file-level template."""
    project = Project(
        slug=SLUG,
        title="民國檔案文件級目錄（示範）",
        description="浙江省民國時期檔案的文件級目錄著錄示範項目：案卷封面、卷內文件目錄與公文首頁。",
        instructions=INSTRUCTIONS,
        status=ProjectStatus.ACTIVE,
        agree_needed=2,
        max_submissions=3,
    )
    session.add(project)
    session.flush()
    apply_template(session, project, "republic_file_level")
    return project


def _import_pages(session: Session, project: Project, storage: LocalStorage,
                  admin: User) -> list[Item]:
    """Render and import the page images; classified files are restricted to staff."""
    importer = Importer(session, project, storage, actor=admin)
    sources = [Source(name, read=lambda data=data: data, item=reference)
               for reference, name, data in render_all()]
    report = importer.run(sources)
    if report.rejected:
        raise RuntimeError(f"demo images rejected: {report.rejected}")
    pages = list(session.scalars(
        select(Item).where(Item.project_id == project.id).order_by(Item.sequence)
    ))
    for page, record in zip(pages, DEMO_RECORDS, strict=True):
        if record["classification"] != "普通":
            page.access = Access.RESTRICTED
    session.flush()
    return pages


def _submit(session: Session, page: Item, user: User, values: dict[str, str]) -> None:
    """The volunteer is given the page (as next page would) and keys it."""
    assignment.assign(session, page=page, user=user)
    submissions.submit(session, page=page, user=user, values=values)


def _key_stage(session: Session, stage: str, page: Item, record: dict[str, Any],
               users: dict[str, User]) -> None:
    """Submit (and review) a page so that it ends in `stage`."""
    volunteers = [users["vol1"], users["vol2"], users["vol3"]]
    if stage == "partly":
        _submit(session, page, volunteers[2], _typed(record, 0))
    elif stage in ("review", "approved"):
        for hand in (0, 1):
            _submit(session, page, volunteers[hand], _typed(record, hand))
    elif stage == "conflict":
        for hand in (0, 1, 2):
            _submit(session, page, volunteers[hand], _disagreeing(record, hand))
    if stage == "approved":
        entry = session.scalar(select(Entry).where(Entry.item_id == page.id))
        review.approve(session, entry, users["reviewer"], None, entry.version)


def load_demo(session: Session, storage: LocalStorage) -> DemoSummary:
    """Create the demo accounts, both projects, their pages in every stage; the caller commits.

    One write transaction from the start: the submission and review services find it open
    and keep to it, so that the caller's commit (or rollback) takes the whole demo.
    """
    assignment.begin_write(session)
    users = _create_accounts(session)
    project = _create_project(session, users["admin"])
    pages = _import_pages(session, project, storage, users["admin"])
    session.flush()
    open_pages = [(p, r) for p, r in zip(pages, DEMO_RECORDS, strict=True)
                  if OPEN_TO_CROWD.page_allows(p.access)]
    counts: dict[str, int] = {}
    queue = iter(open_pages)
    for stage, wanted in STAGES:
        for page, record in itertools.islice(queue, wanted):
            _key_stage(session, stage, page, record, users)
            counts[stage] = counts.get(stage, 0) + 1
    counts["restricted"] = len(pages) - len(open_pages)
    list_pages, list_rows, list_stages = load_lists(session, storage, users)
    return DemoSummary(loaded=True, pages=len(pages), stages=counts, list_pages=list_pages,
                       list_rows=list_rows, list_stages=list_stages)
