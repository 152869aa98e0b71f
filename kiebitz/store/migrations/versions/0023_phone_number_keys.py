"""the last week's comments found by their phone numbers too

Revision ID: 0023
Revises: 0022

A spam run changes its words and keeps the phone number it is paid to spread.
Each comment now keeps a key of each phone number it gives beside its band keys
(fingerprint.comment_keys), so that the next comment with the number finds the
earlier ones (spam.filter, repeated_number); the week that rule reads gets its
keys anew (migrations/week_bands.py).
"""

from alembic import op

from kiebitz.store.migrations.week_bands import make_week_bands_anew

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_week_bands_anew(op.get_bind())


def downgrade() -> None:
    """Nothing: a number's keys beside the band keys are asked by no earlier version."""
