"""the last week's comment band keys, from the new MinHash permutations

Revision ID: 0020
Revises: 0019

fingerprint.band_keys now draws its permutations as multiply-add-shift hashes:
with the (a·h + b) mod p before, unrelated comments shared a band key three
times as often, and 97.5 % of the pairs 80 % alike did instead of 99.9 %
(bench/near_repeats.py). The week the repeat rule compares with gets its keys
anew (migrations/week_bands.py); a later change of what band_keys gives brings
its own migration, as this one.
"""

from alembic import op

from kiebitz.store.migrations.week_bands import make_week_bands_anew

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_week_bands_anew(op.get_bind())


def downgrade() -> None:
    """Nothing: the old permutations are gone from the code, and a week later no old key is asked anyway."""
