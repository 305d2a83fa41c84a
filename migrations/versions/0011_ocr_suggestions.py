"""projects.ocr_suggestions: OCR suggestions beside the keying screen's fields

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-12 10:00:00

Whether the keying screen shows, beside a field marked with an extractor
(field_specs.options["ocr_suggest"]), the value the machine reading proposes for it.
Off by default: nothing changes for existing projects.
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('projects') as batch_op:
        batch_op.add_column(sa.Column('ocr_suggestions', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('projects') as batch_op:
        batch_op.drop_column('ocr_suggestions')
