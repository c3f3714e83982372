"""reminders: session end times, reminder rows in the outbox, quiet hours and mutes, the rehearsal clock

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True))
    # Sessions scheduled before end times existed are taken to last two hours (the program file's default).
    op.execute("UPDATE training_sessions SET ends_at = strftime('%Y-%m-%d %H:%M:%f000', starts_at, '+2 hours')"
               if sqlite else "UPDATE training_sessions SET ends_at = starts_at + interval '2 hours'")
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.alter_column('ends_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_training_sessions_ends_at'), ['ends_at'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('occasion', sa.String(length=64), nullable=True))
        batch_op.alter_column('text', existing_type=sa.Text(), server_default='')
        batch_op.alter_column('buttons', existing_type=sa.JSON(), server_default=sa.text("'[]'"))
        batch_op.alter_column('status', existing_type=sa.String(length=16), server_default='pending')
        batch_op.alter_column('attempts', existing_type=sa.Integer(), server_default='0')
        batch_op.drop_index('ix_outbox_due')
        batch_op.create_index('ix_outbox_due', ['status', 'priority', 'due_at'], unique=False)
        batch_op.create_index('ix_outbox_occasion', ['kind', 'occasion'], unique=False)

    # What the reminder sweeps need to stay set-based at scale (bench/reminder_sweeps.py measures them).
    with op.batch_alter_table('growth_logs', schema=None) as batch_op:
        batch_op.create_index('ix_growth_logs_session', ['session_id', 'student_id'], unique=False)
        batch_op.create_index('ix_growth_logs_counted', ['student_id', 'status', 'activity_date', 'kind', 'session_id'],
                              unique=False)
        batch_op.create_index('ix_growth_logs_last', ['student_id', 'submitted_at'], unique=False)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_school_id'), ['school_id'], unique=False)

    op.create_table('reminder_preferences',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=False),
    sa.Column('quiet_end', sa.Time(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_reminder_preferences_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_reminder_preferences'))
    )
    op.create_table('muted_reminders',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_muted_reminders_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'category', name=op.f('pk_muted_reminders'))
    )
    op.create_table('program_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('offset_seconds', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_program_clock'))
    )


def downgrade() -> None:
    op.drop_table('program_clock')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_school_id'))
    with op.batch_alter_table('growth_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_growth_logs_last')
        batch_op.drop_index('ix_growth_logs_counted')
        batch_op.drop_index('ix_growth_logs_session')
    op.drop_table('muted_reminders')
    op.drop_table('reminder_preferences')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_occasion')
        batch_op.drop_index('ix_outbox_due')
        batch_op.create_index('ix_outbox_due', ['status', 'due_at'], unique=False)
        batch_op.drop_column('occasion')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('priority')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_sessions_ends_at'))
        batch_op.drop_column('ends_at')
