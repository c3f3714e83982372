"""signed-out accounts: a reissued invite or the office signs a lost phone out at once

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 03:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signed_out_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.BigInteger(), nullable=False),
    sa.Column('signed_out_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_signed_out_accounts_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_out_accounts')),
    sa.UniqueConstraint('channel', 'external_id', name=op.f('uq_signed_out_accounts_channel'))
    )
    with op.batch_alter_table('signed_out_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_out_accounts_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('signed_out_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_out_accounts_person_id'))
    op.drop_table('signed_out_accounts')
