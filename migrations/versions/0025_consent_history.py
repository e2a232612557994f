"""consent history, breach incidents, the reports consent (issue 16)

Each change of an owner's consent (visibility to investors, each sensitive attribute, programme
and donor reports) and of a user's e-mail consent is kept in consent_records; personal data
breaches and the notices sent about them in breach_incidents and breach_notices. Enterprises
gain share_in_reports (on for every existing profile: aggregate counting continues until the
owner withdraws it).

Revision ID: 0025_consent_history
Revises: 0024_observer_tickets
Create Date: 2026-12-06 03:11:27.914968

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025_consent_history"
down_revision = "0024_observer_tickets"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "breach_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("data_kinds", sa.JSON(), nullable=False),
        sa.Column("occurred_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurred_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("discovered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("how_discovered", sa.Text(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("handling", sa.Text(), nullable=False),
        sa.Column("enterprise_ids", sa.JSON(), nullable=False),
        sa.Column("people_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("agency_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_breach_incidents_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_incidents")),
    )
    op.create_table(
        "breach_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mail_key", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "recipient_kind IN ('person','agency')", name=op.f("ck_breach_notices_recipient_kind")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["breach_incidents.id"],
            name=op.f("fk_breach_notices_incident_id_breach_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["users.id"],
            name=op.f("fk_breach_notices_sent_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_breach_notices_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_notices")),
        sa.UniqueConstraint("mail_key", name=op.f("uq_breach_notices_mail_key")),
    )
    with op.batch_alter_table("breach_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_breach_notices_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=40), nullable=True),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.CheckConstraint(
            "enterprise_id IS NOT NULL OR user_id IS NOT NULL",
            name=op.f("ck_consent_records_about_someone"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_consent_records_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_consent_records_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_consent_records_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_records_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_records_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consent_records_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("share_in_reports", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_column("share_in_reports")

    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_records_user_id"))
        batch_op.drop_index(batch_op.f("ix_consent_records_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_consent_records_created_at"))

    op.drop_table("consent_records")
    with op.batch_alter_table("breach_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_notices_incident_id"))

    op.drop_table("breach_notices")
    op.drop_table("breach_incidents")
