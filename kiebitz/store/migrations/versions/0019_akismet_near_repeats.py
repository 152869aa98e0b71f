"""near repeats behind the Akismet API: a keyed MinHash signature of each check's words

Revision ID: 0019
Revises: 0018

Only an exact repeat of a check's words under the same key was found: a spam
run that changes a few words each time passed. Each check now keeps a keyed
MinHash signature of its words beside their hash, and the signature's band keys
to find the checks to compare it with; both go with the hash after a week.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("akismet_texts", sa.Column("signature", sa.LargeBinary(), nullable=True))
    op.create_table(
        "akismet_text_bands",
        sa.Column("text_id", sa.Integer(), sa.ForeignKey("akismet_texts.id"), nullable=False),
        sa.Column("key", sa.String(length=12), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
    )
    op.create_index("ix_akismet_text_bands_band", "akismet_text_bands", ["key", "band", "created", "text_id"])
    op.create_index("ix_akismet_text_bands_created", "akismet_text_bands", ["created"])


def downgrade() -> None:
    op.drop_table("akismet_text_bands")
    with op.batch_alter_table("akismet_texts") as batch:
        batch.drop_column("signature")
