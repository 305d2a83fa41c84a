"""PostgreSQL: the submit path in three statements after the token (was six).

1. lock_with_project: the page row locked, whether the volunteer keyed it and the project's
   version (the snapshot cache key): no project or field rows read;
2. store_and_read: keying_sql.submit_if_room (the checks after the lock, the insert, the hold
   dropped) with the page's earlier votes and its entry read alongside: the statement runs
   after the lock, so its snapshot holds every submission committed before ours;
3. write_entry (insert or update, the reviewers' version checked) and the page's counters.

SQLite runs the statements of keying_sql one by one: there they cost no round trip.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import aggregate_order_by

from crowdcat.data import keying as sql
from crowdcat.data.prepared import Prepared


def _lock_with_project() -> sa.Select:
    """The page's keying columns, locked, with the volunteer's keyed flag and the project."""
    return (sql.page_locked_keyed._build()
            .add_columns(sql.project_version())
            .join(sql.PROJECTS, sql.PROJECTS.c.id == sql.PAGES.c.project_id))


def _store_and_read() -> sa.Select:
    """submit_if_room, and the page's earlier votes (JSON, in order) and entry."""
    page_id = sa.bindparam("page_id", type_=sa.Integer())
    s, e = sql.SUBMISSIONS.c, sql.ENTRIES.c
    votes = (sa.select(sa.func.json_agg(aggregate_order_by(
        sa.func.json_build_array(s.user_id, s.typed_values, s.skip_reason), s.id)))
        .where(s.page_id == page_id).scalar_subquery())

    def entry(column: sa.Column) -> sa.ScalarSelect:
        return sa.select(column).where(e.page_id == page_id).scalar_subquery()

    return sql.submit_if_room._build().add_columns(
        votes.label("votes"), entry(e.id).label("entry_id"),
        entry(e.status).label("entry_status"), entry(e.version).label("entry_version"))


def _page_counters() -> sa.CTE:
    """The page's counters, set."""
    p = sql.PAGES.c
    return (sa.update(sql.PAGES).where(p.id == sa.bindparam("page_key"))
            .values(submission_count=sa.bindparam("page_count"),
                    status=sa.bindparam("page_status"), wanted=sa.bindparam("page_wanted"))
            .returning(p.id).cte("page_set"))


def _counts(entry: sa.CTE, page: sa.CTE) -> sa.Select:
    """How many entry and page rows were written."""
    return sa.select(sa.select(sa.func.count()).select_from(entry).scalar_subquery()
                     .label("entries"),
                     sa.select(sa.func.count()).select_from(page).scalar_subquery()
                     .label("pages"))


def _insert_entry() -> sa.Select:
    """A new entry and the page's counters."""
    now = sa.bindparam("now", type_=sql.ENTRIES.c.created_at.type)
    entry = (postgresql.insert(sql.ENTRIES)
             .values(page_id=sa.bindparam("page_key"), project_id=sa.bindparam("project_id"),
                     status=sa.bindparam("entry_status"),
                     reconciled=sa.bindparam("reconciled"),
                     submission_count=sa.bindparam("page_count"), created_at=now,
                     updated_at=now, version=1)
             .returning(sql.ENTRIES.c.id).cte("entry_set"))
    return _counts(entry, _page_counters())


def _update_entry() -> sa.Select:
    """The entry (if its version is still `old_version`) and the page's counters."""
    e = sql.ENTRIES.c
    entry = (sa.update(sql.ENTRIES)
             .where(e.id == sa.bindparam("entry_id"), e.version == sa.bindparam("old_version"))
             .values(version=e.version + 1, status=sa.bindparam("entry_status"),
                     reconciled=sa.bindparam("reconciled"),
                     submission_count=sa.bindparam("page_count"),
                     updated_at=sa.bindparam("now", type_=e.updated_at.type))
             .returning(e.id).cte("entry_set"))
    return _counts(entry, _page_counters())


lock_with_project = Prepared(_lock_with_project)
store_and_read = Prepared(_store_and_read)
insert_entry = Prepared(_insert_entry)
update_entry = Prepared(_update_entry)
