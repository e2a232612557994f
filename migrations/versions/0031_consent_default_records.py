"""the reports consent's default, recorded (outside tester, finding 1)

Counting in programme and donor reports (`share_in_reports`) is on by default, on the basis of
the programme's legitimate interest, and the owner can withdraw it. Until now the default left
no row in consent_records, so a new owner's history and data copy showed nothing. Rows gain
`basis`: NULL for a choice someone made, 'default' for the default applied when the profile was
created. Each existing enterprise whose reports consent is on and has no record of it gets that
row, dated when the enterprise was created, with no actor (nobody chose it). An enterprise whose
consent is off without any record keeps no invented row: how it came to be off is not known.

Revision ID: 0031_consent_default_records
Revises: 0030_monitoring_public_snapshots
Create Date: 2026-12-06 07:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0031_consent_default_records"
down_revision = "0030_monitoring_public_snapshots"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consent_records") as batch_op:
        batch_op.add_column(sa.Column("basis", sa.String(length=40), nullable=True))
    op.execute(
        sa.text(
            "INSERT INTO consent_records"
            " (created_at, enterprise_id, purpose, granted, on_behalf, basis)"
            " SELECT e.created_at, e.id, 'reports', :granted, :on_behalf, 'default'"
            " FROM enterprises e"
            " WHERE e.share_in_reports = :granted AND NOT EXISTS ("
            "   SELECT 1 FROM consent_records c"
            "   WHERE c.enterprise_id = e.id AND c.purpose = 'reports')"
        ).bindparams(granted=True, on_behalf=False)
    )


def downgrade():
    op.execute(sa.text("DELETE FROM consent_records WHERE basis = 'default'"))
    with op.batch_alter_table("consent_records") as batch_op:
        batch_op.drop_column("basis")
