"""The SQL of next page and submit: Core statements prepared once (see prepared.py).

SQLite compiles FOR UPDATE [SKIP LOCKED] to nothing (BEGIN IMMEDIATE serializes its
writers instead), so one statement serves both databases.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import (
    DateTime,
    Integer,
    Text,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement

from crowdcat.data.prepared import Prepared
from crowdcat.models import (
    OPEN_TO_CROWD,
    Entry,
    FieldSpec,
    Image,
    Item,
    ItemStatus,
    Project,
    Reservation,
    Submission,
)
from crowdcat.models.item import NOT_FULL_SQL

PAGES = Item.__table__
RESERVATIONS = Reservation.__table__
SUBMISSIONS = Submission.__table__
ENTRIES = Entry.__table__
PROJECTS = Project.__table__
FIELDS = FieldSpec.__table__
IMAGES = Image.__table__
# The page columns the keying paths read (a Core row: no ORM object, no lazy loads).
PAGE_COLUMNS = (PAGES.c.id, PAGES.c.project_id, PAGES.c.sequence, PAGES.c.prefill,
                PAGES.c.status, PAGES.c.access, PAGES.c.submission_count, PAGES.c.wanted)


def _project(condition):  # noqa: ANN001, ANN202 - a SQL condition; a Select
    """A project's settings joined with its keyed fields in order (JSON read as text)."""
    return (
        select(PROJECTS.c.id, PROJECTS.c.slug, PROJECTS.c.status, PROJECTS.c.agree_needed,
               PROJECTS.c.max_submissions, PROJECTS.c.reservation_minutes,
               PROJECTS.c.weighted_votes, FIELDS.c.key, FIELDS.c.kind, FIELDS.c.required,
               # Text, not decoded JSON: the rows are the cache key, decoded on a miss only.
               *(func.coalesce(column.cast(Text()), "null").label(column.name)
                 for column in (FIELDS.c.labels, FIELDS.c.help, FIELDS.c.choices,
                                FIELDS.c.options)))
        .outerjoin(FIELDS, and_(FIELDS.c.project_id == PROJECTS.c.id, FIELDS.c.keyed.is_(True)))
        .where(condition).order_by(FIELDS.c.position)
    )

project_by_slug = Prepared(lambda: _project(PROJECTS.c.slug == bindparam("slug")))
project_by_id = Prepared(lambda: _project(PROJECTS.c.id == bindparam("project_id")))

# The volunteer's own reservation in the project rides along (one round trip instead of two):
# at most one row (unique user_id, project_id), so the field rows are not multiplied.
OWN_COLUMNS = 3
project_and_own = Prepared(lambda: _project(PROJECTS.c.slug == bindparam("slug"))
                           .add_columns(RESERVATIONS.c.id.label("own_id"),
                                        RESERVATIONS.c.item_id.label("own_page_id"),
                                        RESERVATIONS.c.expires_at.label("own_expires_at"))
                           .outerjoin(RESERVATIONS, and_(
                               RESERVATIONS.c.project_id == PROJECTS.c.id,
                               RESERVATIONS.c.user_id == bindparam("user_id"))))

# An item's images in the order a reader turns them (the unique (item_id, position) index).
item_images = Prepared(lambda: select(IMAGES.c.id, IMAGES.c.width, IMAGES.c.height)
                       .where(IMAGES.c.item_id == bindparam("item_id"))
                       .order_by(IMAGES.c.position))


def images_json(item_id: Any) -> sa.ScalarSelect:
    """PostgreSQL: the item's images in order as JSON [[id, width, height], ...] (NULL for
    none), for a statement that returns them with the item (same index as item_images)."""
    i = IMAGES.c
    return (select(func.json_agg(aggregate_order_by(
        func.json_build_array(i.id, i.width, i.height), i.position)))
        .where(i.item_id == item_id).scalar_subquery())


page_open = Prepared(lambda: select(PAGES.c.id)
                     .join(PROJECTS, PROJECTS.c.id == PAGES.c.project_id)
                     .where(PAGES.c.id == bindparam("item_id"),
                            OPEN_TO_CROWD.sql(PAGES.c.access, PROJECTS.c.status)))

# Locks the page row to the end of the transaction on PostgreSQL.
page_locked = Prepared(lambda: select(*PAGE_COLUMNS)
                       .where(PAGES.c.id == bindparam("item_id")).with_for_update())



def keyed_flag(item_id: Any, user_id: Any) -> Any:
    """Whether the volunteer has a submission (keyed or skipped) for the page, as SQL."""
    return exists().where(SUBMISSIONS.c.item_id == item_id, SUBMISSIONS.c.user_id == user_id)


def held_flag(item_id: Any, user_id: Any) -> Any:
    """Whether assignment gave the page to the volunteer (their hold, live or expired), as SQL.

    An expired hold stays until their next page request resumes or drops it (assignment)."""
    return exists().where(RESERVATIONS.c.item_id == item_id, RESERVATIONS.c.user_id == user_id)


# The volunteer holds the page or keyed it (whose scans a volunteer may fetch).
page_of_volunteer = Prepared(lambda: select(ONE).where(sa.or_(
    held_flag(bindparam("item_id"), bindparam("user_id")),
    keyed_flag(bindparam("item_id"), bindparam("user_id")))))


def locked_keyed() -> sa.Select:
    """The page row locked, with whether the volunteer keyed it (on PostgreSQL as of the
    statement's snapshot, which can be older than the lock: callers there ask again after)."""
    return select(*PAGE_COLUMNS, keyed_flag(PAGES.c.id, bindparam("user_id")).label("keyed")
                  ).where(PAGES.c.id == bindparam("item_id")).with_for_update(of=PAGES)


# SQLite's submit (BEGIN IMMEDIATE: what it reads stays true): the same, and whether the
# volunteer holds the page (held_flag).
page_locked_keyed = Prepared(lambda: locked_keyed().add_columns(
    held_flag(PAGES.c.id, bindparam("user_id")).label("held")))

live_others = Prepared(lambda: select(func.count()).select_from(RESERVATIONS).where(
    RESERVATIONS.c.item_id == bindparam("item_id"),
    RESERVATIONS.c.expires_at > bindparam("now"),
    RESERVATIONS.c.user_id != bindparam("user_id")))

keyed_by = Prepared(lambda: select(SUBMISSIONS.c.id).where(
    SUBMISSIONS.c.item_id == bindparam("item_id"),
    SUBMISSIONS.c.user_id == bindparam("user_id")))


class _NotFull(ColumnElement):
    """Page.NOT_FULL as a constant of the database's SQL (the partial indexes' predicates)."""

    inherit_cache = True
    type = DateTime(timezone=True)


@compiles(_NotFull)
def _not_full(element: _NotFull, compiler: Any, **kw: Any) -> str:
    """The epoch as each database stores full_until."""
    return NOT_FULL_SQL.get(compiler.dialect.name, NOT_FULL_SQL["sqlite"])


# LIMIT 1 written as such (a parameter makes the statement longer for nothing).
ONE = literal_column("1")
# Constants, not parameters: the planners match them with the partial indexes' predicates.
OPEN_FOR_KEYING = and_(PAGES.c.status == literal_column(f"'{ItemStatus.KEYING.value}'"),
                       OPEN_TO_CROWD.page_sql(PAGES.c.access))


def candidate(project_id, max_submissions, user_id, now, skip=(),  # noqa: ANN001, ANN201
              lock=False, columns=PAGE_COLUMNS):  # noqa: ANN001
    """The next assignable page row in assignment order (see assignment's docstring).

    The better (in assignment order) of two: the first page not known to be full
    (ix_items_free, which full items leave), and the first whose filling reservations have
    expired (ix_items_lapsed, trimmed by trim_lapsed): full items are never scanned, however
    many volunteers hold items at once. The live holds are still counted for the candidates:
    that count is the rule, full_until only a hint (kept by triggers, migration 0002).
    `lock`: PostgreSQL locks the two candidates, skipping rows others have locked.
    `columns`: the page columns to return (submission_count and sequence among them).
    """
    held = (
        select(func.count()).select_from(RESERVATIONS)
        .where(RESERVATIONS.c.item_id == PAGES.c.id, RESERVATIONS.c.expires_at > now)
        .scalar_subquery()
    )
    keyed = keyed_flag(PAGES.c.id, user_id)
    not_full = _NotFull()

    def first(condition, name: str):  # noqa: ANN001, ANN202 - a condition; a CTE
        stmt = (
            select(*columns)
            .where(PAGES.c.project_id == project_id, OPEN_FOR_KEYING, condition,
                   PAGES.c.submission_count < max_submissions,
                   PAGES.c.submission_count + held < PAGES.c.wanted, ~keyed)
            .order_by(PAGES.c.submission_count.desc(), PAGES.c.sequence)
            .limit(ONE)
        )
        if skip:
            stmt = stmt.where(PAGES.c.id.not_in(list(skip)))
        if lock:
            stmt = stmt.with_for_update(skip_locked=True, of=PAGES)
        return stmt.cte(name)

    free = first(PAGES.c.full_until == not_full, "free_page")
    lapsed = first(and_(PAGES.c.full_until > not_full, PAGES.c.full_until <= now), "lapsed_page")
    both = union_all(select(free), select(lapsed)).subquery("candidates")
    return (select(*both.c).order_by(both.c.submission_count.desc(), both.c.sequence)
            .limit(ONE))


def _trim_lapsed():  # noqa: ANN202 - an Update
    """Pages whose filling reservations expired go back to ix_items_free (TRIM_BATCH at a time).

    Always safe: full_until only says "known to be full until then"; the epoch says nothing,
    and the live holds are counted anyway. PostgreSQL skips rows others hold locked.
    """
    now = bindparam("now", type_=RESERVATIONS.c.expires_at.type)
    lapsed = (select(PAGES.c.id).where(OPEN_FOR_KEYING, PAGES.c.full_until > _NotFull(),
                                       PAGES.c.full_until <= now)
              .limit(TRIM_BATCH).with_for_update(skip_locked=True))
    return update(PAGES).where(PAGES.c.id.in_(lapsed.scalar_subquery())).values(
        full_until=_NotFull())


TRIM_BATCH = 500
trim_lapsed = Prepared(_trim_lapsed)


# PostgreSQL: competing volunteers skip rows another transaction has locked.
first_candidate = Prepared(lambda: candidate(
    bindparam("project_id"), bindparam("max_submissions"), bindparam("user_id"),
    bindparam("now", type_=RESERVATIONS.c.expires_at.type), lock=True,
))

own_reservation = Prepared(lambda: select(
    RESERVATIONS.c.id, RESERVATIONS.c.item_id, RESERVATIONS.c.expires_at
).where(RESERVATIONS.c.user_id == bindparam("user_id"),
        RESERVATIONS.c.project_id == bindparam("project_id")))

extend_reservation = Prepared(lambda: update(RESERVATIONS)
                              .where(RESERVATIONS.c.id == bindparam("reservation_id")),
                              column_keys=("expires_at",))

drop_reservation = Prepared(lambda: delete(RESERVATIONS)
                            .where(RESERVATIONS.c.id == bindparam("reservation_id")))

drop_reservation_of = Prepared(lambda: delete(RESERVATIONS).where(
    RESERVATIONS.c.item_id == bindparam("item_id"),
    RESERVATIONS.c.user_id == bindparam("user_id")))


def _insert_new(table, unique: tuple[str, ...]):  # noqa: ANN001, ANN202
    """INSERT ... ON CONFLICT (unique) DO NOTHING RETURNING id, built per dialect.

    No row back means another transaction (a second tab) got there first: the caller
    resolves that without the savepoint an IntegrityError would need on PostgreSQL.
    """

    def build(dialect: str):  # noqa: ANN202
        module = postgresql if dialect == "postgresql" else sqlite
        return (module.insert(table).on_conflict_do_nothing(index_elements=list(unique))
                .returning(table.c.id))

    return build


add_reservation = Prepared(
    _insert_new(RESERVATIONS, ("user_id", "project_id")), per_dialect=True,
    column_keys=("item_id", "user_id", "project_id", "created_at", "expires_at"))


def _add_reservation_if_room():  # noqa: ANN202 - an Insert
    """PostgreSQL, page row locked: reserve only if submissions + others' live holds < wanted."""
    now = bindparam("now", type_=RESERVATIONS.c.expires_at.type)
    others = select(func.count()).select_from(RESERVATIONS).where(
        RESERVATIONS.c.item_id == bindparam("item_id"), RESERVATIONS.c.expires_at > now,
        RESERVATIONS.c.user_id != bindparam("user_id")).scalar_subquery()
    row = select(bindparam("item_id", type_=Integer()), bindparam("user_id", type_=Integer()),
                 bindparam("project_id", type_=Integer()), now,
                 bindparam("until", type_=RESERVATIONS.c.expires_at.type)).where(
        bindparam("submission_count", type_=Integer()) + others
        < bindparam("wanted", type_=Integer()))
    return (postgresql.insert(RESERVATIONS)
            .from_select(["item_id", "user_id", "project_id", "created_at", "expires_at"], row)
            .on_conflict_do_nothing(index_elements=["user_id", "project_id"])
            .returning(RESERVATIONS.c.id))


add_reservation_if_room = Prepared(_add_reservation_if_room)

add_submission = Prepared(
    _insert_new(SUBMISSIONS, ("item_id", "user_id")), per_dialect=True,
    column_keys=("item_id", "user_id", "project_id", "typed_values", "skip_reason",
                 "started_at", "submitted_at", "duration_seconds"))

votes = Prepared(lambda: select(
    SUBMISSIONS.c.user_id, SUBMISSIONS.c.typed_values.label("values"),
    SUBMISSIONS.c.skip_reason,
).where(SUBMISSIONS.c.item_id == bindparam("item_id")).order_by(SUBMISSIONS.c.id))

# The votes with the page's entry alongside (one round trip instead of two; at most one entry
# per page, so the submission rows are not multiplied).
votes_and_entry = Prepared(lambda: select(
    SUBMISSIONS.c.user_id, SUBMISSIONS.c.typed_values.label("values"), SUBMISSIONS.c.skip_reason,
    ENTRIES.c.id.label("entry_id"), ENTRIES.c.status.label("entry_status"),
    ENTRIES.c.version.label("entry_version"),
).select_from(SUBMISSIONS.outerjoin(ENTRIES, ENTRIES.c.item_id == SUBMISSIONS.c.item_id))
  .where(SUBMISSIONS.c.item_id == bindparam("item_id")).order_by(SUBMISSIONS.c.id))

entry_of = Prepared(lambda: select(ENTRIES.c.id, ENTRIES.c.status, ENTRIES.c.version)
                    .where(ENTRIES.c.item_id == bindparam("item_id")))

add_entry = Prepared(
    lambda: insert(ENTRIES),
    column_keys=("item_id", "project_id", "status", "reconciled", "submission_count"))

# version_id_col: check and bump the version as an ORM flush would (reviewers' optimistic
# lock); the caller raises StaleDataError when no row matched.
set_entry = Prepared(
    lambda: update(ENTRIES).where(ENTRIES.c.id == bindparam("entry_id"),
                                  ENTRIES.c.version == bindparam("old_version"))
    .values(version=ENTRIES.c.version + 1),
    column_keys=("status", "reconciled", "submission_count"))

set_page = Prepared(
    lambda: update(PAGES).where(PAGES.c.id == bindparam("page_key")),
    column_keys=("submission_count", "status", "wanted"))


def _claim():  # noqa: ANN202 - a Select
    """PostgreSQL, one statement: lock the first assignable page and reserve it.

    For autocommit requests (database.autocommit_statements): no transaction around it.
    The candidate's live holds are counted on the statement's snapshot, which can miss
    holds committed while it ran; that is safe because every hold that fills a page also
    updates the page row (the full_until trigger, migration 0002), and a row updated after
    the snapshot is checked again against the WHERE clause when FOR UPDATE locks it: a
    page filled meanwhile is passed by. Holds that did not fill it leave room for this one.
    """
    now = bindparam("now", type_=RESERVATIONS.c.expires_at.type)
    chosen = candidate(bindparam("project_id"), bindparam("max_submissions"),
                       bindparam("user_id"), now, lock=True).cte("chosen")
    added = (postgresql.insert(RESERVATIONS)
             .from_select(["item_id", "user_id", "project_id", "created_at", "expires_at"],
                          select(chosen.c.id, bindparam("user_id", type_=Integer()),
                                 bindparam("project_id", type_=Integer()), now,
                                 bindparam("until", type_=RESERVATIONS.c.expires_at.type)))
             .on_conflict_do_nothing(index_elements=["user_id", "project_id"])
             .returning(RESERVATIONS.c.id, RESERVATIONS.c.item_id).cte("added"))
    return (select(*chosen.c, added.c.id.label("reservation_id"))
            .select_from(chosen.outerjoin(added, added.c.item_id == chosen.c.id)))


claim = Prepared(_claim)


def project_version() -> Any:  # a labelled SQL expression
    """PostgreSQL: a fingerprint of the project row and its keyed field rows (their xmin).

    Correlated to the projects row of the enclosing query; it keys the cache of
    snapshot.of_version(). Every insert or update of a row gives it a new xmin (the writing
    transaction's id) and a deleted field drops out, so any edit of the project or of a
    field is seen by the next request, for the price of a short string.
    """
    f = FIELDS.c
    colon, comma, slash = (sa.literal_column(f"'{c}'") for c in ":,/")  # written in, not sent
    fields = (sa.select(sa.func.string_agg(
        sa.func.concat(f.id, colon, sa.literal_column("field_specs.xmin")), comma))
        .where(f.project_id == PROJECTS.c.id, f.keyed.is_(True)).scalar_subquery())
    return sa.func.concat(sa.literal_column("projects.xmin"), slash, fields).label("version")
