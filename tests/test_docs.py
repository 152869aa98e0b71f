"""Every HTTP endpoint and CLI command is documented in the README, and the README opens right."""

from __future__ import annotations

from pathlib import Path

import click

from kiebitz.app import create_app
from kiebitz.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
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
        assert documented in README, f"{path} is not documented in README.md"


def commands(group: click.Group, prefix: str = "kiebitz") -> list[str]:
    found = []
    for name, command in group.commands.items():
        found.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix} {name}")
    return found


def test_every_cli_command_is_in_the_readme():
    docs = README + (Path(__file__).resolve().parent.parent / "docs" / "akismet.md").read_text(encoding="utf-8")
    for command in commands(main):
        assert command in docs, f"`{command}` is not documented"
