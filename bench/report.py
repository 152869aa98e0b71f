"""Putting a benchmark's table into docs/benchmarks.md between its two markers."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, name: str, table: str) -> None:
    """Replace what stands between ``<!-- name:start -->`` and ``<!-- name:end -->`` (appended if missing)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


def publish(lines: list[str], path: Path | None, name: str) -> None:
    """Print a benchmark's table, and put it into ``path`` (docs/benchmarks.md) when given."""
    table = "\n".join(lines)
    print(table)
    if path:
        write_section(path, name, table)
