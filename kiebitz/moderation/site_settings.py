"""The settings a moderator may change in the admin, kept in the database.

They override the file and environment at every start and take effect at
once in this process; other processes of the same site pick them up when they
restart.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert

from kiebitz.config import BY_NAME, Settings
from kiebitz.errors import ConfigError, InvalidInput
from kiebitz.spam.filter import SpamFilter, Thresholds
from kiebitz.store import schema
from kiebitz.store.comments import Store

EDITABLE = ("moderation", "link_limit", "close_after_days", "edit_window", "require_name", "require_email",
            "privacy_notice", "privacy_url")
META_KEY = "settings_overrides"
MODES = ("none", "all", "first")


class SiteSettings:
    def __init__(self, settings: Settings, store: Store, spam_filter: SpamFilter) -> None:
        self.settings = settings
        self.store = store
        self.spam_filter = spam_filter

    def load(self) -> None:
        stored = self.store.get_meta(META_KEY)
        if stored:
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
                values[name] = BY_NAME[name].parse(raw if raw is not None else default)
            except ConfigError:
                raise InvalidInput(f"{name} must be a {type(default).__name__}", name) from None
            if isinstance(default, int) and values[name] < 0:
                raise InvalidInput(f"{name} must not be negative", name)
        if values["moderation"] not in MODES:
            raise InvalidInput(f"moderation must be one of {', '.join(MODES)}", "moderation")
        with self.store.write() as db:
            db.execute(delete(schema.meta).where(schema.meta.c.key == META_KEY))
            db.execute(insert(schema.meta).values(key=META_KEY, value=json.dumps(values)))
        self._apply(values)

    def _apply(self, values: dict[str, Any]) -> None:
        self.settings.update({name: value for name, value in values.items() if name in EDITABLE})
        old = self.spam_filter.thresholds
        self.spam_filter.thresholds = Thresholds(old.unsure, old.spam, old.discard, self.settings.link_limit,
                                                 old.min_submit_seconds, old.duplicate_window)

    def current(self) -> dict[str, Any]:
        return {name: getattr(self.settings, name) for name in EDITABLE}
