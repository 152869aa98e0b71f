"""MinHash band keys per comment, so near repeats are found without scanning

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comment_bands",
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("comment_id", sa.Integer(), sa.ForeignKey("comments.id"), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
    )
    op.create_index("ix_comment_bands_band_created", "comment_bands", ["band", "created"])
    op.create_index("ix_comment_bands_comment", "comment_bands", ["comment_id"])


def downgrade() -> None:
    op.drop_table("comment_bands")
