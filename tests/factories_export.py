"""Test data for the export: approved entries written directly (no review workflow needed)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from crowdcat.models import Entry, EntryStatus, Item, Project, Role, User, utcnow
from tests.factories import Factory


class ExportFactory(Factory):
    """Factory plus approved (and not approved) catalog entries."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._reviewer: User | None = None

    @property
    def reviewer(self) -> User:
        """One reviewer shared by the entries that name none."""
        if self._reviewer is None:
            self._reviewer = self.user(Role.REVIEWER, display_name="審核員甲")
        return self._reviewer

    def entry(
        self,
        project: Project,
        values: dict[str, Any] | None,
        *,
        status: EntryStatus = EntryStatus.APPROVED,
        page: Item | None = None,
        prefill: dict[str, Any] | None = None,
        reviewer: User | None = None,
        reviewed_at: datetime | None = None,
        statuses: dict[str, str] | None = None,
        hows: dict[str, str] | None = None,
        submission_count: int = 3,
    ) -> Entry:
        """An entry of a new page; approved (with reviewer and time) unless told otherwise."""
        page = page or self.item(project, prefill=prefill or {})
        approved = status == EntryStatus.APPROVED
        entry = Entry(
            item_id=page.id, project_id=project.id, status=status,
            values=values,
            reconciled={"verdict": "done", "submissions": submission_count, "fields": {
                key: {"key": key, "value": (values or {}).get(key), "status": state}
                | ({"how": hows[key]} if key in (hows or {}) else {})
                for key, state in (statuses or {}).items()}},
            submission_count=submission_count,
            reviewer_id=(reviewer or self.reviewer).id if approved else None,
            reviewed_at=(reviewed_at or utcnow()) if approved else None,
        )
        self.session.add(entry)
        self.session.commit()
        return entry

    def approved_series(self, project: Project, count: int, start: datetime | None = None,
                        **values: Any) -> list[Entry]:
        """`count` approved entries, a minute apart, with numbered titles."""
        start = start or utcnow() - timedelta(days=1)
        return [self.entry(project, {"title": f"題名{i}", **values},
                           reviewed_at=start + timedelta(minutes=i)) for i in range(count)]
