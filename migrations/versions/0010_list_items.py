"""List items: one item keyed as a list of rows, reconciled into one entry per row

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 20:00:00

A list item (卷內文件目錄, a register) is keyed as header fields once and a grid of rows.
submissions.typed_rows holds the rows as typed (NULL for every earlier submission);
entries.row numbers an item's entries: 0 is the one entry of a normal item (every existing
entry), 1..n the rows of a list item. The unique (item_id, row) replaces the unique item_id.

PostgreSQL alters in place. SQLite cannot drop a unique constraint, so entries is built
again with explicit DDL and its rows copied over; nothing references entries by a foreign
key, so nothing cascades and no child is touched.

Downgrade is refused once an item has more than one entry (the unique item_id would break).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ENTRY_COLUMNS = ("id, item_id, project_id, status, reconciled, final_values, final_dates, "
                 "final_plain, facts_tag, submission_count, reviewer_id, reviewed_at, "
                 "created_at, updated_at, version")

SQLITE_ENTRIES = """
CREATE TABLE entries__new (
    id INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    "row" INTEGER DEFAULT 0 NOT NULL,
    project_id INTEGER NOT NULL,
    status VARCHAR(20) NOT NULL,
    reconciled JSON NOT NULL,
    final_values JSON,
    final_dates JSON,
    final_plain BOOLEAN,
    facts_tag VARCHAR(16),
    submission_count INTEGER NOT NULL,
    reviewer_id INTEGER,
    reviewed_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    version INTEGER NOT NULL,
    CONSTRAINT pk_entries PRIMARY KEY (id),
    CONSTRAINT fk_entries_item_id_items FOREIGN KEY(item_id, project_id)
        REFERENCES items (id, project_id) ON DELETE CASCADE,
    CONSTRAINT uq_entries_item_id_row UNIQUE (item_id, "row"),
    CONSTRAINT ck_entries_row_non_negative CHECK ("row" >= 0),
    CONSTRAINT ck_entries_approved_has_review CHECK (status <> 'approved' OR
        (final_values IS NOT NULL AND reviewer_id IS NOT NULL AND reviewed_at IS NOT NULL)),
    CONSTRAINT ck_entries_entry_status
        CHECK (status IN ('keying', 'review', 'conflict', 'approved', 'rejected')),
    CONSTRAINT fk_entries_reviewer_id_users FOREIGN KEY(reviewer_id) REFERENCES users (id)
)"""
# Migration 0009's entries, for the downgrade.
SQLITE_ENTRIES_0009 = (SQLITE_ENTRIES.replace('    "row" INTEGER DEFAULT 0 NOT NULL,\n', '')
                       .replace('uq_entries_item_id_row UNIQUE (item_id, "row")',
                                'uq_entries_item_id UNIQUE (item_id)')
                       .replace('    CONSTRAINT ck_entries_row_non_negative CHECK ("row" >= 0),\n',
                                ''))
SQLITE_ENTRY_INDEXES = [
    "CREATE INDEX ix_entries_approved ON entries (project_id, status, reviewed_at)",
    "CREATE INDEX ix_entries_project_status ON entries (project_id, status, updated_at)",
    "CREATE INDEX ix_entries_facts ON entries (project_id, status, facts_tag)",
]


def upgrade():
    op.add_column('submissions', sa.Column(
        'typed_rows', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
        nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column('entries', sa.Column('row', sa.Integer(), nullable=False,
                                           server_default=sa.text('0')))
        op.drop_constraint('uq_entries_item_id', 'entries', type_='unique')
        op.create_unique_constraint('uq_entries_item_id_row', 'entries', ['item_id', 'row'])
        op.create_check_constraint('ck_entries_row_non_negative', 'entries', '"row" >= 0')
        return
    op.execute(SQLITE_ENTRIES)
    op.execute(f"INSERT INTO entries__new ({ENTRY_COLUMNS}, \"row\") "
               f"SELECT {ENTRY_COLUMNS}, 0 FROM entries")
    op.execute("DROP TABLE entries")
    op.execute("ALTER TABLE entries__new RENAME TO entries")
    for statement in SQLITE_ENTRY_INDEXES:
        op.execute(statement)


def downgrade():
    several = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM entries WHERE \"row\" <> 0").scalar()
    if several:
        raise RuntimeError(f"{several} entries are rows of list items; an item holds one entry "
                           "before 0010: downgrade refused, nothing changed")
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint('ck_entries_row_non_negative', 'entries', type_='check')
        op.drop_constraint('uq_entries_item_id_row', 'entries', type_='unique')
        op.create_unique_constraint('uq_entries_item_id', 'entries', ['item_id'])
        op.drop_column('entries', 'row')
    else:
        op.execute(SQLITE_ENTRIES_0009)
        op.execute(f"INSERT INTO entries__new ({ENTRY_COLUMNS}) SELECT {ENTRY_COLUMNS} FROM entries")
        op.execute("DROP TABLE entries")
        op.execute("ALTER TABLE entries__new RENAME TO entries")
        for statement in SQLITE_ENTRY_INDEXES:
            op.execute(statement)
    op.drop_column('submissions', 'typed_rows')
