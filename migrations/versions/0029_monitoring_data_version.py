"""monitoring data version (issue 15: the dashboard's speed)

One row whose token every commit that writes to a table the programme reports read replaces
(marketplace.monitoring.cache): a report kept in memory is reused only while its token holds.

Revision ID: 0029_monitoring_data_version
Revises: 0028_account_deletions
Create Date: 2026-12-06 06:30:00

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029_monitoring_data_version"
down_revision = "0028_account_deletions"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "monitoring_data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_data_version")),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex}])


def downgrade():
    op.drop_table("monitoring_data_version")
