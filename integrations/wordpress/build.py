"""Builds the WordPress plugin's installable zip: `make wordpress-plugin` → dist/kiebitz-wordpress.zip.

The German translation is kept as a .po file (text, reviewable); the .mo file
WordPress loads is compiled from it here, so no binary is kept in the repository.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import polib

PLUGIN = Path(__file__).parent / "kiebitz"
TEXT_DOMAIN = "kiebitz"

# WordPress's translation functions and the position of their singular string (plural follows for _n).
_CALL = re.compile(r"\b(__|_e|esc_html__|esc_html_e|esc_attr__|esc_attr_e|_x|_n)\(\s*'((?:[^'\\]|\\.)*)'"
                   r"(?:\s*,\s*'((?:[^'\\]|\\.)*)')?")


def translatable_strings(plugin: Path = PLUGIN) -> set[str]:
    """Every singular and plural string the plugin's PHP passes to a translation function."""
    found: set[str] = set()
    for source in plugin.rglob("*.php"):
        for function, first, second in _CALL.findall(source.read_text(encoding="utf-8")):
            found.add(_php_unquote(first))
            if function == "_n" and second:
                found.add(_php_unquote(second))
    return found


def _php_unquote(literal: str) -> str:
    """The value of a single-quoted PHP string's body: only \\' and \\\\ are escapes."""
    return re.sub(r"\\(['\\])", r"\1", literal)


def compile_translations(plugin: Path = PLUGIN) -> list[Path]:
    """languages/*.po → *.mo beside them; the paths written."""
    written = []
    for po_path in sorted((plugin / "languages").glob("*.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def build(out: Path) -> Path:
    """The zip WordPress's "Upload plugin" takes: one folder `kiebitz/` with the .mo files compiled."""
    compile_translations()
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(PLUGIN.rglob("*")):
            if path.is_file() and path.suffix != ".po":
                archive.write(path, Path("kiebitz") / path.relative_to(PLUGIN))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1] if len(sys.argv) > 1 else "dist/kiebitz-wordpress.zip")))
