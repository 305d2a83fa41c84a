"""Who may see which page: restricted pages never reach volunteers."""
from __future__ import annotations

from sqlalchemy.orm import Session

from crowdcat.data import keying as sql
from crowdcat.models import Access, Page, ProjectStatus, User


def can_view_page(user: User | None, page: Page) -> bool:
    """Staff see every page; volunteers only open pages of active projects."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return page.access == Access.OPEN and page.project.status == ProjectStatus.ACTIVE


def page_is_open(session: Session, page_id: int) -> bool:
    """Whether the page is open to the crowd in an active project (one Core query)."""
    return sql.page_open(session, page_id=page_id).first() is not None
