"""pages: the assignment scan in two partial indexes, so that it never passes full pages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00

ix_pages_assignment held every page in keying, full or not: with a thousand volunteers
holding pages, each "next page" stepped over the full ones (every hold that fills a page
sends it to the front of the order) and slowed down as more volunteers worked at once. It is
replaced by two partial indexes of the pages open for keying (keying_sql.candidate()):

- ix_pages_free: pages not known to be full (full_until is the epoch), in assignment order
  (submissions DESC, sequence); a page leaves it when reservations fill it;
- ix_pages_lapsed: pages whose filling reservations have expired (full_until in the past),
  by full_until; few, and trimmed back to free by the assignment itself.

The predicates are constants that the queries repeat word for word (SQLite matches partial
indexes by their terms; a parameter would not do).
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OPEN = "status = 'keying' AND access = 'open'"
EPOCH = {"postgresql": "'1970-01-01 00:00:00+00'", "sqlite": "'1970-01-01 00:00:00.000000'"}
OLD_INDEX = ['project_id', 'status', 'access', sa.text('submission_count DESC'), 'sequence',
             'full_until']


def upgrade():
    epoch = EPOCH[op.get_bind().dialect.name]
    free = sa.text(f"{OPEN} AND full_until = {epoch}")
    lapsed = sa.text(f"{OPEN} AND full_until > {epoch}")
    op.drop_index('ix_pages_assignment', table_name='pages')
    op.create_index('ix_pages_free', 'pages',
                    ['project_id', sa.text('submission_count DESC'), 'sequence'],
                    postgresql_where=free, sqlite_where=free)
    op.create_index('ix_pages_lapsed', 'pages', ['project_id', 'full_until'],
                    postgresql_where=lapsed, sqlite_where=lapsed)


def downgrade():
    op.drop_index('ix_pages_lapsed', table_name='pages')
    op.drop_index('ix_pages_free', table_name='pages')
    op.create_index('ix_pages_assignment', 'pages', OLD_INDEX)
