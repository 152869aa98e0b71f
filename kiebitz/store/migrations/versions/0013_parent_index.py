"""an index of replies by the comment they answer

Revision ID: 0013
Revises: 0012

Deleting a comment makes the database look for its replies (the foreign key
comments.parent_id, and the purge's own UPDATE of parent_id). No index led
with parent_id, so each deleted comment read the whole table: at a million
comments the retention purge of 300 old spam comments held the write lock
for 11 s, and the first purge after start kept every post waiting for about a
minute. Partial: top-level comments have no parent to find.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_comments_parent", "comments", ["parent_id"],
                    postgresql_where=sa.text("parent_id IS NOT NULL"), sqlite_where=sa.text("parent_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_comments_parent", "comments")
