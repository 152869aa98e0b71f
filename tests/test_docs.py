"""Every HTTP endpoint and CLI command is documented (README.md and docs/), the README opens right, and every
link between the pages leads to a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import click

from kiebitz.app import create_app
from kiebitz.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {path: path.read_text(encoding="utf-8") for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
DOCUMENTATION = "\n".join(PAGES.values())
UNDOCUMENTED = {"/openapi.json", "/api/docs", "/api/docs/oauth2-redirect"}


def test_readme_opens_with_the_two_setup_commands():
    opening = README.split("\n\n")[1]
    assert "make demo" in opening and "make test" in opening


def test_every_endpoint_is_in_the_readme(settings):
    app = create_app(settings)
    paths = set(app.openapi()["paths"])  # the routers' routes; app.routes holds them inside included groups
    assert "/api/comments" in paths
    for path in sorted(paths - UNDOCUMENTED):
        documented = path.split("{")[0].rstrip("/") or path
        assert documented in DOCUMENTATION, f"{path} is not documented in README.md or docs/"


def commands(group: click.Group, prefix: str = "kiebitz") -> list[str]:
    found = []
    for name, command in group.commands.items():
        found.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix} {name}")
    return found


def test_every_cli_command_is_in_the_readme():
    for command in commands(main):
        assert command in DOCUMENTATION, f"`{command}` is not documented"


def test_every_link_between_the_pages_leads_to_a_file():
    for path, text in PAGES.items():
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (path.parent / target).exists(), f"{path.name} links to {target}, which does not exist"


def test_the_documentation_site_builds_with_every_page_linked(tmp_path):
    """mkdocs.yml is strict: a link to a page that does not exist, or a page left out of the navigation, fails."""
    import os
    import subprocess
    import sys

    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                           cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "spam-filter" / "index.html").is_file()
    assert (tmp_path / "site" / "search" / "search_index.json").is_file()  # search works offline
