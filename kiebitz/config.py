"""One settings schema: every setting has a name, a default and a help text.

Values come from the defaults, then a TOML file (``--config``), then ``KIEBITZ_*``
environment variables, each overriding the one before. ``docs/settings.md`` is
generated from this schema and a test keeps the two in step.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiebitz.errors import ConfigError, InvalidInput
from kiebitz.moderation import validation


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    maximum: float | None = None  # numbers are never negative; some also have a ceiling

    @property
    def env(self) -> str:
        return "KIEBITZ_" + self.name.upper()

    def parse(self, raw: Any, label: str | None = None) -> Any:
        """Turn a file, environment or form value into the default's type within its rules, or say why not.

        ``label`` names the value in the error (the environment variable unless given).
        """
        value = self._converted(raw, label or self.env)
        problem = self._problem(value)
        if problem:
            raise ConfigError(f"{label or self.env}: {raw!r} {problem}")
        return value

    def _problem(self, value: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value) or value < 0:
                return "must be a number of 0 or more"
            if self.maximum is not None and value > self.maximum:
                return f"must be at most {self.maximum:g}"
        if self.choices and value not in self.choices:
            return f"must be one of {', '.join(self.choices)}"
        return ""

    def _converted(self, raw: Any, label: str) -> Any:
        kind = type(self.default)
        try:
            if kind is bool:
                if isinstance(raw, bool):
                    return raw
                text = str(raw).strip().lower()
                if text in {"1", "true", "yes", "on"}:
                    return True
                if text in {"0", "false", "no", "off", ""}:
                    return False
                raise ValueError(raw)
            if kind is int:
                return int(raw)
            if kind is float:
                return float(raw)
            if kind is list:
                if isinstance(raw, list):
                    return [str(item) for item in raw]
                return [part.strip() for part in str(raw).split(",") if part.strip()]
            return str(raw)
        except ValueError:
            raise ConfigError(f"{label}: {raw!r} is not a valid {kind.__name__}") from None


SCHEMA: tuple[Setting, ...] = (
    Setting("database", "./kiebitz.db", "SQLite file path, or a postgresql:// URL."),
    Setting("secret_key", "", "Key for signed tokens and IP hashes; generated and kept in the database on first run if empty."),
    Setting("public_url", "http://127.0.0.1:8080", "Address readers reach this server at; used in feeds, mails and the embed script."),
    Setting("allowed_origins", ["*"], "Origins (like https://zeitung.example: no path, no trailing slash) allowed to call the "
            "public API from a browser (CORS); comma separated, '*' for any. A site may name its own in the admin (Sites) or "
            "with `kiebitz site origins`: then only those may write to it. A commenter's edit cookie (editing after a "
            "reload) counts only from the origins named here or by a site, and public_url's."),
    Setting("trusted_proxies", ["127.0.0.1"], "Reverse proxies whose X-Forwarded-For names the reader's address "
            "(comma separated, '*' for any); rate limits and IP hashes use that address."),
    Setting("edit_window", 900, "Seconds during which a commenter may edit or delete their own comment."),
    Setting("min_submit_seconds", 3.0, "A comment posted sooner than this after its form token was issued is refused."),
    Setting("require_name", True, "Whether a comment needs an author name."),
    Setting("require_email", True, "Whether a comment needs an e-mail address (never published)."),
    Setting("max_depth", 5, "Deepest reply nesting; 0 is a top-level comment."),
    Setting("language", "de", "Interface language of the widget and mails: de or en.", choices=("de", "en")),
    Setting("site", "default", "Name of the site this instance serves when a request names none."),
    Setting("link_limit", 2, "A comment with more links than this is held for moderation."),
    Setting("spam_threshold", 0.9, "Model probability at or above which a comment goes to the spam queue.", maximum=1),
    Setting("unsure_threshold", 0.5, "Model probability at or above which a comment is held for moderation.", maximum=1),
    Setting("discard_threshold", 0.995, "Model probability at or above which spam that also has more links than link_limit "
            "is not stored at all; the model alone never discards (it sends to the spam queue).", maximum=1),
    Setting("spam_queue_needs_contact", True, "The model's word alone sends a comment to the spam queue, where nobody "
            "may look, only if it gives a way to reach its sender (a link, a website, a phone number or an e-mail "
            "address), or at discard_threshold; other comments it doubts are held for a moderator. Spam is paid to "
            "spread such a way; an odd legitimate comment rarely has one (docs/spam-filter.md). Off: the spam queue "
            "takes them at spam_threshold."),
    Setting("filter_mode", "enforce", "enforce: the filter holds, sends to the spam queue and discards as it judges; "
            "shadow: it judges, records and explains every comment, but nothing is held or blocked but by the "
            "moderation setting, so a site can watch the filter (the admin shows what it would have done) before "
            "trusting it. The Akismet API then answers false, with what it would have answered in X-Kiebitz-Would-Be.",
            choices=("enforce", "shadow")),
    Setting("flood_seconds", 15, "Two comments from the same IP within this many seconds: the second is refused as flood."),
    Setting("rate_limit_per_hour", 30, "Most comments one IP may post in an hour."),
    Setting("spam_retention_days", 14, "Comments in the spam queue are purged after this many days."),
    Setting("ip_retention_days", 30, "IP hashes and networks are cleared from comments after this many days."),
    Setting("model", "default", "Spam model to start from: 'default' (shipped) or a path to a trained model file."),
    Setting("spam_encoder", True, "Let the spam filter read what a comment means with its multilingual sentence encoder "
            "when the words leave it in doubt or are unknown to it: much better on kinds of comment it was not trained "
            "on (docs/benchmarks.md), for about 120 MB more memory per worker and 3 ms for such a comment."),
    Setting("spam_keywords", True, "Hold comments with words on SmokeDetector's list of spam keywords (brands of pills "
            "and creams, black-magic services, support lines) for a moderator. A few legitimate comments use them too "
            "(10 of 29,911 German comments, such as 'Zyklon' for a cyclone): turn it off if the site's topics do."),
    Setting(
        "moderation", "none",
        "Hold comments for moderation: none (only what the filter doubts), all, or first (until a commenter's first "
        "comment is approved).", choices=("none", "all", "first"),
    ),
    Setting("smtp_host", "", "SMTP server for notification mails; empty sends no mail."),
    Setting("smtp_port", 587, "Port of the SMTP server (587 for starttls, 465 for ssl).", maximum=65535),
    Setting("smtp_security", "starttls", "SMTP connection security: none, starttls or ssl.", choices=("none", "starttls", "ssl")),
    Setting("smtp_user", "", "SMTP user name, if the server wants a login."),
    Setting("smtp_password", "", "SMTP password."),
    Setting("smtp_from", "kiebitz@localhost", "Sender address of notification mails."),
    Setting("notify_emails", [], "Moderators' addresses that get every held comment with one-click links (the likely spam "
            "among them together: `notify_likely_spam_minutes`); comma separated."),
    Setting("notify_likely_spam_minutes", 60, "Held comments the filter is all but sure are spam (at `spam_threshold` or "
            "more, held as they give no way to reach their sender) reach `notify_emails` together, in one mail at most "
            "this often; 0 mails each at once."),
    Setting("webhook_url", "", "URL that gets a signed JSON POST on new comments, authors' edits and moderation "
            "(event: created, edited, moderated); tried again after 1, 5 and 30 s while it is down or answers 408, "
            "429 or 5xx; empty for none."),
    Setting("webhook_secret", "", "Key for the webhook's X-Kiebitz-Signature (HMAC-SHA256 of the body)."),
    Setting("log_format", "text", "How `kiebitz serve` logs to standard error: text lines, or json (one object per line, "
            "for a log collector).", choices=("text", "json")),
    Setting("log_level", "warning", "Least level logged: debug, info, warning or error.",
            choices=("debug", "info", "warning", "error")),
    Setting("header_timeout", 10.0, "Seconds a client has to send a request's headers (from connecting, or from the "
            "first byte of its next request); then the connection is closed. At least 1."),
    Setting("body_timeout", 15.0, "Seconds a request body may pause between two parts; then it is answered 408 and "
            "the connection closed. At least 1."),
    Setting("max_connections", 1000, "Connections one worker keeps open at once; a request beyond them is answered 503."),
    Setting("access_log", False, "Log every request (method, path, status; never the reader's address)."),
    Setting("metrics_token", "", "Token a Prometheus scrape of /metrics must send as 'Authorization: Bearer TOKEN'; "
            "empty leaves /metrics open (it shows counts only, no commenter's data)."),
    Setting("report_hold_threshold", 3, "Open reader reports that hide a published comment until a moderator decides; "
            "0 never hides one."),
    Setting("live_streams_per_ip", 20, "Live thread streams (Server-Sent Events) one reader's address may hold open in "
            "one worker; 0 turns live threads off."),
    Setting("close_after_days", 0, "Close a thread for new comments this many days after its first comment; 0 never closes."),
    Setting("privacy_notice", "", "Notice under the comment form; empty for the built-in text in the widget's language."),
    Setting("privacy_url", "", "Link of the privacy notice; empty for the page Kiebitz serves at /privacy."),
)

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SCHEMA}


class Settings:
    """Resolved settings, read as attributes: ``settings.edit_window``."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        resolved = {setting.name: setting.default for setting in SCHEMA}
        for name, value in (values or {}).items():
            if name not in BY_NAME:
                raise ConfigError(f"unknown setting {name!r}")
            resolved[name] = BY_NAME[name].parse(value)
        for origin in resolved["allowed_origins"]:
            if origin != "*":
                try:
                    validation.origin(origin, "allowed_origins")
                except InvalidInput as error:
                    raise ConfigError(error.message) from None
        if not resolved["unsure_threshold"] <= resolved["spam_threshold"] <= resolved["discard_threshold"]:
            raise ConfigError("the thresholds must rise: unsure_threshold <= spam_threshold <= discard_threshold, "
                              f"not {resolved['unsure_threshold']}, {resolved['spam_threshold']}, {resolved['discard_threshold']}")
        self._values = resolved

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def update(self, changes: Mapping[str, Any]) -> None:
        """Change values in place (the admin's settings page); every service sees the change at once."""
        parsed = {}
        for name, value in changes.items():
            if name not in BY_NAME:
                raise ConfigError(f"unknown setting {name!r}")
            parsed[name] = BY_NAME[name].parse(value)
        self._values.update(parsed)

    def replace(self, **changes: Any) -> Settings:
        return Settings({**self._values, **changes})

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @classmethod
    def load(cls, path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, then the TOML file at ``path``, then ``KIEBITZ_*`` variables."""
        values: dict[str, Any] = {}
        if path is not None:
            try:
                with open(path, "rb") as handle:
                    values.update(tomllib.load(handle))
            except (OSError, tomllib.TOMLDecodeError) as error:
                raise ConfigError(f"cannot read config file {path}: {error}") from None
        environ = os.environ if environ is None else environ
        for setting in SCHEMA:
            if setting.env in environ:
                values[setting.name] = environ[setting.env]
        return cls(values)


def settings_markdown() -> str:
    """The settings reference, as written to docs/settings.md."""
    lines = [
        "# Settings",
        "",
        "Defaults < TOML file given with `--config` < `KIEBITZ_*` environment variables.",
        "Generated from `kiebitz/config.py` by `kiebitz settings --markdown`.",
        "",
        "| file key | environment variable | default | meaning |",
        "|---|---|---|---|",
    ]
    for setting in SCHEMA:
        default = ",".join(setting.default) if isinstance(setting.default, list) else setting.default
        lines.append(f"| `{setting.name}` | `{setting.env}` | `{default}` | {setting.help} |")
    return "\n".join(lines) + "\n"
