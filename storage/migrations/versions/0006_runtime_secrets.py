"""runtime secrets: the webhook's secret token, shared by every worker

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 23:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('runtime_secrets',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=256), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_runtime_secrets'))
    )


def downgrade() -> None:
    op.drop_table('runtime_secrets')
