"""docs/http-api.md lists every operation exactly as the served OpenAPI schema has it."""

from __future__ import annotations

from pathlib import Path

from kiebitz.api.reference import operations_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "http-api.md"


def test_the_documented_operations_are_the_served_ones(client) -> None:
    documented = DOCS.read_text(encoding="utf-8").split("<!-- operations:start -->\n")[1].split("<!-- operations:end -->")[0]
    assert documented == operations_markdown(client.get("/openapi.json").json()), \
        "regenerate the list between the markers with: kiebitz openapi --markdown"
