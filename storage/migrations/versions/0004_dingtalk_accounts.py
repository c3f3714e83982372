"""a person may have one account per channel; DingTalk identities; buttons shown on text-only channels

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 23:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('channel_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_users')),
    sa.UniqueConstraint('channel', 'key', name=op.f('uq_channel_users_channel'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint('uq_accounts_person_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_accounts_person_id'), ['person_id', 'channel'])
    with op.batch_alter_table('conversation_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversation_states', schema=None) as batch_op:
        batch_op.drop_column('shown')
    op.execute("DELETE FROM accounts WHERE channel <> 'telegram'")
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_accounts_person_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_accounts_person_id'), ['person_id'])
        batch_op.drop_column('last_seen_at')
    op.drop_table('channel_users')
