"""``kiebitz doctor``: a running configuration checked the way a support person would check it.

Each check says what it found and, when something is wrong, what to do, in
the configured language. A check fails where Kiebitz cannot work as set up
(the database unreachable, mail refused), warns where it works but not as a
site owner would want (every origin allowed, little disk for the WAL).
"""

from __future__ import annotations

import shutil
import smtplib
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from kiebitz.config import Settings
from kiebitz.notify.mail import smtp_session
from kiebitz.store.engine import alembic_config, open_engine

OK, WARN, FAIL = "ok", "warn", "fail"
MIN_FREE_BYTES = 1 << 30  # a checkpoint needs room for the WAL beside the database; 1 GiB or twice the file


@dataclass(frozen=True)
class Finding:
    check: str
    state: str
    message: str


WORDS = {
    "en": {
        "database": "database", "migrated": "reachable, schema at {revision}",
        "behind": "schema at {current}, newest is {head}: run `kiebitz migrate`",
        "unreachable": "cannot open {database}: {error} (setting `database`)",
        "public_url": "public URL", "answers": "{url} answers",
        "unset": "`public_url` is not set: links in mails and feeds point nowhere; set it to the address readers use",
        "silent": "{url}/healthz does not answer ({error}): is the server running, and the proxy passing it on?",
        "origins": "allowed origins", "any_origin": "'*': any web page may post comments into your site; name your "
        "site's origins in `allowed_origins` (or per site in the admin)", "named": "{origins}",
        "smtp": "mail", "no_smtp": "no `smtp_host`: moderators get no mail and readers no reply notifications",
        "smtp_ok": "{host}:{port} accepted the connection{login}", "with_login": " and the login",
        "smtp_failed": "{host}:{port}: {error} (settings `smtp_host`, `smtp_port`, `smtp_security`, `smtp_user`, "
        "`smtp_password`)",
        "clock": "clock", "synced": "synchronised (NTP)", "not_synced": "not synchronised: form tokens and edit "
        "windows count seconds; enable NTP (`timedatectl set-ntp true`)", "unknown_clock": "cannot tell (no timedatectl)",
        "disk": "disk", "free": "{free} free beside the database ({size})",
        "low": "only {free} free beside the database ({size}): a checkpoint needs room for the WAL",
        "postgres_disk": "PostgreSQL keeps its own files: check its server",
        "missing": "no such file (`kiebitz migrate` makes it; or the setting names the wrong place)",
    },
    "de": {
        "database": "Datenbank", "migrated": "erreichbar, Schema auf {revision}",
        "behind": "Schema auf {current}, neuestes ist {head}: `kiebitz migrate` ausführen",
        "unreachable": "{database} lässt sich nicht öffnen: {error} (Einstellung `database`)",
        "public_url": "Öffentliche Adresse", "answers": "{url} antwortet",
        "unset": "`public_url` ist nicht gesetzt: Links in Mails und Feeds führen ins Leere; die Adresse eintragen, "
        "unter der Leser Kiebitz erreichen",
        "silent": "{url}/healthz antwortet nicht ({error}): Läuft der Server, reicht der Proxy die Anfrage weiter?",
        "origins": "Erlaubte Herkünfte", "any_origin": "'*': jede Webseite darf Kommentare in Ihre Seite schreiben; "
        "die eigenen Herkünfte in `allowed_origins` (oder je Seite im Admin) nennen", "named": "{origins}",
        "smtp": "Mail", "no_smtp": "kein `smtp_host`: Moderatoren bekommen keine Mail, Leser keine Antwort-Benachrichtigung",
        "smtp_ok": "{host}:{port} hat die Verbindung{login} angenommen", "with_login": " und die Anmeldung",
        "smtp_failed": "{host}:{port}: {error} (Einstellungen `smtp_host`, `smtp_port`, `smtp_security`, `smtp_user`, "
        "`smtp_password`)",
        "clock": "Uhr", "synced": "synchronisiert (NTP)", "not_synced": "nicht synchronisiert: Formular-Token und "
        "Bearbeitungsfristen zählen Sekunden; NTP einschalten (`timedatectl set-ntp true`)",
        "unknown_clock": "nicht feststellbar (kein timedatectl)",
        "disk": "Speicherplatz", "free": "{free} frei neben der Datenbank ({size})",
        "low": "nur {free} frei neben der Datenbank ({size}): ein Checkpoint braucht Platz für das WAL",
        "postgres_disk": "PostgreSQL verwaltet seine Dateien selbst: auf seinem Server prüfen",
        "missing": "keine solche Datei (`kiebitz migrate` legt sie an; oder die Einstellung nennt den falschen Ort)",
    },
}


def examine(settings: Settings) -> list[Finding]:
    words = WORDS.get(settings.language, WORDS["en"])
    return [check_database(settings, words), check_public_url(settings, words), check_origins(settings, words),
            check_mail(settings, words), check_clock(words), check_disk(settings, words)]


def sqlite_path(settings: Settings) -> Path | None:
    if "://" in settings.database and not settings.database.startswith("sqlite"):
        return None
    return Path(settings.database.removeprefix("sqlite:///"))


def check_database(settings: Settings, words: dict[str, str]) -> Finding:
    path = sqlite_path(settings)
    if path is not None and not path.is_file():  # opening it would make an empty one
        return Finding(words["database"], FAIL, words["unreachable"].format(database=path, error=words["missing"]))
    try:
        engine = open_engine(settings.database)
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - whatever the driver says is what the owner needs to read
        return Finding(words["database"], FAIL, words["unreachable"].format(database=settings.database, error=error))
    if current != head:
        return Finding(words["database"], FAIL, words["behind"].format(current=current or "—", head=head))
    return Finding(words["database"], OK, words["migrated"].format(revision=head))


def check_public_url(settings: Settings, words: dict[str, str]) -> Finding:
    url = settings.public_url.rstrip("/")
    if not url:
        return Finding(words["public_url"], WARN, words["unset"])
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as answer:
            answer.read()
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Finding(words["public_url"], FAIL, words["silent"].format(url=url, error=error))
    return Finding(words["public_url"], OK, words["answers"].format(url=url))


def check_origins(settings: Settings, words: dict[str, str]) -> Finding:
    origins = list(settings.allowed_origins)
    if not origins or "*" in origins:
        return Finding(words["origins"], WARN, words["any_origin"])
    return Finding(words["origins"], OK, words["named"].format(origins=", ".join(origins)))


def check_mail(settings: Settings, words: dict[str, str]) -> Finding:
    if not settings.smtp_host:
        return Finding(words["smtp"], WARN, words["no_smtp"])
    where = {"host": settings.smtp_host, "port": settings.smtp_port}
    try:
        with smtp_session(settings, timeout=15) as client:
            client.ehlo()
    except (OSError, smtplib.SMTPException) as error:
        return Finding(words["smtp"], FAIL, words["smtp_failed"].format(error=error, **where))
    return Finding(words["smtp"], OK, words["smtp_ok"].format(login=words["with_login"] if settings.smtp_user else "",
                                                               **where))


def check_clock(words: dict[str, str]) -> Finding:
    try:
        shown = subprocess.run(["timedatectl", "show", "--property=NTPSynchronized", "--value"], capture_output=True,
                               text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return Finding(words["clock"], WARN, words["unknown_clock"])
    if shown.returncode != 0:
        return Finding(words["clock"], WARN, words["unknown_clock"])
    synced = shown.stdout.strip() == "yes"
    return Finding(words["clock"], OK if synced else WARN, words["synced" if synced else "not_synced"])


def check_disk(settings: Settings, words: dict[str, str]) -> Finding:
    path = sqlite_path(settings)
    if path is None:
        return Finding(words["disk"], OK, words["postgres_disk"])
    if not path.is_file():
        return Finding(words["disk"], FAIL, words["unreachable"].format(database=path, error=words["missing"]))
    size = path.stat().st_size
    free = shutil.disk_usage(path.resolve().parent).free
    shown = {"free": _bytes(free), "size": _bytes(size)}
    if free < max(MIN_FREE_BYTES, 2 * size):
        return Finding(words["disk"], WARN, words["low"].format(**shown))
    return Finding(words["disk"], OK, words["free"].format(**shown))


def _bytes(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    value, unit = count / 1024, "KiB"
    for bigger in ("MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"
