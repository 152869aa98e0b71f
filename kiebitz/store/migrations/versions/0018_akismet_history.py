"""what the filter asks of an Akismet key's past: link hosts and repeated texts

Revision ID: 0018
Revises: 0017

A site behind the Akismet API had no link flood and no repeat check: of a
check nothing was kept but its fingerprint. Each check now leaves its offsite
link hosts with a keyed hash of its address, and each submit-ham its hosts as
vouched for, for a day and an hour; and a keyed hash of its words for a week.
The retention purge drops older rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "akismet_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=12), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("vouched", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
    )
    op.create_index("ix_akismet_links_host", "akismet_links", ["key", "host", "vouched", "created", "ip_hash"])
    op.create_index("ix_akismet_links_created", "akismet_links", ["created"])
    op.create_table(
        "akismet_texts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=12), nullable=False),
        sa.Column("text_hash", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
    )
    op.create_index("ix_akismet_texts_hash", "akismet_texts", ["key", "text_hash", "created", "fingerprint"])
    op.create_index("ix_akismet_texts_created", "akismet_texts", ["created"])


def downgrade() -> None:
    op.drop_table("akismet_texts")
    op.drop_table("akismet_links")
