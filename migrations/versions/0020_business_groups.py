"""programmes: business groups with member enterprises, and priority kabupaten/kota

A programme's facilitators register groups (KUBE, Mekaar groups, cooperatives, centres) with
member enterprises, and keep the programme's list of priority kabupaten/kota.

Revision ID: 0020_business_groups
Revises: 0019_graduation_social_ready
Create Date: 2026-12-06 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_business_groups'
down_revision = '0019_graduation_social_ready'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'business_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('regency_code', sa.String(length=5), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('kube','kelompok_mekaar','koperasi','sentra')",
            name=op.f('ck_business_groups_kind'),
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'],
            name=op.f('fk_business_groups_created_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['programme_id'], ['programmes.id'],
            name=op.f('fk_business_groups_programme_id_programmes'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_business_groups')),
    )
    with op.batch_alter_table('business_groups', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_business_groups_programme_id'), ['programme_id'], unique=False
        )
    op.create_table(
        'group_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('joined_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ['enterprise_id'], ['enterprises.id'],
            name=op.f('fk_group_members_enterprise_id_enterprises'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['group_id'], ['business_groups.id'],
            name=op.f('fk_group_members_group_id_business_groups'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_members')),
        sa.UniqueConstraint(
            'group_id', 'enterprise_id', name=op.f('uq_group_members_group_id_enterprise_id')
        ),
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_group_members_enterprise_id'), ['enterprise_id'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_group_members_group_id'), ['group_id'], unique=False)
    op.create_table(
        'priority_areas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('regency_code', sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(
            ['programme_id'], ['programmes.id'],
            name=op.f('fk_priority_areas_programme_id_programmes'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_priority_areas')),
        sa.UniqueConstraint(
            'programme_id', 'regency_code', name=op.f('uq_priority_areas_programme_id_regency_code')
        ),
    )
    with op.batch_alter_table('priority_areas', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_priority_areas_programme_id'), ['programme_id'], unique=False
        )


def downgrade():
    op.drop_table('priority_areas')
    op.drop_table('group_members')
    op.drop_table('business_groups')
