"""search (PostgreSQL): raw texts in a side table; search_documents keeps only what a search reads

search_documents held each profile's raw texts and analyzed term columns next to the filter
columns and the tsvector, so a broad query at 100k read four times the pages it needed and
the small facet arrays were pushed out to TOAST. The raw texts move to search_texts, the term
columns go (the upsert builds the tsvector), and the table is rewritten. Nothing to do on
SQLite (Whoosh) or when migration 0003 already created the new layout.

Downgrade: the old layout, empty; run `flask search reindex` afterwards.

Revision ID: 0012_search_texts
Revises: 0011_pending_jobs
Create Date: 2026-12-06 00:20:00

"""
from alembic import op
import sqlalchemy as sa

from marketplace.matching.search import postgres as search_pg


# revision identifiers, used by Alembic.
revision = '0012_search_texts'
down_revision = '0011_pending_jobs'
branch_labels = None
depends_on = None

_OLD_TEXT_COLUMNS = (
    "name", "products", "description", "deck_text", "name_terms", "products_terms", "body_terms"
)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    columns = {c["name"] for c in sa.inspect(bind).get_columns("search_documents")}
    if "name_terms" not in columns:
        return  # 0003 ran with the new layout
    # The tsvector keeps its values as a plain column; then the side table is created and
    # filled, the text columns dropped and the table rewritten without them.
    op.execute("ALTER TABLE search_documents ALTER COLUMN search_vector DROP EXPRESSION")
    op.execute("ALTER TABLE search_documents ALTER COLUMN search_vector SET NOT NULL")
    op.execute("ALTER TABLE search_documents RESET (toast_tuple_target)")
    search_pg.create_pg_schema(bind)
    op.execute(
        "INSERT INTO search_texts (id, name, products, description, deck_text) "
        "SELECT id, name, products, description, deck_text FROM search_documents"
    )
    op.execute(
        "ALTER TABLE search_documents "
        + ", ".join(f"DROP COLUMN {column}" for column in _OLD_TEXT_COLUMNS)
    )
    op.execute("CLUSTER search_documents USING search_documents_pkey")
    op.execute("ANALYZE search_documents")
    op.execute("ANALYZE search_texts")


_OLD_TABLE = """
    CREATE TABLE search_documents (
        id bigint PRIMARY KEY,
        name text NOT NULL,
        products text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        deck_text text NOT NULL DEFAULT '',
        sector text,
        province_code text,
        regency_code text,
        size_class text,
        stage text,
        instruments text[] NOT NULL DEFAULT '{}',
        ask_amount bigint,
        documents text[] NOT NULL DEFAULT '{}',
        impact_themes text[] NOT NULL DEFAULT '{}',
        programme_ids bigint[] NOT NULL DEFAULT '{}',
        cohort_ids bigint[] NOT NULL DEFAULT '{}',
        published_at timestamptz NOT NULL,
        name_terms text NOT NULL DEFAULT '',
        products_terms text NOT NULL DEFAULT '',
        body_terms text NOT NULL DEFAULT '',
        search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, name_terms), 'A')
            || setweight(to_tsvector('simple'::regconfig, products_terms), 'B')
            || setweight(to_tsvector('simple'::regconfig, body_terms), 'C')
        ) STORED
    ) WITH (toast_tuple_target = 1024)
"""


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    search_pg.drop_pg_schema(bind)
    op.execute(_OLD_TABLE)
    for column in ("products", "description", "deck_text", "name_terms", "products_terms",
                   "body_terms"):
        op.execute(f"ALTER TABLE search_documents ALTER COLUMN {column} SET STORAGE EXTERNAL")
    op.execute("ALTER TABLE search_documents ALTER COLUMN search_vector SET STORAGE MAIN")
    for name, using in (
        ("search_vector", "gin (search_vector)"),
        ("published_at", "btree (published_at)"),
        ("ask_amount", "btree (ask_amount)"),
        ("sector", "btree (sector)"),
        ("province_code", "btree (province_code)"),
        ("documents", "gin (documents)"),
        ("instruments", "gin (instruments)"),
    ):
        op.execute(f"CREATE INDEX ix_search_documents_{name} ON search_documents USING {using}")
