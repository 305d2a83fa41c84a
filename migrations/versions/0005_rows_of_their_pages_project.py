"""reservations, submissions, entries: their project is always their page's project

Revision ID: 0005
Revises: 0008
Create Date: 2026-12-04 15:00:00

Each of these rows carries its page's project_id (the hot queries filter and count by it),
and until now no constraint tied the copy to the page. The foreign key to pages becomes
(page_id, project_id) -> pages (id, project_id), on a new unique index of pages, so that
the database refuses a row whose project is not its page's. It stands for the foreign key
to projects as well (the page's own key to its project covers it; deleting a project still
deletes these rows, through its pages), so that one is dropped: one check per inserted row,
as before, and no lock on the project row by every transaction that inserts one.

Rows that disagree already are put right before the keys are added: a submission's or an
entry's project becomes its page's; a reservation that disagrees is dropped (a hold is a
short-lived claim, not anyone's work: the volunteer is handed a page again).

SQLite rebuilds the three tables (batch mode); pages is not rebuilt (a unique index needs no
rebuild, and dropping pages would cascade). The rebuilt reservations table gets the triggers
of migration 0002 again (SQLite drops a table's triggers with it).
"""
from alembic import op

revision = '0005'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLES = ('reservations', 'submissions', 'entries')
PAGE_PROJECT = "(SELECT pages.project_id FROM pages WHERE pages.id = {table}.page_id)"

# Migration 0002's triggers on reservations, word for word (SQLite only).
SQLITE_TRIGGERS = [
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
]


def _put_right() -> None:
    """Rows whose project is not their page's: corrected (reservations: dropped)."""
    wrong = "project_id <> " + PAGE_PROJECT
    op.execute(f"DELETE FROM reservations WHERE {wrong.format(table='reservations')}")
    for table in ('submissions', 'entries'):
        op.execute(f"UPDATE {table} SET project_id = {PAGE_PROJECT.format(table=table)} "
                   f"WHERE {wrong.format(table=table)}")


def _rebuilt(sqlite: bool) -> None:
    """SQLite: the triggers that went with the rebuilt reservations table, back."""
    if sqlite:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    _put_right()
    op.create_index('uq_pages_id_project_id', 'pages', ['id', 'project_id'], unique=True)
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_page_id_pages', type_='foreignkey')
            batch_op.drop_constraint(f'fk_{table}_project_id_projects', type_='foreignkey')
            batch_op.create_foreign_key(f'fk_{table}_page_id_pages', 'pages',
                                        ['page_id', 'project_id'], ['id', 'project_id'],
                                        ondelete='CASCADE')
    _rebuilt(sqlite)


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_page_id_pages', type_='foreignkey')
            batch_op.create_foreign_key(f'fk_{table}_page_id_pages', 'pages',
                                        ['page_id'], ['id'], ondelete='CASCADE')
            batch_op.create_foreign_key(f'fk_{table}_project_id_projects', 'projects',
                                        ['project_id'], ['id'], ondelete='CASCADE')
    _rebuilt(sqlite)
    op.drop_index('uq_pages_id_project_id', table_name='pages')
