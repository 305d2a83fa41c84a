"""entries: facts about the final values, stamped at approval (final_dates, final_plain, facts_tag)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:00:00

Derived data (crowdcat/services/entry_facts.py): the ISO readings of the final values that
read as dates, whether every final value goes into a spreadsheet as it is, and the tag of
the code that worked them out. Nullable and not filled here: an entry without facts is
exported in full as before, and `crowdcat export` stamps a project's entries before it
writes them (a migration must not run the app's code, which changes after it is written).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), 'postgresql')


def upgrade():
    with op.batch_alter_table('entries') as batch_op:
        batch_op.add_column(sa.Column('final_dates', JSON, nullable=True))
        batch_op.add_column(sa.Column('final_plain', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('facts_tag', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_entries_facts', ['project_id', 'status', 'facts_tag'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('entries') as batch_op:
        batch_op.drop_index('ix_entries_facts')
        batch_op.drop_column('facts_tag')
        batch_op.drop_column('final_plain')
        batch_op.drop_column('final_dates')
