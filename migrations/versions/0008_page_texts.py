"""page_texts: OCR readings of page images; projects.ocr_restricted

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-04 15:00:00

One row per page and engine: the recognised lines (text, confidence, box and polygon, as
JSON, in reading order), the lines' text joined, the engine's model version, and why an
image could not be read. In the database rather than in files so that every app server
shares them. projects.ocr_restricted: whether OCR may read a project's restricted pages
(off by default; their text is shown to staff only either way).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0004'
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), 'postgresql')


def upgrade():
    op.create_table(
        'page_texts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('engine', sa.String(length=40), nullable=False),
        sa.Column('model_version', sa.String(length=200), nullable=False),
        sa.Column('vertical', sa.Boolean(), nullable=False),
        sa.Column('lines', JSON, nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name='fk_page_texts_page_id_pages',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_page_texts'),
        sa.UniqueConstraint('page_id', 'engine', name='uq_page_texts_page_id_engine'),
    )
    with op.batch_alter_table('projects') as batch_op:
        batch_op.add_column(sa.Column('ocr_restricted', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('projects') as batch_op:
        batch_op.drop_column('ocr_restricted')
    op.drop_table('page_texts')
