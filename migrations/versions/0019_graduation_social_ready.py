"""profiles and matching: graduation from social assistance, social-investment readiness

An enterprise records from which social-assistance programme (PKH, BPNT, PENA, other) the
household graduated and when; a graduation date needs its programme. A match card records whether
the enterprise meets the social-investment checklist on consented data. Existing rows: no
graduation recorded, not social-ready (the next reindex recomputes the cards).

Revision ID: 0019_graduation_social_ready
Revises: 0018_introduction_requests
Create Date: 2026-12-06 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_graduation_social_ready'
down_revision = '0018_introduction_requests'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('graduated_from', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('graduated_on', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_enterprises_graduation_has_programme'),
            'graduated_on IS NULL OR graduated_from IS NOT NULL'
        )
    with op.batch_alter_table('match_cards', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('social_ready', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('match_cards', schema=None) as batch_op:
        batch_op.drop_column('social_ready')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_enterprises_graduation_has_programme'), type_='check')
        batch_op.drop_column('graduated_on')
        batch_op.drop_column('graduated_from')
