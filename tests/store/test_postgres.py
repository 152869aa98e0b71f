"""What only PostgreSQL can show: its migrated schema, and posts from many threads sharing commits.

The public API, the admin, the Akismet API and the learning filter run on
PostgreSQL as well: their test modules use the ``database_backend`` fixture.
"""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, select

from kiebitz.app import build
from kiebitz.config import Settings
from kiebitz.errors import KiebitzError
from kiebitz.moderation.comments import Client
from kiebitz.store import schema
from kiebitz.store.engine import alembic_config, migrate, open_engine
from kiebitz.store.schema import metadata
from tests.postgres import PostgresServer


def test_a_database_url_with_escapes_reaches_alembic_unchanged():
    engine = create_engine("postgresql+psycopg://kiebitz:p%40ss%25word@/kiebitz?host=%2Frun%2Fpostgresql")
    assert alembic_config(engine).get_main_option("sqlalchemy.url") == engine.url.render_as_string(hide_password=False)


def test_migrations_match_the_schema_on_postgresql(postgres_server: PostgresServer):
    engine = open_engine(postgres_server.new_database())
    migrate(engine)  # the template is migrated already: a no-op
    with engine.connect() as connection:
        assert connection.dialect.name == "postgresql"
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    engine.dispose()


def test_posts_from_many_threads_share_commits_on_postgresql(postgres_server: PostgresServer):
    kiebitz = build(Settings({"database": postgres_server.new_database(), "min_submit_seconds": 0,
                              "flood_seconds": 0, "rate_limit_per_hour": 10_000}))
    token = kiebitz.signer.form_token("default", "/artikel/pg")
    posted: list[int] = []
    refused: list[KiebitzError] = []  # a near repeat may be refused as spam: an answer, not a failure
    failures: list[BaseException] = []

    def post(reader: int) -> None:
        for number in range(10):
            payload = {"author": f"Leser {reader}", "email": f"leser{reader}@example.org", "form_token": token,
                       "text": f"Beitrag {number} von Leser {reader}: Brücke, Markt und Hafen im Blick."}
            try:
                posted.append(kiebitz.comments.post("default", "/artikel/pg", payload,
                                                    Client(f"198.51.100.{reader}", "test", "", "")).comment.id)
            except KiebitzError as error:
                (failures if error.status >= 500 else refused).append(error)
            except Exception as error:
                failures.append(error)

    readers = [threading.Thread(target=post, args=(reader,)) for reader in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert failures == []
    assert len(set(posted)) == len(posted) == 60 - len(refused) >= 50
    assert kiebitz.store.group_commit.batches < len(posted)  # waiting posts went in together
    with kiebitz.store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(schema.comments)).scalar() == len(posted)
