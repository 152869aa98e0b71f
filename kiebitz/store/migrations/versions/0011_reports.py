"""readers' reports of comments and authors' objections (the EU Digital Services Act's notices)

Revision ID: 0011
Revises: 0010

A comment section is a hosting service under the DSA: readers must be able to
report a comment (Art. 16), the author of a removed comment may object
(Art. 20). Each notice and objection is one row; a moderator's decision stamps
every open row of the comment with what was decided, by whom and when, which
is what a transparency report counts (store/reports.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("comment_id", sa.Integer(), sa.ForeignKey("comments.id"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("reporter_name", sa.String(length=200), nullable=False),
        sa.Column("reporter_email", sa.String(length=320), nullable=False),
        sa.Column("good_faith", sa.Boolean(), nullable=False),
        sa.Column("reporter", sa.String(length=64), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("decided", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.UniqueConstraint("comment_id", "kind", "reporter", name="uq_reports_comment_kind_reporter"),
    )
    op.create_index("ix_reports_open", "reports", ["decided", "created"])
    op.create_index("ix_reports_reporter_created", "reports", ["reporter", "created"])
    op.create_index("ix_reports_comment", "reports", ["comment_id"])


def downgrade() -> None:
    op.drop_table("reports")
