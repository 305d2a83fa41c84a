"""Figures for volunteers: project progress and their own contributions."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crowdcat.models import OPEN_TO_CROWD, Item, ItemStatus, Project, Submission, User
from crowdcat.services.reconciliation import agreement


@dataclass(frozen=True)
class Progress:
    """Open pages of a project and how many of them need no more keying."""

    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        """Whole percent done (0 for an empty project)."""
        return round(100 * self.done / self.total) if self.total else 0


def progress(session: Session, project_ids: Iterable[int]) -> dict[int, Progress]:
    """Progress of each project, counting only pages open to the crowd."""
    ids = list(project_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Item.project_id, Item.status, func.count())
        .where(Item.project_id.in_(ids), OPEN_TO_CROWD.page_sql(Item.access))
        .group_by(Item.project_id, Item.status)
    ).all()
    counts: dict[int, dict[ItemStatus, int]] = {pid: {} for pid in ids}
    for project_id, status, n in rows:
        counts[project_id][status] = n
    return {pid: Progress(c.get(ItemStatus.DONE, 0), sum(c.values())) for pid, c in counts.items()}


@dataclass
class ProjectContribution:
    """One volunteer's work in one project."""

    project: Project
    keyed: int
    skipped: int
    seconds: int


@dataclass
class Contributions:
    """A volunteer's work overall."""

    keyed: int = 0
    skipped: int = 0
    seconds: int = 0
    agreement: agreement.Agreement = field(default_factory=agreement.Agreement)
    projects: list[ProjectContribution] = field(default_factory=list)
    recent: list[Submission] = field(default_factory=list)


def active_projects(session: Session) -> dict:
    """The active projects and their progress (template context for the project cards)."""
    rows = session.scalars(
        select(Project).where(OPEN_TO_CROWD.project_sql(Project.status)).order_by(Project.title)
    ).all()
    return {"projects": rows, "progress": progress(session, [p.id for p in rows])}


def contributions(session: Session, user: User, recent: int = 20) -> Contributions:
    """Pages keyed and skipped, time spent, agreement with approved entries."""
    skipped = case((Submission.skip_reason.is_not(None), 1), else_=0)
    rows = session.execute(
        select(Submission.project_id, func.count(), func.sum(skipped),
               func.coalesce(func.sum(Submission.duration_seconds), 0))
        .where(Submission.user_id == user.id).group_by(Submission.project_id)
    ).all()
    result = Contributions(agreement=agreement.of_user(session, user.id))
    for project_id, total, skips, seconds in rows:
        project = session.get(Project, project_id)
        skips = int(skips or 0)
        result.projects.append(ProjectContribution(project, total - skips, skips, int(seconds)))
        result.keyed += total - skips
        result.skipped += skips
        result.seconds += int(seconds)
    result.projects.sort(key=lambda p: p.project.title)
    result.recent = list(session.scalars(
        select(Submission).where(Submission.user_id == user.id)
        .order_by(Submission.submitted_at.desc(), Submission.id.desc()).limit(recent)
    ))
    return result
