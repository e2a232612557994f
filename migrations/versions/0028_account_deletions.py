"""account deletions (issue 16: the right to erasure)

A request to delete an account, or an enterprise on its phone-only owner's behalf: blocked at
once, erased by the periodic job 72 hours later unless cancelled (marketplace.privacy.erasure).

Revision ID: 0028_account_deletions
Revises: 0027_monitoring
Create Date: 2026-12-06 04:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028_account_deletions"
down_revision = "0027_monitoring"
branch_labels = None
depends_on = None

OPEN_USER = "cancelled_at IS NULL AND done_at IS NULL AND user_id IS NOT NULL"
OPEN_ENTERPRISE = "cancelled_at IS NULL AND done_at IS NULL AND enterprise_id IS NOT NULL"


def upgrade():
    op.create_table(
        "account_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancel_token_hash", sa.String(length=64), nullable=True),
        sa.Column("was_published", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR enterprise_id IS NOT NULL",
            name=op.f("ck_account_deletions_about_someone"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_account_deletions_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_account_deletions_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_deletions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_deletions")),
        sa.UniqueConstraint(
            "cancel_token_hash", name=op.f("uq_account_deletions_cancel_token_hash")
        ),
    )
    with op.batch_alter_table("account_deletions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_deletions_due_at"), ["due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_account_deletions_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_account_deletions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_account_deletions_open_user",
            ["user_id"],
            unique=True,
            sqlite_where=sa.text(OPEN_USER),
            postgresql_where=sa.text(OPEN_USER),
        )
        batch_op.create_index(
            "uq_account_deletions_open_enterprise",
            ["enterprise_id"],
            unique=True,
            sqlite_where=sa.text(OPEN_ENTERPRISE),
            postgresql_where=sa.text(OPEN_ENTERPRISE),
        )


def downgrade():
    op.drop_table("account_deletions")
