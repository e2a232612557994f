"""monitoring public snapshots (issue 15: the public page reads a month-end snapshot)

The public page's counts as they stood at the end of the last complete month, so that a single
change (a grant, a consent withdrawal) cannot be observed on it.

Revision ID: 0030_monitoring_public_snapshots
Revises: 0029_monitoring_data_version
Create Date: 2026-12-06 07:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030_monitoring_public_snapshots"
down_revision = "0029_monitoring_data_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monitoring_public_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("as_of"),
    )


def downgrade():
    op.drop_table("monitoring_public_snapshots")
