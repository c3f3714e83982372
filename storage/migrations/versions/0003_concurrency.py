"""sec: versions on logs and evaluations, outbox progress per part, nobody supervises themselves

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('growth_logs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), server_default='0', nullable=False))
    op.execute("DELETE FROM supervisions WHERE student_id = supervisor_id")
    with op.batch_alter_table('supervisions', schema=None) as batch_op:
        batch_op.create_check_constraint('not_self', 'student_id <> supervisor_id')


def downgrade() -> None:
    with op.batch_alter_table('supervisions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_supervisions_not_self'), type_='check')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('parts_sent')
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('growth_logs', schema=None) as batch_op:
        batch_op.drop_column('version')
