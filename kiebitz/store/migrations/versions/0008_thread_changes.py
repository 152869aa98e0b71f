"""each thread's last change, kept by triggers; indexes that read one page of a thread

Revision ID: 0008
Revises: 0007

Every write anywhere moved the one change counter, so every process dropped
every rendered thread: at a million comments a hot thread was rendered again
for each post to any other page, and readers timed out. Now the database
itself records which thread a write touched: triggers on comments and threads
stamp the thread's row in ``thread_changes`` with the next sequence number, and
on sites and meta (settings) they stamp row 0, meaning every thread. Triggers
rather than application code, so that no write path (moderation, votes,
imports, retention purges, a hand-run UPDATE) can forget it. The table holds
one row per thread, however many writes there are.

The indexes serve a page of a thread without loading the whole thread
(store/thread_pages.py): top-level comments in order of time or of score, and
the replies below them through ``parent_id``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# the thread a row belongs to, by table; 0 means every thread
THREAD_OF = {"comments": "{row}.thread_id", "threads": "{row}.id", "sites": "0", "meta": "0"}
NEXT = "(SELECT coalesce(max(seq), 0) + 1 FROM thread_changes)"


def upgrade() -> None:
    op.create_table(
        "thread_changes",
        sa.Column("thread_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
    )
    op.create_index("ix_thread_changes_seq", "thread_changes", ["seq"], unique=True)
    op.create_index("ix_comments_thread_created", "comments", ["thread_id", "created"])
    op.create_index("ix_comments_thread_top", "comments", ["thread_id", sa.text("(dislikes - likes)"), "created"])
    op.create_index("ix_comments_thread_parent", "comments", ["thread_id", "parent_id", "status"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    for table, thread in THREAD_OF.items():
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER thread_changed_{table}_{event.lower()} AFTER {event} ON {table} BEGIN "
                f"INSERT INTO thread_changes (thread_id, seq) VALUES ({thread.format(row=row)}, {NEXT}) "
                "ON CONFLICT (thread_id) DO UPDATE SET seq = excluded.seq; END"
            )


def _postgresql_triggers() -> None:
    """Once per statement, over its rows (transition tables): a row trigger updating the same row again and
    again in one transaction (an import, a thread's every comment) makes PostgreSQL walk ever longer chains."""
    for table, thread in THREAD_OF.items():
        for event, rows in POSTGRESQL_ROWS.items():
            changed = " UNION ".join(f"SELECT {thread.format(row=name)} AS thread_id FROM {name}" for name in rows)
            op.execute(
                f"CREATE FUNCTION thread_changed_{table}_{event.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "INSERT INTO thread_changes (thread_id, seq) SELECT thread_id, "
                "(SELECT coalesce(max(seq), 0) FROM thread_changes) + row_number() OVER (ORDER BY thread_id) "
                f"FROM (SELECT DISTINCT thread_id FROM ({changed}) AS touched) AS changed "
                "ON CONFLICT (thread_id) DO UPDATE SET seq = excluded.seq; "
                "RETURN NULL; END $$"
            )
            op.execute(f"CREATE TRIGGER thread_changed_{table}_{event.lower()} AFTER {event} ON {table} "
                       f"REFERENCING {' '.join(TRANSITION[name] for name in rows)} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION thread_changed_{table}_{event.lower()}()")


# the transition tables each event has on PostgreSQL
POSTGRESQL_ROWS = {"INSERT": ("new_rows",), "UPDATE": ("old_rows", "new_rows"), "DELETE": ("old_rows",)}
TRANSITION = {"new_rows": "NEW TABLE AS new_rows", "old_rows": "OLD TABLE AS old_rows"}


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in THREAD_OF:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER thread_changed_{table}_{event}" + (f" ON {table}" if postgresql else ""))
            if postgresql:
                op.execute(f"DROP FUNCTION thread_changed_{table}_{event}()")
    op.drop_index("ix_comments_thread_parent", table_name="comments")
    op.drop_index("ix_comments_thread_top", table_name="comments")
    op.drop_index("ix_comments_thread_created", table_name="comments")
    op.drop_index("ix_thread_changes_seq", table_name="thread_changes")
    op.drop_table("thread_changes")
