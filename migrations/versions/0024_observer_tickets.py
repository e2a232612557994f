"""payments: observer tickets (issue 11)

- ticket_types.kind: 'investor' (a seat at the tables, verified investors; every existing type)
  or 'observer' (any confirmed account; the paid order is the seat, no event registration).

Revision ID: 0024_observer_tickets
Revises: 0023_edit_versions
Create Date: 2026-12-06 03:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024_observer_tickets"
down_revision = "0023_edit_versions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket_types", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), server_default="investor", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_ticket_types_kind"), "kind IN ('investor','observer')"
        )


def downgrade():
    with op.batch_alter_table("ticket_types", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ticket_types_kind"), type_="check")
        batch_op.drop_column("kind")
