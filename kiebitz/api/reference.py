"""The HTTP API's reference for docs/http-api.md, written from the OpenAPI schema the server serves.

Generated rather than written by hand, so that the page cannot drift from what
the routes say (tests/api/test_reference.py holds docs/http-api.md to it).
"""

from __future__ import annotations

from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


def operations_markdown(schema: dict[str, Any]) -> str:
    """One table per tag: method and path, what it does, the answers it documents."""
    by_tag: dict[str, list[str]] = {}
    for path, operations in schema["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            answers = ", ".join(sorted(operation.get("responses", {})))
            summary = operation.get("summary", "").replace("|", "\\|")
            row = f"| `{method.upper()} {path}` | {summary} | {answers} |"
            by_tag.setdefault((operation.get("tags") or ["other"])[0], []).append(row)
    lines = []
    for tag in sorted(by_tag):
        lines += [f"### {tag}", "", "| operation | what | answers |", "|---|---|---|", *by_tag[tag], ""]
    return "\n".join(lines).rstrip() + "\n"
