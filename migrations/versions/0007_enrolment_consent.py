"""profiles: enrolments need the owner's consent before they give a facilitator any rights

Existing enrolments: a profile the programme's own facilitator created for a phone-only owner
(enterprises.created_by_id is a member of the programme's organisation) is marked on_behalf
and accepted, as it was made with the owner in person; every other enrolment becomes a pending
invitation the owner must accept (nothing in the old data shows that they ever agreed), and is
counted as already delivered (notified_at) only when the organisation is verified, so that
verification releases the rest. Withdrawn enrolments stay withdrawn.

Revision ID: 0007_enrolment_consent
Revises: 0006_deck_page_text
Create Date: 2026-12-05 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_enrolment_consent'
down_revision = '0006_deck_page_text'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent', sa.String(length=10), nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('on_behalf', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('consent_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_enrolments_consent_by_id_users'), 'users', ['consent_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_enrolments_withdrawn_by_id_users'), 'users', ['withdrawn_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_enrolments_consent'), "consent IN ('pending','accepted','declined','left')")

    # Profiles made on behalf by the programme's own organisation: accepted, as before.
    op.execute(
        """
        UPDATE enrolments SET consent = 'accepted', on_behalf = true, consent_at = created_at
        WHERE EXISTS (
            SELECT 1 FROM enterprises e
            JOIN users u ON u.id = e.created_by_id
            JOIN cohorts c ON c.id = enrolments.cohort_id
            JOIN programmes p ON p.id = c.programme_id
            WHERE e.id = enrolments.enterprise_id
              AND u.role = 'facilitator'
              AND u.organisation_id = p.organisation_id
        )
        """
    )
    # The rest wait for the owner. Verified organisations' invitations count as delivered
    # (owners see them in the app); unverified ones are held until an admin verifies.
    op.execute(
        """
        UPDATE enrolments SET notified_at = created_at
        WHERE consent = 'pending' AND EXISTS (
            SELECT 1 FROM cohorts c
            JOIN programmes p ON p.id = c.programme_id
            JOIN organisations o ON o.id = p.organisation_id
            WHERE c.id = enrolments.cohort_id AND o.verified_at IS NOT NULL
        )
        """
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.alter_column('consent', server_default=None)
        batch_op.alter_column('on_behalf', server_default=None)


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_enrolments_consent'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_enrolments_withdrawn_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_enrolments_consent_by_id_users'), type_='foreignkey')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('consent_by_id')
        batch_op.drop_column('consent_at')
        batch_op.drop_column('notified_at')
        batch_op.drop_column('on_behalf')
        batch_op.drop_column('consent')
