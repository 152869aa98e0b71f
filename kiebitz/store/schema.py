"""The tables, as SQLAlchemy Core metadata; migrations create the same shape.

Times are stored as UNIX seconds (float) so that SQLite and PostgreSQL agree
without time-zone conversions; statuses as their names.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("title", String(200), nullable=False, default=""),
    Column("allowed_origins", Text, nullable=False, default=""),
    Column("created", Float, nullable=False),
)

threads = Table(
    "threads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("uri", String(1000), nullable=False),
    Column("title", String(500), nullable=False, default=""),
    Column("closed", Boolean, nullable=False, default=False),
    Column("created", Float, nullable=False),
    Column("published", Integer, nullable=False, server_default="0"),  # kept by triggers (migration 0009)
    UniqueConstraint("site_id", "uri", name="uq_threads_site_uri"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("thread_id", Integer, ForeignKey("threads.id"), nullable=False),
    Column("parent_id", Integer, ForeignKey("comments.id"), nullable=True),
    Column("depth", Integer, nullable=False, default=0),
    Column("author", String(200), nullable=False, default=""),
    Column("email", String(320), nullable=False, default=""),
    Column("website", String(1000), nullable=False, default=""),
    Column("text", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=True),
    Column("likes", Integer, nullable=False, default=0),
    Column("dislikes", Integer, nullable=False, default=0),
    Column("ip_hash", String(64), nullable=False, default=""),
    Column("ip_network", String(64), nullable=False, default=""),
    Column("verdict", String(20), nullable=False, default=""),
    Column("score", Float, nullable=False, default=0.0),
    Column("reasons", Text, nullable=False, default="[]"),
    Column("signals", Text, nullable=False, default="{}"),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("staff", Boolean, nullable=False, default=False),
    Index("ix_comments_thread_status", "thread_id", "status"),
    Index("ix_comments_status_created", "status", "created"),
    Index("ix_comments_status_score", "status", "score"),  # a queue least spam-like first (0021)
    Index("ix_comments_ip_hash_created", "ip_hash", "created"),
    Index("ix_comments_email_status", "email", "status"),
    Index("ix_comments_created", "created"),
    Index("ix_comments_thread_created", "thread_id", "created"),
    Index("ix_comments_thread_top", "thread_id", text("(dislikes - likes)"), "created"),  # sort "top", best first
    Index("ix_comments_thread_parent", "thread_id", "parent_id", "status"),  # top-level comments, replies
    # each thread's pinned comments (migration 0012); "pinned = 1" is how SQLite's queries say it
    Index("ix_comments_thread_pinned", "thread_id", postgresql_where=text("pinned"), sqlite_where=text("pinned = 1")),
    Index("ix_comments_created_with_ip", "created", postgresql_where=text("ip_hash <> ''"),
          sqlite_where=text("ip_hash <> ''")),  # the retention purge's comments still holding an address (0017)
    # replies by the comment they answer (migration 0013): a deleted comment's foreign key check finds them
    Index("ix_comments_parent", "parent_id", postgresql_where=text("parent_id IS NOT NULL"),
          sqlite_where=text("parent_id IS NOT NULL")),
)

# Comments per status, kept by triggers (migration 0009): the admin's queue sizes and /metrics read it.
comment_totals = Table(
    "comment_totals",
    metadata,
    Column("status", String(20), primary_key=True),
    Column("count", Integer, nullable=False),
)

# Each thread's last change, stamped by triggers (migration 0008); thread 0 stands for every thread.
thread_changes = Table(
    "thread_changes",
    metadata,
    Column("thread_id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Index("ix_thread_changes_seq", "seq", unique=True),
)

comment_bands = Table(
    "comment_bands",
    metadata,
    Column("band", String(20), nullable=False),
    Column("comment_id", Integer, ForeignKey("comments.id"), nullable=False),
    Column("created", Float, nullable=False),
    Index("ix_comment_bands_band_created", "band", "created"),
    Index("ix_comment_bands_comment", "comment_id"),
)

votes = Table(
    "votes",
    metadata,
    Column("comment_id", Integer, ForeignKey("comments.id"), primary_key=True),
    Column("voter", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("comment_id", Integer, ForeignKey("comments.id"), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", Float, nullable=False),
    Column("from_status", String(20), nullable=True),
    Column("to_status", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Index("ix_audit_comment", "comment_id"),
    Index("ix_audit_at", "at"),  # the statistics' last 30 days (0017)
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

spam_model = Table(
    "spam_model",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("state", LargeBinary, nullable=False),
    Column("updated", Float, nullable=False),
)

spam_examples = Table(
    "spam_examples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("is_spam", Boolean, nullable=False),
    Column("weight", Float, nullable=False, default=1.0),
    Column("features", Text, nullable=False),
    Column("source", String(50), nullable=False),
    Column("ref", String(100), nullable=False, default=""),
    Column("created", Float, nullable=False),
    # Lessons taught together, to be seen and taken back together: "akismet:KEY" (these count only
    # for that key's own checks, spam.store) or "import:FORMAT:TIME"; NULL for a moderator's decision.
    Column("batch", String(100), nullable=True),
    Index("ix_spam_examples_ref", "ref"),
    Index("ix_spam_examples_batch_created", "batch", "created"),
)

block_rules = Table(
    "block_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("value", String(1000), nullable=False),
    Column("action", String(20), nullable=False, default="spam"),
    Column("created", Float, nullable=False),
    UniqueConstraint("kind", "value", name="uq_block_rules_kind_value"),
)

akismet_keys = Table(
    "akismet_keys",
    metadata,
    Column("key", String(12), primary_key=True),
    Column("site_url", String(1000), nullable=False),
    Column("created", Float, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

akismet_checks = Table(
    "akismet_checks",
    metadata,
    Column("guid", String(36), primary_key=True),
    Column("key", String(12), nullable=False),
    Column("month", String(7), nullable=False),
    Column("site_url", String(1000), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("result", String(10), nullable=False),
    Column("created", Float, nullable=False),
    Index("ix_akismet_checks_fp", "key", "fingerprint"),
)

# What the filter asks of an Akismet key's past (moderation/akismet_history.py). The link hosts of its checks, for
# the link flood, kept for a day and an hour: a check's hosts with a keyed hash of its address, and a submit-ham's
# hosts as vouched for by the key's moderators, with the report's fingerprint so that a later submit-spam takes it back.
akismet_links = Table(
    "akismet_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(12), nullable=False),
    Column("host", String(253), nullable=False),
    Column("ip_hash", String(64), nullable=False),  # '' for a vouch
    Column("vouched", Boolean, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("created", Float, nullable=False),
    Index("ix_akismet_links_host", "key", "host", "vouched", "created", "ip_hash"),  # covers the flood's counts
    Index("ix_akismet_links_created", "created"),
)

# A keyed hash of each check's words (links left out), for exact repeats by other commenters, and a keyed
# MinHash signature of them (fingerprint.MinHash under the secret; none in rows from before 0019), for near repeats,
# kept for a week; the signature's band keys find the checks to compare it with.
akismet_texts = Table(
    "akismet_texts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(12), nullable=False),
    Column("text_hash", String(40), nullable=False),
    Column("fingerprint", String(64), nullable=False),  # the check's: a recheck of the same comment is no repeat
    Column("created", Float, nullable=False),
    Column("signature", LargeBinary, nullable=True),
    Index("ix_akismet_texts_hash", "key", "text_hash", "created", "fingerprint"),
    Index("ix_akismet_texts_created", "created"),
)

akismet_text_bands = Table(
    "akismet_text_bands",
    metadata,
    Column("text_id", Integer, ForeignKey("akismet_texts.id"), nullable=False),
    Column("key", String(12), nullable=False),
    Column("band", String(20), nullable=False),
    Column("created", Float, nullable=False),
    Index("ix_akismet_text_bands_band", "key", "band", "created", "text_id"),
    Index("ix_akismet_text_bands_created", "created"),
)

# The counting columns of akismet_usage: what /1.2/key-sites reports and /metrics totals.
# reports_over_limit: submit-spam/ham a key sent beyond its hourly lessons (counted, not learned).
AKISMET_USAGE_COUNTERS = ("api_calls", "spam", "ham", "missed_spam", "false_positives", "reports_over_limit")

akismet_usage = Table(
    "akismet_usage",
    metadata,
    Column("key", String(12), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("site_url", String(1000), primary_key=True),
    Column("api_calls", Integer, nullable=False, default=0),
    Column("spam", Integer, nullable=False, default=0),
    Column("ham", Integer, nullable=False, default=0),
    Column("missed_spam", Integer, nullable=False, default=0),
    Column("false_positives", Integer, nullable=False, default=0),
    Column("reports_over_limit", Integer, nullable=False, default=0),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("created", Float, nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=False, default=0.0),
)

admin_sessions = Table(
    "admin_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("expires", Float, nullable=False),
)

used_links = Table(
    "used_links",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("used", Float, nullable=False),
)

daily_counts = Table(
    "daily_counts",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("count", Integer, nullable=False, default=0),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("comment_id", Integer, ForeignKey("comments.id"), nullable=False),
    Column("email", String(320), nullable=False),
    Column("confirmed", Boolean, nullable=False, default=False),
    Column("created", Float, nullable=False),
    Index("ix_subscriptions_comment", "comment_id"),
)

# Readers' notices about comments (DSA Art. 16) and authors' objections to a decision (Art. 20), one
# row each; a decision stamps every open row of its comment. store/reports.py reads and writes them.
reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("comment_id", Integer, ForeignKey("comments.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # notice or objection
    Column("reason", String(20), nullable=False),  # spam, insult, illegal, other; objection
    Column("category", String(40), nullable=False, default=""),  # the kind of illegal content
    Column("explanation", Text, nullable=False, default=""),
    Column("reporter_name", String(200), nullable=False, default=""),
    Column("reporter_email", String(320), nullable=False, default=""),
    Column("good_faith", Boolean, nullable=False, default=False),
    Column("reporter", String(64), nullable=False),  # keyed hash of the reader's address; "author" for an objection
    Column("created", Float, nullable=False),
    Column("decided", Float, nullable=True),
    Column("decision", String(20), nullable=False, default=""),  # removed, kept; restored, upheld
    Column("decided_by", String(200), nullable=False, default=""),
    UniqueConstraint("comment_id", "kind", "reporter", name="uq_reports_comment_kind_reporter"),
    Index("ix_reports_open", "decided", "created"),
    Index("ix_reports_reporter_created", "reporter", "created"),
    Index("ix_reports_comment", "comment_id"),
)
