"""The ``kiebitz`` command: serve, migrate, demo, settings, export, import, backup, gdpr, spam, akismet, user."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from kiebitz.config import Settings, settings_markdown
from kiebitz.errors import KiebitzError
from kiebitz.portability import FOREIGN_FORMATS, Progress, no_progress

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kiebitz.store.comments import Store


def load_settings(config: str | None, **overrides: object) -> Settings:
    try:
        settings = Settings.load(config)
        changes = {name: value for name, value in overrides.items() if value is not None}
        return settings.replace(**changes) if changes else settings
    except KiebitzError as error:
        raise click.ClickException(error.message) from None


config_option = click.option("--config", type=click.Path(dir_okay=False), default=None, help="TOML settings file.")


@click.group()
@click.version_option(package_name="kiebitz")
def main() -> None:
    """Kiebitz: self-hosted comments with a spam filter built in."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes (SQLite is shared safely).")
@config_option
def serve(host: str, port: int, workers: int, config: str | None) -> None:
    """Serve the comment API, widget and feeds."""
    import uvicorn

    from kiebitz.api.connections import server_options
    from kiebitz.logs import log_config

    settings = load_settings(config)  # fail early on a bad file
    if config:
        os.environ["KIEBITZ_CONFIG"] = str(Path(config).resolve())
    # No log_level for uvicorn: it would set the access logger to that level too, and at the default
    # "warning" access_log=true logged nothing. log_config sets every logger's level itself.
    options = {"log_config": log_config(settings.log_format, settings.log_level), "access_log": settings.access_log,
               "proxy_headers": True, "forwarded_allow_ips": settings.trusted_proxies,
               **server_options(settings)}
    if workers > 1:
        from kiebitz.api.workers import run_workers
        from kiebitz.store.engine import migrate_database

        # Once, before the workers: each would wait for the other's migration on the write lock, and one
        # that rebuilds an index of a large site (0014: about 15 s a million comments) could outlast the
        # busy timeout of the second, which would then fail and be restarted.
        migrate_database(settings.database)
        run_workers("kiebitz.asgi:app", host, port, workers, **options)
    else:
        uvicorn.run("kiebitz.asgi:app", host=host, port=port, **options)


@main.command()
@config_option
def migrate(config: str | None) -> None:
    """Create or upgrade the database schema to the newest migration."""
    from kiebitz.store.engine import migrate_database

    settings = load_settings(config)
    migrate_database(settings.database)
    click.echo(f"database {settings.database} is up to date")


@main.command("export")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="-", show_default=True,
              help="File to write; '-' is stdout; a name ending .gz is gzipped.")
@config_option
def export_command(out: str, config: str | None) -> None:
    """Write the whole database as JSON lines: a backup, or the way from SQLite to PostgreSQL."""
    from kiebitz.store.engine import open_engine

    _write_export(open_engine(_existing_database(config)), out)


@main.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@config_option
def backup_command(target: str, config: str | None) -> None:
    """Copy a SQLite database to TARGET while it serves; on PostgreSQL, write an export there."""
    from kiebitz.store.dump import backup_sqlite
    from kiebitz.store.engine import open_engine, sqlite_file

    engine = open_engine(_existing_database(config))
    source = sqlite_file(engine)
    if source is not None:
        pages = backup_sqlite(source, target)
        click.echo(f"copied {source} to {target} ({pages} pages)")
    else:
        _write_export(engine, target)
        click.echo(f"exported the database to {target} (load it with `kiebitz import`)")


def _existing_database(config: str | None) -> str:
    """The database setting; a SQLite file must exist (opening one would create it empty)."""
    database = load_settings(config).database
    if "://" not in database and not Path(database).exists():
        raise click.ClickException(f"no database at {database}")
    return database


def _write_export(engine: Engine, out: str) -> None:
    from kiebitz.store.dump import export_lines

    with _open_text(out, "w") as stream:
        for line in export_lines(engine):
            stream.write(line + "\n")


@main.command("import")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, allow_dash=True))
@click.option("--from", "origin", type=click.Choice(["kiebitz", *FOREIGN_FORMATS]), default=None,
              help="What SOURCE is; told from its first bytes when left out.")
@click.option("--site", default=None, help="Site the imported threads belong to (default: the `site` setting).")
@click.option("--dry-run", is_flag=True, help="Read and check everything, print the summary, write nothing.")
@click.option("--no-learn", is_flag=True, help="Do not teach the spam filter the other system's decisions (approved, spam).")
@config_option
def import_command(
    source: str, origin: str | None, site: str | None, dry_run: bool, no_learn: bool, config: str | None
) -> None:
    """Load a Kiebitz export into a new, empty database, or add comments from WordPress, Disqus, Isso or Remark42.

    SOURCE is a WordPress export (WXR), a Disqus export (XML), an Isso database
    (SQLite) or a Remark42 backup (JSON lines, gzipped or not).
    """
    from kiebitz.portability.formats import detect

    settings = load_settings(config)
    kind = origin or ("kiebitz" if source == "-" else detect(source))
    if kind == "kiebitz":
        if site or dry_run or no_learn:
            raise click.UsageError("--site and --dry-run are for comments from other systems, not a Kiebitz export (so is --no-learn)")
        _import_export(source, settings.database)
    else:
        _import_foreign(source, kind, site or settings.site, settings, dry_run, learn=not (dry_run or no_learn))


def _import_export(source: str, database: str) -> None:
    from kiebitz.store.dump import import_lines
    from kiebitz.store.engine import open_engine

    with _open_text(source, "r") as stream:
        counts = import_lines(open_engine(database), stream)
    tables = ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "the export was empty"
    click.echo(f"imported {sum(counts.values())} rows into {database} ({tables})")


def _import_foreign(source: str, kind: str, site: str, settings: Settings, dry_run: bool, learn: bool) -> None:
    from kiebitz.portability.imports import import_path
    from kiebitz.spam.store import load_model

    store = _store(settings.database)
    model = (lambda: load_model(store, settings.model, settings.language, settings.spam_encoder,
                                settings.spam_keywords)) if learn else None
    with progress_bars(sys.stderr) as progress:
        report = import_path(store, source, kind, site, dry_run, progress, model=model)
    click.echo("\n".join(report.lines() + (["(a dry run: nothing was written)"] if dry_run else [])))


@contextmanager
def progress_bars(terminal: TextIO) -> Iterator[Progress]:
    """A ``Progress`` drawn as one bar per phase on a terminal; silent when the output goes to a file or a pipe."""
    if not terminal.isatty():
        yield no_progress
        return
    drawn: tuple[str, Any] | None = None  # the phase being drawn and its click progress bar

    def show(phase: str, done: int, total: int) -> None:
        nonlocal drawn
        if drawn is None or drawn[0] != phase:
            if drawn is not None:
                drawn[1].render_finish()
            drawn = (phase, click.progressbar(length=total, label=phase.ljust(7), file=terminal))
        bar = drawn[1]
        bar.update(done - bar.pos)

    yield show
    if drawn is not None:
        drawn[1].render_finish()


def _store(database: str) -> Store:
    """The comment store of a migrated database, without the rest of the app (no spam model to load)."""
    from kiebitz.store.comments import Store
    from kiebitz.store.engine import migrate, open_engine

    engine = open_engine(database)
    migrate(engine)
    return Store(engine)


def _open_text(path: str, mode: str):  # type: ignore[no-untyped-def]
    """A UTF-8 text stream: stdin/stdout for '-', gzip for '.gz'; a file written is readable by its owner only."""
    import gzip

    if path == "-":
        return click.open_file("-", mode, encoding="utf-8")
    if mode == "w":
        path = private_file(path)
    if path.endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def private_file(path: str) -> str:
    """Create (or empty) ``path`` readable and writable by its owner only: exports and backups hold
    commenters' e-mail addresses and the key of their IP hashes, whatever the umask says."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT
    return path


@main.command()
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--database", default="kiebitz-demo.db", show_default=True, help="Demo database, made fresh each start.")
def demo(port: int, host: str, database: str) -> None:
    """Serve the demo news site with its comment sections on http://127.0.0.1:8080/."""
    import uvicorn

    from kiebitz.api.connections import server_options
    from kiebitz.demo.site import DEMO_PASSWORD, DEMO_USER, create_demo_app

    for suffix in ("", "-wal", "-shm"):
        Path(database + suffix).unlink(missing_ok=True)
    settings = Settings.load().replace(database=database, public_url=f"http://{host}:{port}")
    click.echo(f"Kiebitz demo on http://{host}:{port}/  (Ctrl+C stops it)")
    click.echo(f"Moderation: http://{host}:{port}/admin/  (name {DEMO_USER}, password {DEMO_PASSWORD})")
    uvicorn.run(create_demo_app(settings), host=host, port=port, log_level="warning", **server_options(settings))


SECRET_SETTINGS = ("secret_key", "smtp_password", "webhook_secret", "metrics_token")  # shown only as "(set)"


@main.command()
@config_option
def doctor(config: str | None) -> None:
    """Check the configuration as support would: database, public URL, origins, mail, clock, disk."""
    from kiebitz.doctor import FAIL, examine

    findings = examine(load_settings(config))
    marks = {"ok": "✓", "warn": "!", "fail": "✗"}
    for finding in findings:
        click.echo(f"{marks[finding.state]} {finding.check}: {finding.message}")
    if any(finding.state == FAIL for finding in findings):
        raise SystemExit(1)


@main.command("settings")
@click.option("--markdown", is_flag=True, help="Print the reference as Markdown (docs/settings.md).")
@config_option
def show_settings(markdown: bool, config: str | None) -> None:
    """Show the resolved settings, or the settings reference."""
    if markdown:
        click.echo(settings_markdown(), nl=False)
        return
    for name, value in load_settings(config).as_dict().items():
        if name in SECRET_SETTINGS and value:
            value = "(set)"
        click.echo(f"{name} = {value!r}")


@main.command("openapi")
@click.option("--markdown", is_flag=True, help="Print the operations as Markdown tables (docs/http-api.md).")
@config_option
def openapi(markdown: bool, config: str | None) -> None:
    """Print the HTTP API's OpenAPI schema (as /openapi.json serves it), or its reference in Markdown."""
    import json

    from kiebitz.api.reference import operations_markdown
    from kiebitz.app import create_app

    schema = create_app(load_settings(config)).openapi()
    click.echo(operations_markdown(schema) if markdown else json.dumps(schema, indent=1), nl=not markdown)


def run() -> None:
    try:
        main()
    except KiebitzError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(2)


def _register_groups() -> None:
    from kiebitz.spam.cli import spam

    main.add_command(spam)


_register_groups()


@click.group("akismet")
def akismet_group() -> None:
    """Keys for the Akismet-compatible API."""


def _akismet(config: str | None):  # type: ignore[no-untyped-def]
    from kiebitz.app import build

    return build(load_settings(config)).akismet


@akismet_group.group("key")
def akismet_key() -> None:
    """Add, list and revoke Akismet API keys."""


@akismet_key.command("add")
@click.option("--site", required=True, help="The site (blog URL) the key is for.")
@config_option
def akismet_key_add(site: str, config: str | None) -> None:
    """Print a new 12-character key."""
    click.echo(_akismet(config).add_key(site))


@akismet_key.command("list")
@config_option
def akismet_key_list(config: str | None) -> None:
    """List keys with their site and state."""
    for row in _akismet(config).keys():
        state = "revoked" if row["revoked"] else "active"
        click.echo(f"{row['key']}  {state:7}  {row['site_url']}")


@akismet_key.command("revoke")
@click.argument("key")
@config_option
def akismet_key_revoke(key: str, config: str | None) -> None:
    """Revoke KEY: its requests are answered 'invalid' from now on."""
    if not _akismet(config).revoke(key):
        raise click.ClickException(f"no such key: {key}")
    click.echo(f"revoked {key}")


main.add_command(akismet_group)


@main.group("lessons")
def lessons_group() -> None:
    """What the filter learned in batches: an Akismet key's reports, an import's decisions."""


def _lessons(config: str | None):  # type: ignore[no-untyped-def]
    from kiebitz.app import build
    from kiebitz.moderation.lessons import LessonBatches

    kiebitz = build(load_settings(config))
    return LessonBatches(kiebitz.store, kiebitz.model)


@lessons_group.command("list")
@config_option
def lessons_list(config: str | None) -> None:
    """One line per batch: its name, lessons in force (spam/ham), reports over a key's limit, source and, for a key
    whose owner decided on held comments, its prior; then the site's prior, where its moderators' decisions on held
    comments have moved it."""
    lessons = _lessons(config)
    for batch in lessons.list():
        own = "" if batch.at_half is None else f"  50 % judged at {100 * batch.at_half:.0f} %"
        click.echo(f"{batch.batch}  spam {batch.spam}  ham {batch.ham}  over limit {batch.reports_over_limit}  "
                   f"{batch.source}: {batch.label}{own}")
    at_half = lessons.prior_at_half()
    if at_half is not None:
        click.echo(f"site prior: a comment the filter alone puts at 50 % is judged at {100 * at_half:.0f} %")


@lessons_group.command("take-back")
@click.argument("batch")
@config_option
def lessons_take_back(batch: str, config: str | None) -> None:
    """Take back every lesson of BATCH (as `kiebitz lessons list` names it)."""
    click.echo(f"took back {_lessons(config).take_back(batch)} lessons of {batch}")


@main.group("user")
def user_group() -> None:
    """Admin and moderator accounts."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "moderator"]), default="moderator", show_default=True)
@config_option
def user_add(name: str, role: str, config: str | None) -> None:
    """Add an account; the password is read from stdin when piped, else asked for."""
    from kiebitz.app import build

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = build(load_settings(config)).users.add(name, role, password)
    except KiebitzError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"added {user.role} {user.name}")


@main.group("site")
def site_group() -> None:
    """The sites one instance serves, and the pages allowed to write to each."""


def _site_origins(config: str | None):  # type: ignore[no-untyped-def]
    from kiebitz.moderation.site_origins import SiteOrigins

    settings = load_settings(config)
    return SiteOrigins(settings, _store(settings.database))


@site_group.command("list")
@config_option
def site_list(config: str | None) -> None:
    """Each site, its number of threads and its own origins (none: the allowed_origins setting applies)."""
    for site in _site_origins(config).sites():
        click.echo(f"{site.name}  {site.threads} threads  {' '.join(site.origins) or '(allowed_origins)'}")


@site_group.command("origins")
@click.argument("site")
@click.argument("origins", nargs=-1)
@config_option
def site_origins(site: str, origins: tuple[str, ...], config: str | None) -> None:
    """Let only pages at ORIGINS (e.g. https://zeitung.example) write to SITE; none gives it back to the setting."""
    try:
        kept = _site_origins(config).change(site, origins)
    except KiebitzError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{site}: {' '.join(kept) or 'allowed_origins applies'}")


@main.group("gdpr")
def gdpr_group() -> None:
    """A commenter's data, by e-mail address: export it or erase it when they ask."""


def _personal_data(config: str | None):  # type: ignore[no-untyped-def]
    from kiebitz.moderation.personal_data import PersonalData

    return PersonalData(_store(load_settings(config).database))


@gdpr_group.command("export")
@click.argument("email")
@config_option
def gdpr_export(email: str, config: str | None) -> None:
    """Print everything stored under EMAIL as JSON (comments, subscriptions)."""
    import json

    click.echo(json.dumps(_personal_data(config).export(email), ensure_ascii=False, indent=2))


@gdpr_group.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@config_option
def gdpr_erase(email: str, yes: bool, config: str | None) -> None:
    """Empty every comment under EMAIL (text, name, website, IP data) and drop its subscriptions."""
    if not yes:
        click.confirm(f"Erase every comment and subscription of {email}? This cannot be undone", abort=True)
    comments, subscriptions = _personal_data(config).erase(email, actor="gdpr erase (CLI)")
    click.echo(f"erased {comments} comment{'' if comments == 1 else 's'} and {subscriptions} reply "
               f"subscription{'' if subscriptions == 1 else 's'} of {email}")


if __name__ == "__main__":
    run()
