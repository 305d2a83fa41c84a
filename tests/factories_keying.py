"""Keying test data: volunteers who reserve and key pages through the real services."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from crowdcat.models import Item, User
from crowdcat.services.keying import assignment
from crowdcat.services.keying import submission as submissions

GOOD = {"title": "關於徵集民國檔案的訓令", "date": "民國三十七年五月十日", "pages": "3"}


def reserve(session: Session, project, user: User, now: datetime | None = None) -> Item | None:  # noqa: ANN001
    """Reserve the volunteer's next page and commit."""
    page = assignment.next_page(session, project=project, user=user, now=now)
    session.commit()
    return page


def assign(session: Session, page: Item, user: User, now: datetime | None = None) -> Item:
    """Give this page to the volunteer (their hold, as next page would) and commit."""
    assignment.assign(session, page=page, user=user, now=now)
    session.commit()
    return page


def key(session: Session, page: Item, user: User, values: dict | None = None,
        now: datetime | None = None) -> submissions.Stored:
    """Submit values for a page (default: GOOD) and commit."""
    submission = submissions.submit(session, page=page, user=user,
                                    values=GOOD if values is None else values, now=now)
    session.commit()
    return submission
