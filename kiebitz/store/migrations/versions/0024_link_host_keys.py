"""the last week's comments found by the hosts they link to

Revision ID: 0024
Revises: 0023

The link flood counted the addresses that linked to a host within the hour by
reading every comment of the hour with LIKE: on a busy site a post with a link
read tens of thousands of texts. Each comment now keeps a key of each host it
links to beside its band keys (fingerprint.comment_keys), found in the keys'
index; the week those keys are read for gets its keys anew (migrations/week_bands.py).
"""

from alembic import op

from kiebitz.store.migrations.week_bands import make_week_bands_anew

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_week_bands_anew(op.get_bind())


def downgrade() -> None:
    """Nothing: a host's keys beside the band keys are asked by no earlier version."""
