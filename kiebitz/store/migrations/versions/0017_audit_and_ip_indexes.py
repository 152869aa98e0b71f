"""indexes for the admin's statistics and the retention purge's addresses

Revision ID: 0017
Revises: 0016

The statistics page counts the last 30 days of the audit log, which gets a
row for every comment the filter judges: without an index on its time it
read the whole log, a million rows at a million comments. The retention
purge asked every comment older than the address window whether it still
held an address, each hour again; a partial index holds only the comments
that still do, so that after the first purge it finds the few new ones.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_at", "audit_log", ["at"])
    op.create_index("ix_comments_created_with_ip", "comments", ["created"],
                    postgresql_where=sa.text("ip_hash <> ''"), sqlite_where=sa.text("ip_hash <> ''"))


def downgrade() -> None:
    op.drop_index("ix_comments_created_with_ip", "comments")
    op.drop_index("ix_audit_at", "audit_log")
