"""a check-in's employees can be "not reported" (issue 15)

A new month's check-in saved with the employee boxes empty stored 0 women and 0 men (the columns
were NOT NULL), so the jobs indicators counted 0 jobs for that enterprise. The columns become
nullable: NULL is "not reported", and the indicators read the latest month that reported
employees. Existing rows keep their figures as they are (a 0 stored before cannot be told from a
real 0). The check constraint is unchanged: a NULL passes it.

Downgrade: a month with a figure not reported gets 0 there again, as before this revision.

Revision ID: 0032_employees_not_reported
Revises: 0031_consent_default_records
Create Date: 2026-12-06 09:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032_employees_not_reported"
down_revision = "0031_consent_default_records"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("monitoring_check_ins") as batch_op:
        batch_op.alter_column("employees_women", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("employees_men", existing_type=sa.Integer(), nullable=True)


def downgrade():
    for column in ("employees_women", "employees_men"):
        op.execute(
            sa.text(f"UPDATE monitoring_check_ins SET {column} = 0 WHERE {column} IS NULL")
        )
    with op.batch_alter_table("monitoring_check_ins") as batch_op:
        batch_op.alter_column("employees_women", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("employees_men", existing_type=sa.Integer(), nullable=False)
