"""Entries ready for review, built like keying builds them: submissions reconciled by the engine."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crowdcat.models import Entry, EntryStatus, Item, ItemStatus, Project, Submission, User
from crowdcat.services.reconciliation.voting import Rules, Vote, reconcile
from crowdcat.services.review.values import field_rule
from tests.factories import Factory


def project_rules(project: Project) -> Rules:
    """The reconciliation rules of a project."""
    return Rules(
        tuple(field_rule(spec) for spec in project.keyed_fields),
        agree=project.agree_needed,
        maximum=project.max_submissions,
    )


class ReviewFactory:
    """Makes pages with submissions and their reconciled entries."""

    def __init__(self, session: Session, factory: Factory) -> None:
        self.session = session
        self.factory = factory

    def entry(
        self,
        project: Project,
        typed: list[dict[str, str]],
        *,
        volunteers: list[User] | None = None,
        page: Item | None = None,
        status: EntryStatus | None = None,
        **page_kwargs: Any,
    ) -> Entry:
        """A page keyed by one volunteer per dict in `typed`, reconciled into an entry.

        The entry waits for review when every field is decided, else it is a conflict
        (as if the maximum had been reached), unless `status` says otherwise.
        """
        page = page or self.factory.item(project, **page_kwargs)
        volunteers = volunteers or [self.factory.user() for _ in typed]
        for user, values in zip(volunteers, typed, strict=True):
            self.session.add(Submission(item_id=page.id, user_id=user.id,
                                        project_id=project.id, values=values))
        votes = [Vote(str(user.id), values) for user, values in zip(volunteers, typed, strict=True)]
        result = reconcile(project_rules(project), votes)
        page.submission_count = len(typed)
        page.wanted = max(page.wanted, len(typed))
        page.status = ItemStatus.DONE
        if status is None:
            status = EntryStatus.REVIEW if result.verdict == "done" else EntryStatus.CONFLICT
        entry = Entry(item_id=page.id, project_id=project.id, status=status,
                      reconciled=result.to_dict(), submission_count=len(typed))
        self.session.add(entry)
        self.session.commit()
        return entry

    def agreed(self, project: Project, values: dict[str, str], **kwargs: Any) -> Entry:
        """An entry on which two volunteers typed the same values."""
        return self.entry(project, [dict(values), dict(values)], **kwargs)
