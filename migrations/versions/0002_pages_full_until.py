"""pages.full_until: "next page" passes by pages that live reservations fill

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:00:00

The column is a hint kept by triggers, so that every path that adds or deletes a reservation
or changes a page keeps it right, whatever code (or person at a SQL prompt) does it:

- a reservation inserted (or renewed, on PostgreSQL): if the page's submissions plus its live
  reservations now reach what it wants, full_until = the earliest expiry among those
  reservations (until then no slot can free up by itself);
- a reservation deleted (submitted, released, dropped): full_until = the epoch;
- a page's wanted, submission_count, status or access changed: full_until = the epoch.

The epoch (1970-01-01, a time long past) means "not known to be full": the assignment scan
then counts the live holds as before. Not NULL, so that "full_until <= now" is one plain
condition on a column of ix_pages_assignment, checked on the index entries themselves: the
scan passes full pages by without reading their rows.
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

OLD_INDEX = ['project_id', 'status', 'access', sa.text('submission_count DESC'), 'sequence']

POSTGRESQL = [
    """
    CREATE FUNCTION crowdcat_page_full_after_reserve() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        at timestamptz := CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END;
    BEGIN
        UPDATE pages AS p SET full_until = h.first_expiry
        FROM (SELECT count(*) AS held, min(expires_at) AS first_expiry FROM reservations
              WHERE page_id = NEW.page_id AND expires_at > at) AS h
        WHERE p.id = NEW.page_id AND p.submission_count + h.held >= p.wanted;
        RETURN NULL;
    END $$
    """,
    # A renewal can fill the page again (an expired hold made live): the page row must
    # change then too, for the one-statement claim (keying_sql.claim) to see it.
    """
    CREATE TRIGGER reservations_fill_page AFTER INSERT OR UPDATE OF expires_at
    ON reservations FOR EACH ROW EXECUTE FUNCTION crowdcat_page_full_after_reserve()
    """,
    """
    CREATE FUNCTION crowdcat_page_room_after_release() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE pages SET full_until = 'epoch' WHERE id = OLD.page_id AND full_until > 'epoch';
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER reservations_free_page AFTER DELETE ON reservations
    FOR EACH ROW EXECUTE FUNCTION crowdcat_page_room_after_release()
    """,
    """
    CREATE FUNCTION crowdcat_page_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.full_until := 'epoch';
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER pages_clear_full BEFORE UPDATE ON pages
    FOR EACH ROW WHEN (NEW.full_until > 'epoch' AND (
        NEW.wanted IS DISTINCT FROM OLD.wanted
        OR NEW.submission_count IS DISTINCT FROM OLD.submission_count
        OR NEW.status IS DISTINCT FROM OLD.status
        OR NEW.access IS DISTINCT FROM OLD.access))
    EXECUTE FUNCTION crowdcat_page_changed()
    """,
]

SQLITE = [
    """
    CREATE TRIGGER reservations_fill_page AFTER INSERT ON reservations
    BEGIN
        UPDATE pages SET full_until = (
            SELECT min(expires_at) FROM reservations
            WHERE page_id = NEW.page_id AND expires_at > NEW.created_at)
        WHERE id = NEW.page_id AND submission_count + (
            SELECT count(*) FROM reservations
            WHERE page_id = NEW.page_id AND expires_at > NEW.created_at) >= wanted;
    END
    """,
    """
    CREATE TRIGGER reservations_free_page AFTER DELETE ON reservations
    BEGIN
        UPDATE pages SET full_until = '1970-01-01 00:00:00.000000'
        WHERE id = OLD.page_id AND full_until > '1970-01-01 00:00:00.000000';
    END
    """,
    """
    CREATE TRIGGER pages_clear_full AFTER UPDATE OF wanted, submission_count, status, access
    ON pages WHEN NEW.full_until > '1970-01-01 00:00:00.000000' AND (
        NEW.wanted IS NOT OLD.wanted OR NEW.submission_count IS NOT OLD.submission_count
        OR NEW.status IS NOT OLD.status OR NEW.access IS NOT OLD.access)
    BEGIN
        UPDATE pages SET full_until = '1970-01-01 00:00:00.000000' WHERE id = NEW.id;
    END
    """,
]

DROP_POSTGRESQL = [
    "DROP TRIGGER pages_clear_full ON pages",
    "DROP TRIGGER reservations_free_page ON reservations",
    "DROP TRIGGER reservations_fill_page ON reservations",
    "DROP FUNCTION crowdcat_page_changed()",
    "DROP FUNCTION crowdcat_page_room_after_release()",
    "DROP FUNCTION crowdcat_page_full_after_reserve()",
]
DROP_SQLITE = [
    "DROP TRIGGER pages_clear_full",
    "DROP TRIGGER reservations_free_page",
    "DROP TRIGGER reservations_fill_page",
]


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    # The epoch as each database stores the column (SQLite: SQLAlchemy's naive UTC text).
    epoch = "'epoch'" if postgresql else "'1970-01-01 00:00:00.000000'"
    op.add_column('pages', sa.Column('full_until', sa.DateTime(timezone=True), nullable=False,
                                     server_default=sa.text(epoch)))
    op.drop_index('ix_pages_assignment', table_name='pages')
    op.create_index('ix_pages_assignment', 'pages', [*OLD_INDEX, 'full_until'])
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for statement in DROP_POSTGRESQL if postgresql else DROP_SQLITE:
        op.execute(statement)
    op.drop_index('ix_pages_assignment', table_name='pages')
    op.create_index('ix_pages_assignment', 'pages', OLD_INDEX)
    with op.batch_alter_table('pages') as batch_op:
        batch_op.drop_column('full_until')
