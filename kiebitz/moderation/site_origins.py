"""Which web pages may use the public API from a browser: for the whole instance, and per site.

One instance serves many sites (``?site=``). The ``allowed_origins`` setting
names the origins for all of them ("*": any). A site may name its own origins
in the admin or with ``kiebitz site origins``; then only those pages (and
Kiebitz's own) may post, edit, delete or vote in that site's threads, so
that one newspaper's pages cannot write into another's comments. Reading
stays open: published comments are public anyway.

The lists live in the ``sites`` table. Every process reads them again at most
a second after another one changed them. A browser's write asks them only when
the instance-wide setting does not answer (with the default "*", never); a
post's spam check asks them for the site's own hosts, whose links are no link
spam (``own_hosts``), at most once a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select, update

from kiebitz.config import Settings
from kiebitz.errors import Forbidden, InvalidInput
from kiebitz.moderation import validation
from kiebitz.spam.tokenizer import hostname
from kiebitz.store import schema
from kiebitz.store.comments import Store

REFRESH_SECONDS = 1.0
SITE_ORIGINS_MAX = 50


@dataclass(frozen=True)
class SiteEntry:
    """One site as the admin lists it."""

    name: str
    origins: tuple[str, ...]
    threads: int


def origin_of(url: str) -> str:
    """'https://kommentare.example' of 'https://kommentare.example/pfad': what a browser sends as Origin."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}".lower()


@lru_cache(maxsize=256)
def hosts_of(origins: tuple[str, ...]) -> frozenset[str]:
    """The hosts of these origins, "www." aside; kept, as every post asks for the same few."""
    hosts = (hostname(origin).removeprefix("www.") for origin in origins)
    return frozenset(host for host in hosts if host)


def parse_origins(raw: str | Iterable[str], field: str = "origins") -> tuple[str, ...]:
    """Origins from a form (separated by spaces, commas or lines) or a list, checked, in order, once each."""
    parts = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    origins = tuple(dict.fromkeys(validation.origin(part, field) for part in parts))
    if len(origins) > SITE_ORIGINS_MAX:
        raise InvalidInput(f"{field}: at most {SITE_ORIGINS_MAX} origins per site", field)
    return origins


class SiteOrigins:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.store = store
        self.any_origin = "*" in settings.allowed_origins
        self.instance = frozenset(origin.lower() for origin in settings.allowed_origins if origin != "*")
        self.own = origin_of(settings.public_url)
        self._by_site: dict[str, frozenset[str]] = {}
        self._listed: frozenset[str] = frozenset()
        self._read_at = float("-inf")

    def refresh(self, max_age: float = REFRESH_SECONDS) -> None:
        """Read the sites' lists again, unless this process did less than ``max_age`` seconds ago."""
        if time.monotonic() - self._read_at < max_age:
            return
        with self.store.read() as db:
            rows = db.execute(select(schema.sites.c.name, schema.sites.c.allowed_origins)
                              .where(schema.sites.c.allowed_origins != "")).all()
        self._by_site = {row.name: frozenset(row.allowed_origins.split()) for row in rows}
        self._listed = frozenset().union(*self._by_site.values())
        self._read_at = time.monotonic()

    def known(self, origin: str) -> bool:
        """Whether a page at ``origin`` may call the API at all (the CORS answer)."""
        if self.any_origin or origin in self.instance or origin == self.own:
            return True
        self.refresh()
        return origin in self._listed

    def trusted(self, origin: str) -> bool:
        """Whether the edit cookie counts from ``origin``: named by the instance or by a site, never by "*"."""
        if origin in self.instance or origin == self.own:
            return True
        self.refresh()
        return origin in self._listed

    def own_hosts(self, site: str) -> frozenset[str]:
        """The hosts of the pages ``site`` is on, as named (its own list, else the instance's) and Kiebitz's own:
        the spam filter's link rules do not count links there (CommentDraft.own_hosts)."""
        self.refresh()
        return hosts_of((*self._by_site.get(site, self.instance), self.own))

    def allows_without_reading(self, origin: str) -> bool:
        """Whether ``check_write`` would let ``origin`` write without a look at the database.

        True in the usual case (no site names origins of its own, as read within the last
        second, and the instance allows the page), so that the POST route answers it on
        the event loop instead of sending every embedded widget's write to a thread.
        """
        fresh = time.monotonic() - self._read_at < REFRESH_SECONDS
        return fresh and not self._by_site and (self.any_origin or origin in self.instance or origin == self.own)

    def check_write(self, origin: str | None, own: str, site: str | Callable[[], str | None]) -> None:
        """Refuse a write into ``site``'s threads from a page it does not allow (403 naming ``origin``).

        ``own`` is the address the request came to: Kiebitz's own pages may always write. ``site`` may be
        a function that finds the site, called only when the answer depends on it.
        """
        if origin is None or origin in (own, self.own):
            return
        self.refresh()
        if self._by_site:
            name = site() if callable(site) else site
            listed = self._by_site.get(name or "")
            if listed is not None:
                if origin in listed:
                    return
                raise Forbidden(f"origin: pages at {origin} may not write to site {name!r}; "
                                "its list of allowed origins does not name them", "origin")
        if not (self.any_origin or origin in self.instance):
            raise Forbidden(f"origin: pages at {origin} may not use this server (setting allowed_origins)", "origin")

    def sites(self) -> list[SiteEntry]:
        """Every site with its own origins (none: the instance's setting applies) and its number of threads."""
        sites, threads = schema.sites, schema.threads
        query = (select(sites.c.name, sites.c.allowed_origins, func.count(threads.c.id).label("threads"))
                 .select_from(sites.outerjoin(threads)).group_by(sites.c.id).order_by(sites.c.name))
        with self.store.read() as db:
            return [SiteEntry(row.name, tuple(row.allowed_origins.split()), row.threads) for row in db.execute(query)]

    def change(self, site: str, origins: str | Iterable[str]) -> tuple[str, ...]:
        """Give ``site`` its own origins (created if new); none gives it back to the instance's setting."""
        name, checked = validation.site(site), parse_origins(origins)
        with self.store.write() as db:
            site_id = self.store.ensure_site(db, name)
            db.execute(update(schema.sites).where(schema.sites.c.id == site_id)
                       .values(allowed_origins=" ".join(checked)))
        self._read_at = float("-inf")
        return checked

    def settings_view(self) -> dict[str, Any]:
        """The instance-wide rule, as the admin shows it above the sites."""
        return {"any": self.any_origin, "origins": sorted(self.instance), "own": self.own}
