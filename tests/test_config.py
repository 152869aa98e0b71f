"""One documented settings schema: defaults < TOML file < KIEBITZ_* environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiebitz.config import SCHEMA, Settings, settings_markdown
from kiebitz.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = [
    "database", "secret_key", "public_url", "allowed_origins", "edit_window", "min_submit_seconds",
    "require_name", "require_email", "max_depth", "language",
]


def test_required_settings_exist_with_their_defaults():
    settings = Settings()
    assert set(REQUIRED) <= {setting.name for setting in SCHEMA}
    assert (settings.database, settings.edit_window, settings.min_submit_seconds) == ("./kiebitz.db", 900, 3.0)
    assert (settings.require_email, settings.max_depth, settings.language) == (True, 5, "de")


def test_every_setting_has_help_and_is_in_the_docs():
    documented = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert documented == settings_markdown(), "regenerate with: kiebitz settings --markdown > docs/settings.md"
    for setting in SCHEMA:
        assert len(setting.help) > 10, setting.name
        assert f"`{setting.env}`" in documented


def test_every_environment_variable_in_the_code_is_a_setting():
    names = {setting.env for setting in SCHEMA}
    for path in (ROOT / "kiebitz").rglob("*.py"):
        for found in re.findall(r"KIEBITZ_[A-Z_]+", path.read_text(encoding="utf-8")):
            assert found in names or found in {"KIEBITZ_CONFIG"}, f"{found} in {path} is undocumented"


def test_file_then_environment_override(tmp_path: Path):
    config = tmp_path / "kiebitz.toml"
    config.write_text('edit_window = 60\nlanguage = "en"\nallowed_origins = ["https://a.example"]\n', encoding="utf-8")
    settings = Settings.load(config, environ={"KIEBITZ_EDIT_WINDOW": "120", "KIEBITZ_REQUIRE_EMAIL": "false"})
    assert settings.edit_window == 120
    assert settings.language == "en"
    assert settings.allowed_origins == ["https://a.example"]
    assert settings.require_email is False


def test_bad_values_are_named():
    with pytest.raises(ConfigError, match="KIEBITZ_MAX_DEPTH"):
        Settings.load(environ={"KIEBITZ_MAX_DEPTH": "tief"})
    with pytest.raises(ConfigError, match="unknown setting"):
        Settings({"no_such_thing": 1})


@pytest.mark.parametrize(("variable", "value", "rule"), [
    ("KIEBITZ_EDIT_WINDOW", "-1", "a number of 0 or more"),
    ("KIEBITZ_MIN_SUBMIT_SECONDS", "nan", "a number of 0 or more"),  # float() takes it; every comparison would be false
    ("KIEBITZ_SPAM_THRESHOLD", "2", "at most 1"),
    ("KIEBITZ_LANGUAGE", "fr", "one of de, en"),
    ("KIEBITZ_MODERATION", "alle", "one of none, all, first"),
    ("KIEBITZ_SMTP_SECURITY", "tls", "one of none, starttls, ssl"),
])
def test_values_outside_a_settings_rules_are_named_at_start(variable, value, rule):
    with pytest.raises(ConfigError, match=f"{variable}: '{value}' must be {rule}"):
        Settings.load(environ={variable: value})


def test_thresholds_must_rise():
    with pytest.raises(ConfigError, match="the thresholds must rise"):
        Settings.load(environ={"KIEBITZ_UNSURE_THRESHOLD": "0.95"})  # above the spam threshold, 0.9
