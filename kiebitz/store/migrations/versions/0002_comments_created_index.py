"""index comments by creation time, for the duplicate check's recent texts

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_comments_created", "comments", ["created"])


def downgrade() -> None:
    op.drop_index("ix_comments_created", table_name="comments")
