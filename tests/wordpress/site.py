"""A real WordPress for the tests: Debian's package, MariaDB on a throw-away data directory, `php -S` on loopback.

`make test` installs Debian's wordpress, php-cli, php-mysql and mariadb-server
when missing. Nothing here touches the system's own MariaDB or /etc/wordpress:
the database server listens on a socket in a temporary directory only, and the
WordPress tree is a copy with its own wp-config.php.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.conftest import free_port

WORDPRESS = Path("/usr/share/wordpress")
PLUGIN = Path(__file__).parents[2] / "integrations" / "wordpress" / "kiebitz"
ADMIN, PASSWORD = "redaktion", "kiebitz-test-passwort"

# Most test readers come from 127.0.0.1; WordPress would take them for one person posting too fast (15 s apart).
LOOPBACK_READERS = """<?php
add_filter( 'wp_is_comment_flood', '__return_false', 99 );
"""


def _as_root() -> list[str]:
    """MariaDB refuses to run as root unless told to, which CI is."""
    return ["--user=root"] if os.geteuid() == 0 else []


def _wait_for(ready, what: str, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.time() + seconds
    while time.time() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")


class MariaDB:
    """A MariaDB server of its own: a data directory and a socket in a temporary directory, no TCP port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket = directory / "mysqld.sock"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> MariaDB:
        if not shutil.which("mariadbd"):
            raise RuntimeError("MariaDB's server is not installed: `make test` installs Debian's mariadb-server")
        data = self.directory / "data"
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
                        "--skip-test-db", *_as_root()], check=True, capture_output=True)
        self.process = subprocess.Popen(
            ["mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={self.socket}", "--skip-networking",
             f"--pid-file={self.directory / 'mysqld.pid'}", "--innodb-flush-log-at-trx-commit=0", *_as_root()],
            stdout=subprocess.DEVNULL, stderr=open(self.directory / "mysqld.log", "wb"))  # noqa: SIM115 (kept open while it runs)
        _wait_for(lambda: self.socket.exists() and self._pings(), "MariaDB")
        self.sql("CREATE DATABASE wordpress CHARACTER SET utf8mb4")
        return self

    def _pings(self) -> bool:
        return subprocess.run(["mariadb-admin", "--no-defaults", f"--socket={self.socket}", "-uroot", "ping"],
                              capture_output=True).returncode == 0

    def sql(self, statement: str, database: str = "") -> list[list[str]]:
        """Runs one statement as root; the rows of its answer, tab-separated fields split."""
        done = subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "--batch", "--skip-column-names",
                               "-e", statement, database], check=True, capture_output=True, text=True)
        return [line.split("\t") for line in done.stdout.splitlines()]

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(30)


MAIL_END = "--- end of mail ---"


class WordPress:
    """A copy of Debian's WordPress (with its bundled Akismet) and this repository's plugin, served by `php -S`."""

    def __init__(self, directory: Path, database: MariaDB) -> None:
        self.root = directory / "wordpress"
        self.database = database
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mail_log = directory / "mail.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WordPress:
        if not (WORDPRESS / "wp-login.php").exists() or not shutil.which("php"):
            raise RuntimeError("WordPress or PHP is missing: `make test` installs Debian's wordpress, php-cli and php-mysql")
        shutil.copytree(WORDPRESS, self.root, symlinks=True, ignore=shutil.ignore_patterns(".htaccess"))
        (self.root / "wp-config.php").write_text(self._config())
        self.install_plugin()
        mu_plugins = self.root / "wp-content" / "mu-plugins"
        mu_plugins.mkdir()
        (mu_plugins / "loopback-readers.php").write_text(LOOPBACK_READERS)
        env = dict(os.environ, PHP_CLI_SERVER_WORKERS="4")
        sendmail = self.root.parent / "sendmail"  # WordPress's mail, kept in a file instead of sent
        sendmail.write_text(f"#!/bin/sh\ncat >> '{self.mail_log}'\necho '{MAIL_END}' >> '{self.mail_log}'\n")
        sendmail.chmod(0o755)
        self.process = subprocess.Popen(["php", "-d", f"sendmail_path={sendmail}", "-S", f"127.0.0.1:{self.port}",
                                         "-t", str(self.root)], cwd=self.root, env=env,
                                        stdout=subprocess.DEVNULL, stderr=open(self.root.parent / "php.log", "wb"),  # noqa: SIM115
                                        start_new_session=True)  # its workers are stopped with it, as a group
        _wait_for(self._answers, "php -S")
        return self

    def mails(self) -> list[str]:
        """The mails WordPress has sent so far, each as its sendmail got it (headers and body)."""
        if not self.mail_log.exists():
            return []
        return [mail for mail in self.mail_log.read_text(errors="replace").split(MAIL_END + "\n") if mail.strip()]

    def install_plugin(self) -> None:
        """This repository's plugin, its German strings compiled, as the zip would install it."""
        sys.path.insert(0, str(PLUGIN.parent))
        try:
            import build  # integrations/wordpress/build.py
        finally:
            sys.path.remove(str(PLUGIN.parent))
        target = self.root / "wp-content" / "plugins" / "kiebitz"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(PLUGIN, target, ignore=shutil.ignore_patterns("*.po", "*.mo"))
        for mo in build.compile_translations(PLUGIN):
            shutil.move(mo, target / "languages" / mo.name)

    def _answers(self) -> bool:
        try:
            httpx.get(self.url + "/wp-login.php", timeout=2)
            return True
        except httpx.HTTPError:
            return False

    def _config(self) -> str:
        return f"""<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:{self.database.socket}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'WP_HOME', '{self.url}' );
define( 'WP_SITEURL', '{self.url}' );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', '{self.root.parent / "debug.log"}' );
define( 'WP_DEBUG_DISPLAY', false );
$table_prefix = 'wp_';
if ( ! defined( 'ABSPATH' ) ) {{
	define( 'ABSPATH', __DIR__ . '/' );
}}
require_once ABSPATH . 'wp-settings.php';
"""

    def install(self) -> None:
        """WordPress's five-minute install, as a site owner fills it in."""
        answer = httpx.post(self.url + "/wp-admin/install.php?step=2", timeout=60, data={
            "weblog_title": "Lokalzeitung", "user_name": ADMIN, "admin_password": PASSWORD, "admin_password2": PASSWORD,
            "pw_weak": "on", "admin_email": "redaktion@lokalzeitung.example", "blog_public": "0", "language": "",
        })
        if "wp-login.php" not in answer.text:
            raise RuntimeError(f"WordPress did not install: {answer.status_code} {answer.text[:500]}")

    def option(self, name: str) -> str | None:
        rows = self.database.sql(f"SELECT option_value FROM wp_options WHERE option_name = '{name}'", "wordpress")
        return rows[0][0] if rows else None

    def debug_log(self) -> str:
        log = self.root.parent / "debug.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def stop(self) -> None:
        if self.process:
            os.killpg(self.process.pid, signal.SIGTERM)  # PHP_CLI_SERVER_WORKERS outlive a parent stopped alone
            self.process.wait(10)


def start_site() -> tuple[MariaDB, WordPress]:
    directory = Path(tempfile.mkdtemp(prefix="kiebitz-wp-"))
    database = MariaDB(directory).start()
    try:
        site = WordPress(directory, database).start()
        site.install()
    except BaseException:
        database.stop()
        raise
    return database, site
