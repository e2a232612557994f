"""accounts: organisation members and invitations, organisation admins, rejected verifications

Members invite colleagues by e-mail (a hashed, expiring token); an organisation admin removes
members. The first member of each existing organisation becomes its admin. An admin may reject
an organisation's verification with a reason.

Revision ID: 0021_organisation_members
Revises: 0020_business_groups
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_organisation_members'
down_revision = '0020_business_groups'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('member','admin')", name=op.f('ck_organisation_invitations_role')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_organisation_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_organisation_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_organisation_invitations_token_hash'))
    )
    with op.batch_alter_table('organisation_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_invitations_organisation_id'), ['organisation_id'], unique=False)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejected_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Whoever registered an organisation (its first user) administers it.
    op.execute(
        "UPDATE users SET organisation_admin = TRUE WHERE id IN"
        " (SELECT MIN(id) FROM users GROUP BY organisation_id)"
    )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('organisation_admin')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('rejection_reason')
        batch_op.drop_column('rejected_at')
    with op.batch_alter_table('organisation_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_invitations_organisation_id'))
    op.drop_table('organisation_invitations')
