"""Who may see which page: restricted pages never reach volunteers.

The policy face of the one rule "a page is open to the crowd" (models.page.OPEN_TO_CROWD:
the page marked open, its project active), which the keying SQL asks in SQL. Routes ask
here; services and queries ask the rule itself.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from crowdcat.data import keying as sql
from crowdcat.models import OPEN_TO_CROWD, Item, User


def open_to_crowd(page: Item) -> bool:
    """Whether volunteers may see and key the page (open, in an active project)."""
    return OPEN_TO_CROWD.allows(page.access, page.project.status)


def can_view_page(user: User | None, page: Item) -> bool:
    """Staff see every page; volunteers only pages open to the crowd."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return open_to_crowd(page)


def can_view_scan(session: Session, user: User | None, page: Item) -> bool:
    """Whether the user may fetch the page's image, derivatives and tiles.

    Staff: every page. A volunteer: a page open to the crowd that assignment gave them (a
    hold, live or expired) or that they keyed or skipped; stepping ids finds nothing else.
    """
    if user is None or not can_view_page(user, page):
        return False
    if user.is_staff:
        return True
    return sql.page_of_volunteer(session, item_id=page.id, user_id=user.id).first() is not None


def page_is_open(session: Session, item_id: int) -> bool:
    """Whether the page is open to the crowd in an active project (one Core query)."""
    return sql.page_open(session, item_id=item_id).first() is not None
