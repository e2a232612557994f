"""pitches: deck_pages.text, each page's own text, so search indexes only the public pages

Revision ID: 0006_deck_page_text
Revises: 0005_match_cards
Create Date: 2026-11-26 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_deck_page_text'
down_revision = '0005_match_cards'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deck_pages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=True))
    # Only a one-page deck's text can be given to its page: a longer deck's stored text does
    # not say which page said what (empty pages were dropped), so its pages stay NULL and
    # search leaves that deck's text out until the deck is uploaded again.
    op.execute(
        "UPDATE deck_pages SET text = (SELECT v.text FROM deck_versions v "
        "WHERE v.id = deck_pages.version_id) "
        "WHERE deck_pages.\"index\" = 0 AND deck_pages.version_id IN "
        "(SELECT id FROM deck_versions WHERE page_count = 1)"
    )


def downgrade():
    with op.batch_alter_table('deck_pages', schema=None) as batch_op:
        batch_op.drop_column('text')
