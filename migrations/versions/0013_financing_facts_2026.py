"""profiles: the facts the 2026 financing rules read

Young-business support for KUR super-mikro (taking part in mentoring or training, business group
membership, a family member with a business), credit history (earlier commercial productive
credit, a current government programme credit in SIKP) and a cooperative's RAT held and SHU
positive for LPDB. All default to false for existing profiles. Halal and food-safety permits
(including the new SLHS kind) are legal documents and need no column.

Revision ID: 0013_financing_facts_2026
Revises: 0012_search_texts
Create Date: 2026-12-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_financing_facts_2026'
down_revision = '0012_search_texts'
branch_labels = None
depends_on = None

COLUMNS = (
    'in_training',
    'in_business_group',
    'family_member_business',
    'prior_commercial_credit',
    'current_programme_credit',
    'koperasi_rat_held',
    'koperasi_shu_positive',
)


def upgrade():
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
            )


def downgrade():
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
