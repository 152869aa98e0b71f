"""A real PostgreSQL server for the tests: Debian's binaries, a throw-away cluster, Unix socket only.

`make test` installs Debian's postgresql package when it is missing. The cluster
lives in a temporary directory and listens on no TCP port; as root (CI), the
server runs as ``nobody``, since PostgreSQL refuses to run as root. Each test
gets its own database, copied from a template that is migrated once.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from kiebitz.store.engine import database_url, migrate, open_engine

USER = "kiebitz"
TEMPLATE = "kiebitz_template"


def binaries() -> Path:
    """The newest installed server's bin directory (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: `make test` installs Debian's postgresql package")
    return Path(found[-1]).parent


class PostgresServer:
    def __init__(self, durable: bool = False, kept_in: Path | None = None) -> None:
        """``durable``: fsync as a production server does (benchmarks); tests need not survive a crash.
        ``kept_in``: the cluster lives in this directory and outlives ``stop`` (a benchmark's generated site)."""
        self.durable = durable
        self.bin = binaries()
        self.kept = kept_in is not None
        if kept_in is not None:
            kept_in.mkdir(parents=True, exist_ok=True)
        self.directory = kept_in or Path(tempfile.mkdtemp(prefix="kiebitz-pg-"))
        self.data = self.directory / "data"
        self.port = 5432 + os.getpid() % 1000  # only names the socket file
        self.numbers = itertools.count(1)
        self.as_server_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "nobody")
            self.as_server_user = ["runuser", "-u", "nobody", "--"]

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@/{database}?host={self.directory}&port={self.port}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_server_user, *command], check=True, capture_output=True, cwd=self.directory)

    def start(self) -> PostgresServer:
        created = not (self.data / "PG_VERSION").exists()
        if created:
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8")
        options = f"-k {self.directory} -p {self.port} -c listen_addresses='' -c max_connections=500"
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "start", "-w", "-D", str(self.data), "-l", str(self.directory / "log"), "-o", options)
        try:
            if created:
                self._admin(f"CREATE DATABASE {TEMPLATE}")
            template = open_engine(self.url(TEMPLATE))
            migrate(template)
            template.dispose()
        except BaseException:
            self.stop()  # a server nobody will stop otherwise
            raise
        return self

    def _admin(self, statement: str) -> None:
        engine = create_engine(database_url(self.url("postgres")), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def new_database(self, migrated: bool = True) -> str:
        """A fresh database, migrated or empty; its URL as the `database` setting takes it."""
        name = f"test_{next(self.numbers)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE if migrated else 'template0'}")
        return self.url(name)

    def create_database(self, name: str, template: str = TEMPLATE) -> str:
        """The database ``name`` as a new copy of ``template`` (whatever had that name is dropped); its URL.

        A copy needs the template to itself: connections left on it (a Kiebitz that filled it listens for
        changes until its process ends) are ended first. The copy is written through the shared buffers,
        which it leaves dirty: a CHECKPOINT writes them out, or the first queries on the copy would
        (bench/scale.py's first search on a million comments wrote 5,881 of them back and took 228 ms
        instead of 97 ms), as the SQLite copy is synced before measuring."""
        self._admin(f"DROP DATABASE IF EXISTS {name}")
        self._admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{template}'")
        self._admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        self._admin("CHECKPOINT")
        return self.url(name)

    def stop(self) -> None:
        if self.kept:
            self._run(str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast")
            return
        try:
            self._run(str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
