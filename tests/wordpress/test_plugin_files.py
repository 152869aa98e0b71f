"""The plugin's files: PHP that parses, every string in German, a zip WordPress can install."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import polib
import pytest

from tests.wordpress.site import PLUGIN

sys.path.insert(0, str(PLUGIN.parent))
import build  # noqa: E402  integrations/wordpress/build.py

sys.path.remove(str(PLUGIN.parent))


@pytest.mark.parametrize("source", sorted(PLUGIN.rglob("*.php")), ids=lambda path: str(path.relative_to(PLUGIN)))
def test_php_parses(source: Path) -> None:
    done = subprocess.run(["php", "-l", str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_string_has_its_german_translation() -> None:
    german = polib.pofile(str(PLUGIN / "languages" / "kiebitz-de_DE.po"))
    translated = {entry.msgid for entry in german if entry.msgstr or entry.msgstr_plural}
    translated |= {entry.msgid_plural for entry in german if entry.msgid_plural and entry.msgstr_plural}
    strings = build.translatable_strings()
    assert len(strings) > 30
    assert strings - translated == set()
    assert {entry.msgid for entry in german} - strings == set()  # nothing translated that the code no longer says


def test_the_zip_holds_one_plugin_folder_with_compiled_translations(tmp_path: Path) -> None:
    with zipfile.ZipFile(build.build(tmp_path / "kiebitz-wordpress.zip")) as archive:
        names = set(archive.namelist())
    assert {"kiebitz/kiebitz.php", "kiebitz/readme.txt", "kiebitz/languages/kiebitz-de_DE.mo"} <= names
    assert all(name.startswith("kiebitz/") for name in names) and not any(name.endswith(".po") for name in names)
