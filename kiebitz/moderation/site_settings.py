"""The settings a moderator may change in the admin, kept in the database.

They override the file and environment at every start and take effect at
once in the process that stored them. The other processes (workers, instances)
look again before rendering a thread, which happens after every write, and at
most a second apart before judging a comment (``refresh``).
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import delete, insert

from kiebitz.config import BY_NAME, Settings
from kiebitz.errors import ConfigError, InvalidInput
from kiebitz.spam.filter import SpamFilter, Thresholds
from kiebitz.store import schema
from kiebitz.store.comments import Store

EDITABLE = ("moderation", "link_limit", "report_hold_threshold", "close_after_days", "edit_window", "require_name", "require_email",
            "privacy_notice", "privacy_url")
META_KEY = "settings_overrides"


REFRESH_SECONDS = 1.0


class SiteSettings:
    def __init__(self, settings: Settings, store: Store, spam_filter: SpamFilter) -> None:
        self.settings = settings
        self.store = store
        self.spam_filter = spam_filter
        self._stored: str | None = None
        self._read_at = float("-inf")

    def load(self) -> None:
        """At start: the stored values win over the file and the environment."""
        self._stored = None
        self.refresh(0.0)

    def refresh(self, max_age: float = REFRESH_SECONDS) -> None:
        """Take up what another process stored, unless this one looked less than ``max_age`` seconds ago."""
        if time.monotonic() - self._read_at < max_age:
            return
        self._read_at = time.monotonic()
        stored = self.store.get_meta(META_KEY)
        if stored and stored != self._stored:
            self._stored = stored
            self._apply(json.loads(stored))

    def change(self, form: dict[str, Any]) -> None:
        """Validate and keep the editable settings from the admin form; unchecked boxes are false."""
        values: dict[str, Any] = {}
        for name in EDITABLE:
            default = BY_NAME[name].default
            raw = form.get(name)
            if isinstance(default, bool):
                values[name] = raw in ("on", "true", "1", True)
                continue
            try:
                values[name] = BY_NAME[name].parse(raw if raw is not None else default, label=name)
            except ConfigError as error:  # names the field and its rule
                raise InvalidInput(error.message, name) from None
        stored = json.dumps(values)
        with self.store.write() as db:
            db.execute(delete(schema.meta).where(schema.meta.c.key == META_KEY))
            db.execute(insert(schema.meta).values(key=META_KEY, value=stored))
        self._stored = stored
        self._apply(values)

    def _apply(self, values: dict[str, Any]) -> None:
        self.settings.update({name: value for name, value in values.items() if name in EDITABLE})
        old = self.spam_filter.thresholds
        self.spam_filter.thresholds = Thresholds(old.unsure, old.spam, old.discard, self.settings.link_limit,
                                                 old.min_submit_seconds, old.duplicate_window)

    def current(self) -> dict[str, Any]:
        return {name: getattr(self.settings, name) for name in EDITABLE}
