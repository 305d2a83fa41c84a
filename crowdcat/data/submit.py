"""PostgreSQL: the submit path in three statements after the token (was six).

1. lock_with_project: the page row locked, whether the volunteer keyed it and the project's
   version (the snapshot cache key): no project or field rows read;
2. store_and_read: submit_if_room (the checks after the lock, the volunteer's hold among
   them, the insert, the hold dropped) with the page's earlier votes and its entry read
   alongside: the statement runs after the lock, so its snapshot holds every submission
   committed before ours;
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
    return (sql.locked_keyed()
            .add_columns(sql.project_version())
            .join(sql.PROJECTS, sql.PROJECTS.c.id == sql.PAGES.c.project_id))


def _submit_if_room() -> sa.Select:
    """Page row locked: store a submission if it may be stored, in one statement.

    Reads again, after the lock (a new statement, a new snapshot), whether the volunteer keyed
    the page, whether they hold it (keying.held_flag) and how many live reservations others
    hold; inserts only if not keyed, held, `allowed` (the caller's checks of the locked row)
    and, when `needs_room`, there is a free slot; then drops the volunteer's reservation if
    the submission was stored. Returns keyed, held, others and the new submission's id (NULL
    when nothing was stored), for the caller to say why.
    """
    r, s = sql.RESERVATIONS.c, sql.SUBMISSIONS.c
    now = sa.bindparam("now", type_=r.expires_at.type)
    item_id = sa.bindparam("item_id", type_=sa.Integer())
    user_id = sa.bindparam("user_id", type_=sa.Integer())
    fresh = sa.select(
        sql.keyed_flag(item_id, user_id).label("keyed"),
        sql.held_flag(item_id, user_id).label("held"),
        sa.select(sa.func.count()).select_from(sql.RESERVATIONS).where(
            r.item_id == item_id, r.expires_at > now,
            r.user_id != user_id).scalar_subquery().label("others"),
    ).cte("fresh")
    room = (sa.bindparam("submission_count", type_=sa.Integer()) + fresh.c.others
            < sa.bindparam("wanted", type_=sa.Integer()))
    columns = ("item_id", "user_id", "project_id", "typed_values", "skip_reason", "started_at",
               "submitted_at", "duration_seconds")
    values = [sa.bindparam(name, type_=s[name].type) for name in columns]
    added = (postgresql.insert(sql.SUBMISSIONS)
             .from_select(list(columns), sa.select(*values).where(
                 ~fresh.c.keyed, fresh.c.held, sa.bindparam("allowed", type_=sa.Boolean()),
                 sa.or_(~sa.bindparam("needs_room", type_=sa.Boolean()), room)))
             .on_conflict_do_nothing(index_elements=["item_id", "user_id"])
             .returning(s.id).cte("added"))
    dropped = sa.delete(sql.RESERVATIONS).where(
        r.item_id == item_id, r.user_id == user_id,
        sa.exists(sa.select(added.c.id))).cte("dropped")
    return (sa.select(fresh.c.keyed, fresh.c.held, fresh.c.others,
                      sa.select(added.c.id).scalar_subquery().label("submission_id"))
            .add_cte(dropped))


def _store_and_read() -> sa.Select:
    """submit_if_room, and the page's earlier votes (JSON, in order) and entry."""
    item_id = sa.bindparam("item_id", type_=sa.Integer())
    s, e = sql.SUBMISSIONS.c, sql.ENTRIES.c
    votes = (sa.select(sa.func.json_agg(aggregate_order_by(
        sa.func.json_build_array(s.user_id, s.typed_values, s.skip_reason), s.id)))
        .where(s.item_id == item_id).scalar_subquery())

    def entry(column: sa.Column) -> sa.ScalarSelect:
        return sa.select(column).where(e.item_id == item_id).scalar_subquery()

    return _submit_if_room().add_columns(
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
             .values(item_id=sa.bindparam("page_key"), project_id=sa.bindparam("project_id"),
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
submit_if_room = Prepared(_submit_if_room)
store_and_read = Prepared(_store_and_read)
insert_entry = Prepared(_insert_entry)
update_entry = Prepared(_update_entry)
