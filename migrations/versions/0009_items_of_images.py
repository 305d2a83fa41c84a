"""Items of images: an archival file (件) of one or more scanned images is what is keyed

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-04 20:00:00

Until now one scanned image was one page, keyed into one entry. An item (件) now holds its
images (頁) in order: pages becomes items (its image columns move to the new images
table) and every page becomes a one-image item of the same id, so that reservations,
submissions, entries and audit events keep pointing where they did. Their page_id columns
become item_id; page_texts (OCR, a reading of one image) becomes image_texts.image_id, the
image of the same id.

PostgreSQL renames in place (no row is rewritten but the new images'). SQLite cannot rename
constraints or drop a column that a constraint names, so it builds the new tables, copies
the rows over and drops the old ones, children first: nothing cascades. The triggers of
migration 0002 are written again for the new names (PostgreSQL's functions name tables in
their text; SQLite drops a table's triggers with it).

Downgrade is refused once an item has more than one image (a page cannot hold them).
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0005'
branch_labels = None
depends_on = None

IMAGE_COLUMNS = "image_key, content_hash, width, height, byte_size, original_name"

# Migration 0002's triggers, for items and item_id.
POSTGRESQL_TRIGGERS = [
    """
    CREATE FUNCTION crowdcat_item_full_after_reserve() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        at timestamptz := CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END;
    BEGIN
        UPDATE items AS i SET full_until = h.first_expiry
        FROM (SELECT count(*) AS held, min(expires_at) AS first_expiry FROM reservations
              WHERE item_id = NEW.item_id AND expires_at > at) AS h
        WHERE i.id = NEW.item_id AND i.submission_count + h.held >= i.wanted;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER reservations_fill_item AFTER INSERT OR UPDATE OF expires_at
    ON reservations FOR EACH ROW EXECUTE FUNCTION crowdcat_item_full_after_reserve()
    """,
    """
    CREATE FUNCTION crowdcat_item_room_after_release() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE items SET full_until = 'epoch' WHERE id = OLD.item_id AND full_until > 'epoch';
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER reservations_free_item AFTER DELETE ON reservations
    FOR EACH ROW EXECUTE FUNCTION crowdcat_item_room_after_release()
    """,
    """
    CREATE FUNCTION crowdcat_item_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.full_until := 'epoch';
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER items_clear_full BEFORE UPDATE ON items
    FOR EACH ROW WHEN (NEW.full_until > 'epoch' AND (
        NEW.wanted IS DISTINCT FROM OLD.wanted
        OR NEW.submission_count IS DISTINCT FROM OLD.submission_count
        OR NEW.status IS DISTINCT FROM OLD.status
        OR NEW.access IS DISTINCT FROM OLD.access))
    EXECUTE FUNCTION crowdcat_item_changed()
    """,
]
DROP_OLD_POSTGRESQL = [
    "DROP TRIGGER pages_clear_full ON pages",
    "DROP TRIGGER reservations_free_page ON reservations",
    "DROP TRIGGER reservations_fill_page ON reservations",
    "DROP FUNCTION crowdcat_page_changed()",
    "DROP FUNCTION crowdcat_page_room_after_release()",
    "DROP FUNCTION crowdcat_page_full_after_reserve()",
]

SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER reservations_fill_item AFTER INSERT ON reservations
    BEGIN
        UPDATE items SET full_until = (
            SELECT min(expires_at) FROM reservations
            WHERE item_id = NEW.item_id AND expires_at > NEW.created_at)
        WHERE id = NEW.item_id AND submission_count + (
            SELECT count(*) FROM reservations
            WHERE item_id = NEW.item_id AND expires_at > NEW.created_at) >= wanted;
    END
    """,
    """
    CREATE TRIGGER reservations_free_item AFTER DELETE ON reservations
    BEGIN
        UPDATE items SET full_until = '1970-01-01 00:00:00.000000'
        WHERE id = OLD.item_id AND full_until > '1970-01-01 00:00:00.000000';
    END
    """,
    """
    CREATE TRIGGER items_clear_full AFTER UPDATE OF wanted, submission_count, status, access
    ON items WHEN NEW.full_until > '1970-01-01 00:00:00.000000' AND (
        NEW.wanted IS NOT OLD.wanted OR NEW.submission_count IS NOT OLD.submission_count
        OR NEW.status IS NOT OLD.status OR NEW.access IS NOT OLD.access)
    BEGIN
        UPDATE items SET full_until = '1970-01-01 00:00:00.000000' WHERE id = NEW.id;
    END
    """,
]
DROP_OLD_SQLITE = ["DROP TRIGGER pages_clear_full", "DROP TRIGGER reservations_free_page",
                   "DROP TRIGGER reservations_fill_page"]

# SQLite: the new tables, as the models declare them.
SQLITE_TABLES = {
    "items": """
    CREATE TABLE items (
        id INTEGER NOT NULL,
        project_id INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        reference VARCHAR(500) NOT NULL,
        access VARCHAR(20) NOT NULL,
        status VARCHAR(20) NOT NULL,
        submission_count INTEGER NOT NULL,
        wanted INTEGER NOT NULL,
        prefill JSON NOT NULL,
        created_at DATETIME NOT NULL,
        full_until DATETIME NOT NULL,
        CONSTRAINT pk_items PRIMARY KEY (id),
        CONSTRAINT uq_items_project_id_sequence UNIQUE (project_id, sequence),
        CONSTRAINT ck_items_submission_count_non_negative CHECK (submission_count >= 0),
        CONSTRAINT ck_items_wanted_positive CHECK (wanted >= 1),
        CONSTRAINT fk_items_project_id_projects FOREIGN KEY(project_id)
            REFERENCES projects (id) ON DELETE CASCADE,
        CONSTRAINT ck_items_access CHECK (access IN ('open', 'restricted')),
        CONSTRAINT ck_items_item_status CHECK (status IN ('keying', 'done'))
    )""",
    "reservations": """
    CREATE TABLE reservations__new (
        id INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        project_id INTEGER NOT NULL,
        created_at DATETIME NOT NULL,
        expires_at DATETIME NOT NULL,
        CONSTRAINT pk_reservations PRIMARY KEY (id),
        CONSTRAINT fk_reservations_item_id_items FOREIGN KEY(item_id, project_id)
            REFERENCES items (id, project_id) ON DELETE CASCADE,
        CONSTRAINT uq_reservations_user_id_project_id UNIQUE (user_id, project_id),
        CONSTRAINT fk_reservations_user_id_users FOREIGN KEY(user_id)
            REFERENCES users (id) ON DELETE CASCADE
    )""",
    "submissions": """
    CREATE TABLE submissions__new (
        id INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        project_id INTEGER NOT NULL,
        typed_values JSON,
        skip_reason VARCHAR(20),
        started_at DATETIME,
        submitted_at DATETIME NOT NULL,
        duration_seconds INTEGER,
        CONSTRAINT pk_submissions PRIMARY KEY (id),
        CONSTRAINT fk_submissions_item_id_items FOREIGN KEY(item_id, project_id)
            REFERENCES items (id, project_id) ON DELETE CASCADE,
        CONSTRAINT uq_submissions_item_id_user_id UNIQUE (item_id, user_id),
        CONSTRAINT ck_submissions_values_xor_skip
            CHECK ((typed_values IS NULL) <> (skip_reason IS NULL)),
        CONSTRAINT ck_submissions_duration_non_negative CHECK (duration_seconds >= 0),
        CONSTRAINT fk_submissions_user_id_users FOREIGN KEY(user_id)
            REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT ck_submissions_skip_reason
            CHECK (skip_reason IN ('illegible', 'blank', 'not_catalog', 'other'))
    )""",
    "entries": """
    CREATE TABLE entries__new (
        id INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
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
        CONSTRAINT ck_entries_approved_has_review CHECK (status <> 'approved' OR
            (final_values IS NOT NULL AND reviewer_id IS NOT NULL AND reviewed_at IS NOT NULL)),
        CONSTRAINT uq_entries_item_id UNIQUE (item_id),
        CONSTRAINT ck_entries_entry_status
            CHECK (status IN ('keying', 'review', 'conflict', 'approved', 'rejected')),
        CONSTRAINT fk_entries_reviewer_id_users FOREIGN KEY(reviewer_id) REFERENCES users (id)
    )""",
    "image_texts": """
    CREATE TABLE image_texts (
        id INTEGER NOT NULL,
        image_id INTEGER NOT NULL,
        engine VARCHAR(40) NOT NULL,
        model_version VARCHAR(200) NOT NULL,
        vertical BOOLEAN NOT NULL,
        lines JSON NOT NULL,
        text TEXT NOT NULL,
        error VARCHAR(500),
        seconds FLOAT NOT NULL,
        created_at DATETIME NOT NULL,
        CONSTRAINT pk_image_texts PRIMARY KEY (id),
        CONSTRAINT uq_image_texts_image_id_engine UNIQUE (image_id, engine),
        CONSTRAINT fk_image_texts_image_id_images FOREIGN KEY(image_id)
            REFERENCES images (id) ON DELETE CASCADE
    )""",
}
ITEM_COLUMNS = ("id, project_id, sequence, access, status, submission_count, wanted, prefill, "
                "created_at, full_until")
CHILD_COLUMNS = {
    "reservations": "id, {item}, user_id, project_id, created_at, expires_at",
    "submissions": "id, {item}, user_id, project_id, typed_values, skip_reason, started_at, "
                   "submitted_at, duration_seconds",
    "entries": "id, {item}, project_id, status, reconciled, final_values, final_dates, "
               "final_plain, facts_tag, submission_count, reviewer_id, reviewed_at, created_at, "
               "updated_at, version",
}
SQLITE_INDEXES = {
    "items": [
        "CREATE UNIQUE INDEX uq_items_id_project_id ON items (id, project_id)",
        "CREATE INDEX ix_items_project_reference ON items (project_id, reference)",
        "CREATE INDEX ix_items_free ON items (project_id, submission_count DESC, sequence) "
        "WHERE status = 'keying' AND access = 'open' "
        "AND full_until = '1970-01-01 00:00:00.000000'",
        "CREATE INDEX ix_items_lapsed ON items (project_id, full_until) "
        "WHERE status = 'keying' AND access = 'open' "
        "AND full_until > '1970-01-01 00:00:00.000000'",
    ],
    "reservations": ["CREATE INDEX ix_reservations_item_expires ON reservations "
                     "(item_id, expires_at)"],
    "submissions": ["CREATE INDEX ix_submissions_user_project ON submissions "
                    "(user_id, project_id, submitted_at)"],
    "entries": [
        "CREATE INDEX ix_entries_approved ON entries (project_id, status, reviewed_at)",
        "CREATE INDEX ix_entries_project_status ON entries (project_id, status, updated_at)",
        "CREATE INDEX ix_entries_facts ON entries (project_id, status, facts_tag)",
    ],
}

# PostgreSQL: constraint and index names, old words to new, per table (in this order).
RENAMES = {
    "items": [("pages", "items"), ("page_status", "item_status")],
    "reservations": [("page_id", "item_id"), ("pages", "items"), ("page_expires", "item_expires")],
    "submissions": [("page_id", "item_id"), ("pages", "items")],
    "entries": [("page_id", "item_id"), ("pages", "items")],
    "image_texts": [("page_texts_page_id", "image_texts_image_id"), ("page_texts", "image_texts")],
}
RENAME_NAMES = """
DO $$
DECLARE r record; new_name text;
BEGIN
    FOR r IN SELECT conname AS name FROM pg_constraint WHERE conrelid = '{table}'::regclass LOOP
        new_name := {replaced};
        IF new_name <> r.name THEN
            EXECUTE format('ALTER TABLE {table} RENAME CONSTRAINT %I TO %I', r.name, new_name);
        END IF;
    END LOOP;
    FOR r IN SELECT indexname AS name FROM pg_indexes WHERE tablename = '{table}' LOOP
        new_name := {replaced};
        IF new_name <> r.name THEN
            EXECUTE format('ALTER INDEX %I RENAME TO %I', r.name, new_name);
        END IF;
    END LOOP;
END $$
"""


def _images_table() -> None:
    """The images table, on either database (as models.item.Image declares it)."""
    op.create_table(
        'images',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('image_key', sa.String(length=200), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('byte_size', sa.BigInteger(), nullable=False),
        sa.Column('original_name', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['item_id', 'project_id'], ['items.id', 'items.project_id'],
                                name='fk_images_item_id_items', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_images'),
        sa.UniqueConstraint('project_id', 'content_hash',
                            name='uq_images_project_id_content_hash'),
        sa.UniqueConstraint('item_id', 'position', name='uq_images_item_id_position'),
        sa.CheckConstraint('width > 0 AND height > 0', name='ck_images_size_positive'),
        sa.CheckConstraint('position >= 1', name='ck_images_position_positive'),
    )


def _copy_images(source: str) -> None:
    """One image per page, of the same id, first of its item."""
    op.execute(f"INSERT INTO images (id, item_id, project_id, position, {IMAGE_COLUMNS}, "
               f"created_at) SELECT id, id, project_id, 1, {IMAGE_COLUMNS}, created_at "
               f"FROM {source}")


def _upgrade_postgresql() -> None:
    for statement in DROP_OLD_POSTGRESQL:
        op.execute(statement)
    op.rename_table('pages', 'items')
    op.add_column('items', sa.Column('reference', sa.String(length=500), nullable=False,
                                     server_default=''))
    op.execute("UPDATE items SET reference = original_name")
    op.alter_column('items', 'reference', server_default=None)
    _images_table()
    _copy_images('items')
    op.execute("SELECT setval(pg_get_serial_sequence('images', 'id'), "
               "coalesce((SELECT max(id) FROM images), 0) + 1, false)")
    for column in IMAGE_COLUMNS.split(", "):
        op.drop_column('items', column)
    op.create_index('ix_items_project_reference', 'items', ['project_id', 'reference'])
    for table in ('reservations', 'submissions', 'entries'):
        op.alter_column(table, 'page_id', new_column_name='item_id')
    op.rename_table('page_texts', 'image_texts')
    op.alter_column('image_texts', 'page_id', new_column_name='image_id')
    op.drop_constraint('fk_page_texts_page_id_pages', 'image_texts', type_='foreignkey')
    op.create_foreign_key('fk_image_texts_image_id_images', 'image_texts', 'images',
                          ['image_id'], ['id'], ondelete='CASCADE')
    op.execute("ALTER SEQUENCE pages_id_seq RENAME TO items_id_seq")
    op.execute("ALTER SEQUENCE page_texts_id_seq RENAME TO image_texts_id_seq")
    for table, words in RENAMES.items():
        replaced = "r.name"
        for old, new in words:
            replaced = f"replace({replaced}, '{old}', '{new}')"
        op.execute(RENAME_NAMES.format(table=table, replaced=replaced))
    for statement in POSTGRESQL_TRIGGERS:
        op.execute(statement)


def _upgrade_sqlite() -> None:
    for statement in DROP_OLD_SQLITE:
        op.execute(statement)
    op.execute(SQLITE_TABLES['items'])
    op.execute(f"INSERT INTO items ({ITEM_COLUMNS}, reference) "
               f"SELECT {ITEM_COLUMNS}, original_name FROM pages")
    for statement in SQLITE_INDEXES['items']:  # the parent key of the children's keys first
        op.execute(statement)
    _images_table()
    _copy_images('pages')
    for table, columns in CHILD_COLUMNS.items():
        op.execute(SQLITE_TABLES[table])
        op.execute(f"INSERT INTO {table}__new ({columns.format(item='item_id')}) "
                   f"SELECT {columns.format(item='page_id')} FROM {table}")
        op.execute(f"DROP TABLE {table}")
        op.execute(f"ALTER TABLE {table}__new RENAME TO {table}")
    op.execute(SQLITE_TABLES['image_texts'])
    op.execute("INSERT INTO image_texts (id, image_id, engine, model_version, vertical, lines, "
               "text, error, seconds, created_at) SELECT id, page_id, engine, model_version, "
               "vertical, lines, text, error, seconds, created_at FROM page_texts")
    op.execute("DROP TABLE page_texts")
    op.execute("DROP TABLE pages")
    for table, statements in SQLITE_INDEXES.items():
        for statement in statements if table != 'items' else ():
            op.execute(statement)
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade():
    several = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM (SELECT item_id FROM images GROUP BY item_id "
        "HAVING count(*) > 1) AS s").scalar()
    if several:
        raise RuntimeError(f"{several} items have more than one image; a page holds one: "
                           "downgrade refused, nothing changed")
    raise RuntimeError("Downgrade from items to pages is not provided; restore the backup "
                       "taken before the upgrade")
