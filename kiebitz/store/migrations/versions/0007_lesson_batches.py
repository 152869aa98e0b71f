"""lessons taught together carry their batch (an Akismet key, an import); reports over a key's limit are counted

Revision ID: 0007
Revises: 0006

A few hundred submit-spam reports through one key could teach the one model
that judges every site to discard plain German comments. A key's lessons now
count only for its own checks, and an admin takes back a key's or an
import's lessons in one action, which needs to know which lessons those are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("spam_examples") as table:
        table.add_column(sa.Column("batch", sa.String(length=100), nullable=True))
    op.create_index("ix_spam_examples_batch_created", "spam_examples", ["batch", "created"])
    # Lessons taught through Akismet before: they stay in the shared model (no key was kept with them).
    with op.batch_alter_table("akismet_usage") as table:
        table.add_column(sa.Column("reports_over_limit", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("akismet_usage") as table:
        table.drop_column("reports_over_limit")
    op.drop_index("ix_spam_examples_batch_created", table_name="spam_examples")
    with op.batch_alter_table("spam_examples") as table:
        table.drop_column("batch")
