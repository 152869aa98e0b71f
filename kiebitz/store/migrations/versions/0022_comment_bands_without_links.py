"""the last week's comment band keys, taken of the words without links

Revision ID: 0022
Revises: 0021

The repeat rule compares comments with their links left out, but their band
keys, which find the comments it compares with, were taken of the whole text:
the same words under a new link each time, a spam run's way, shared a band
key in 58 % of the pairs. fingerprint.band_keys now takes the words without
links (fingerprint.keyed_text), and the week the rule compares with gets its
keys anew (migrations/week_bands.py).
"""

from alembic import op

from kiebitz.store.migrations.week_bands import make_week_bands_anew

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_week_bands_anew(op.get_bind())


def downgrade() -> None:
    """Nothing: within a week the keys taken of whole texts are no longer asked anyway."""
